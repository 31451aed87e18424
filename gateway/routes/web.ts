import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Router from '@koa/router';
import type { Context } from 'koa';
import { FALLBACK_SYMBOLS } from '../../domain/cards/tokens';

const WEB = path.resolve(__dirname, '../web');

interface Asset { body: Buffer; type: string; etag: string }

function asset(file: string, type: string, transform: (text: string) => string = (t) => t): Asset {
  const body = Buffer.from(transform(readFileSync(path.join(WEB, file), 'utf8')));
  return { body, type, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"` };
}

/** JSON inside a <script> block: `<` escaped so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export interface WebDeps {
  /** Where cards are served from when the bucket is public (R2_PUBLIC_URL): the page must be allowed to show them. */
  cardOrigin?: string;
}

/**
 * The page at `/`: a static HTML shell, one script and one stylesheet, read once at start-up. The API's CSP allows
 * nothing; the page gets its own, which lets it load its own script and style, call the API and show the cards.
 */
export function webRouter(d: WebDeps = {}): Router {
  const assets: Record<string, Asset> = {
    '/': asset('index.html', 'text/html; charset=utf-8', (t) => t.replace('__KNOWN_TOKENS__', scriptJson(FALLBACK_SYMBOLS))),
    '/ui/app.js': asset('app.js', 'text/javascript; charset=utf-8'),
    '/ui/app.css': asset('app.css', 'text/css; charset=utf-8'),
  };
  const imgSrc = ["'self'", 'data:', ...(d.cardOrigin ? [d.cardOrigin] : [])].join(' ');
  const csp = [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", `img-src ${imgSrc}`, "connect-src 'self'",
    "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'",
  ].join('; ');
  const serve = (ctx: Context, a: Asset) => {
    ctx.set('Content-Security-Policy', csp);
    // Always revalidated (cheap: a 304 by ETag), so a deploy is seen at once.
    ctx.set('Cache-Control', 'no-cache');
    ctx.set('ETag', a.etag);
    if (ctx.get('if-none-match') === a.etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = a.type;
    ctx.body = a.body;
  };
  const router = new Router();
  for (const [route, a] of Object.entries(assets)) router.get(route, (ctx) => serve(ctx, a));
  return router;
}
