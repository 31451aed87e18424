import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { ParseError } from '../../activities/parsing/amounts';
import { toView } from '../../activities/parsing/input';
import type { Db } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import { Problem } from '../problem';
import { secretsEqual } from './secret-compare';

export interface HeliusWebhookDeps {
  db: Db;
  log: Logger;
  /** The exact Authorization value Helius sends; undefined disables the endpoint. */
  authorization?: string;
  maxBytes: number;
  maxItems: number;
  /** Called after new rows are committed, so the dispatcher signals their actors without waiting for its timer. */
  onStored?: () => void;
  metrics?: { received(n: number, fresh: number): void };
}

/**
 * POST /webhooks/helius: authenticate, validate, store each transaction once (signature primary key) and answer.
 * Actors are signalled afterwards by the dispatcher from the stored rows, so the answer does not wait on Temporal
 * and nothing accepted is lost if Temporal or the worker is down.
 */
export function heliusWebhookRouter(d: HeliusWebhookDeps): Router {
  const router = new Router();
  const parseBody = bodyParser({ enableTypes: ['json'], jsonLimit: d.maxBytes, encoding: 'utf-8', jsonStrict: true });

  router.post('/webhooks/helius', async (ctx, next) => {
    if (!d.authorization) throw new Problem(503, 'Service Unavailable', 'the Helius webhook is not enabled on this server (HELIUS_WEBHOOK_AUTH is unset)');
    if (!secretsEqual(ctx.get('authorization'), d.authorization)) throw new Problem(401, 'Unauthorized', 'the Authorization header does not match the webhook secret');
    if (!ctx.is('application/json')) throw new Problem(415, 'Unsupported Media Type', 'send the transactions as application/json');
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > d.maxBytes) throw new Problem(413, 'Payload Too Large', `the body is ${declared} bytes; the limit is ${d.maxBytes}`);
    await parseBody(ctx, next);
  }, async (ctx) => {
    const body = (ctx.request as any).body;
    if (!Array.isArray(body)) throw new Problem(400, 'Bad Request', 'the body must be a JSON array of transactions');
    if (body.length === 0) throw new Problem(400, 'Bad Request', 'the array holds no transactions');
    if (body.length > d.maxItems) throw new Problem(413, 'Payload Too Large', `at most ${d.maxItems} transactions per delivery`);
    const rows = body.map((item: unknown, i: number) => {
      try {
        const v = toView(item, `[${i}]`);
        const enhanced = !!(item as any).accountData || (item as any).feePayer !== undefined;
        return {
          signature: v.signature,
          slot: v.slot,
          block_time: v.blockTime === null ? null : new Date(v.blockTime * 1000),
          fee_lamports: v.fee.toString(),
          failed: v.failed,
          source: enhanced ? 'helius-webhook-enhanced' : 'helius-webhook-raw',
          raw: JSON.stringify(item),
        };
      } catch (e) {
        if (e instanceof ParseError) throw new Problem(400, 'Bad Request', `transaction ${e.message}`);
        throw e;
      }
    });
    const unique = [...new Map(rows.map((r: any) => [r.signature, r])).values()].sort((a: any, b: any) => (a.signature < b.signature ? -1 : 1));
    const inserted = await d.db('transactions').insert(unique).onConflict('signature').ignore().returning('signature');
    d.metrics?.received(body.length, inserted.length);
    if (inserted.length) d.onStored?.();
    ctx.status = 200;
    ctx.body = { received: body.length, new: inserted.length };
  });
  return router;
}
