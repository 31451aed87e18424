import type { Context, Next } from 'koa';
import type { Logger } from '../lib/logger';
import { isDatabaseUnavailable } from '../lib/db';

/** An RFC 9457 problem: every error the gateway sends has this shape and never a stack trace. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
    this.name = 'Problem';
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 409: 'Conflict', 411: 'Length Required', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

export function problemType(status: number): string {
  return `https://oof.dev/problems/${status}`;
}

function send(ctx: Context, status: number, title: string, detail: string | undefined, extra: Record<string, unknown>) {
  ctx.status = status;
  ctx.type = 'application/problem+json';
  ctx.body = { type: problemType(status), title, status, ...(detail ? { detail } : {}), instance: ctx.path, requestId: ctx.state.requestId, ...extra };
}

/** Turns thrown Problems, koa/http-errors and unknown failures into problem+json; 404 for unmatched routes. */
export function problemMiddleware(log: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) send(ctx, 404, 'Not Found', `no route for ${ctx.method} ${ctx.path}`, {});
      // The router answers a method it implements nowhere (PATCH, DELETE…) with an empty 501: for a client that is a
      // method this path does not allow.
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) send(ctx, 405, 'Method Not Allowed', `${ctx.method} is not allowed on ${ctx.path}`, {});
      if (ctx.status >= 400 && ctx.body === undefined) send(ctx, ctx.status, TITLES[ctx.status] ?? 'Error', undefined, {});
    } catch (err: any) {
      if (err instanceof Problem) {
        for (const [k, v] of Object.entries(err.headers)) ctx.set(k, v);
        send(ctx, err.status, err.title, err.detail, err.extra);
        return;
      }
      if (err?.type === 'entity.parse.failed' || (err instanceof SyntaxError && (err as any).status === 400)) return send(ctx, 400, 'Bad Request', 'the request body is not valid JSON', {});
      if (err?.type === 'entity.too.large') return send(ctx, 413, 'Payload Too Large', `the request body is larger than ${err.limit} bytes`, {});
      if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') return send(ctx, 415, 'Unsupported Media Type', String(err.message), {});
      // The database restarting or out of connections is temporary: 503 with Retry-After lets clients (and
      // Helius' webhook retries) come back instead of taking it as our bug.
      if (isDatabaseUnavailable(err)) {
        log.warn({ err: String(err?.message ?? err), requestId: ctx.state.requestId, path: ctx.path }, 'database unavailable');
        ctx.set('Retry-After', '5');
        return send(ctx, 503, TITLES[503]!, 'the database is unavailable; try again shortly', {});
      }
      // Other errors from koa carry an HTTP status and a message meant for the client.
      const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
      if (status === 500) {
        log.error({ err, requestId: ctx.state.requestId, path: ctx.path }, 'unhandled error');
        send(ctx, 500, TITLES[500]!, 'an unexpected error occurred; quote the requestId when reporting it', {});
      } else {
        send(ctx, status, TITLES[status] ?? 'Client Error', err.expose ? String(err.message) : undefined, {});
      }
    }
  };
}
