import Router from '@koa/router';
import { cardImageUrl, sharePageUrl } from '../../adapters/rendering/card-links';
import { momentFromRow } from '../../adapters/stores/moments-store';
import { alertDescription, alertTitle } from '../../domain/alerts/messages';
import { CARD_HEIGHT, CARD_WIDTH, story } from '../../domain/cards/card';
import { humanDate, humanPct, humanUsd, shortAddress } from '../../domain/cards/format';
import { momentTokens, tokenLabel } from '../../domain/cards/tokens';
import { tokensFor } from '../../adapters/stores/token-store';
import type { Moment } from '../../domain/detection/moment';
import type { Db } from '../../lib/db';
import { Problem } from '../problem';
import { intentLinks, renderSharePage, type SharePage } from '../share/share-page';
import { ULID_RE } from './analyses';

/** publicBaseUrl: PUBLIC_BASE_URL; unset (development), links are built on the origin the request came to. */
export interface ShareDeps {
  db: Db;
  publicBaseUrl?: string;
  cardOrigin?: string;
  /** A private wallet's moments have no public page, as they have no public card. */
  isPrivate?: (wallet: string) => Promise<boolean>;
}

const KIND_NAMES: Record<Moment['kind'], string> = { S2E: 'Sold too early', BHD: 'Held the bag', BadRoute: 'Bad route', IdleYield: 'Idle money' };

/** A moment as a share page: its versioned card, its story, and intent links back to this page. */
export function momentSharePage(m: Moment, base: string): SharePage {
  const canonicalUrl = sharePageUrl(base, m.id);
  const title = alertTitle(m);
  const facts: Array<[string, string]> = [
    ['What', KIND_NAMES[m.kind]], ['Token', tokenLabel(m.mint, momentTokens(m))], ['Wallet', shortAddress(m.wallet)], ['When', humanDate(m.at)],
    ['Missed', humanUsd(m.missedUsd)], ['Move', humanPct(m.pct, m.kind === 'S2E' || m.kind === 'IdleYield' ? '+' : '−')],
    ['Severity', `${Math.round(Number(m.severity) * 100)}%`], ['Status', m.status],
  ];
  if (m.signature) facts.push(['Transaction', shortAddress(m.signature)]);
  return {
    canonicalUrl, title, description: alertDescription(m),
    image: { url: cardImageUrl(base, m), width: CARD_WIDTH, height: CARD_HEIGHT, alt: `OOF card — ${title}. ${story(m)}` },
    story: [`${story(m)}.`, m.status === 'provisional' ? 'The 7-day window is still open: these are the worst numbers so far.' : 'The 7-day window has closed: these numbers are final.'],
    facts,
    shareLinks: intentLinks(canonicalUrl, `${title} — found by OOF`),
    button: { title: 'See the OOF', appName: 'OOF' },
    cta: { label: 'Find your own wallet\'s OOF moments', href: `${base}/` },
    stylesheet: '/ui/app.css',
  };
}

/** GET /m/:id — public like the card it shows; its own CSP (no script at all). */
export function shareRouter(d: ShareDeps): Router {
  const router = new Router();
  const csp = [
    "default-src 'none'", "style-src 'self'", `img-src 'self' data: ${d.cardOrigin ?? ''}`.trim(), "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
  ].join('; ');
  router.get('/m/:id', async (ctx) => {
    const id = ctx.params.id!;
    if (!ULID_RE.test(id)) throw new Problem(400, 'Bad Request', `"${id.slice(0, 64)}" is not a moment id (a 26-character ULID)`);
    const row = await d.db('moments').where({ id }).first();
    if (!row || (await d.isPrivate?.(row.wallet))) throw new Problem(404, 'Not Found', `no moment ${id}`);
    ctx.set('Content-Security-Policy', csp);
    // Short: a provisional moment's page changes as its numbers do.
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.type = 'text/html; charset=utf-8';
    const token = (await tokensFor(d.db, [row.mint])).get(row.mint);
    ctx.body = renderSharePage(momentSharePage(momentFromRow(row, token), d.publicBaseUrl ?? `${ctx.protocol}://${ctx.host}`));
  });
  return router;
}
