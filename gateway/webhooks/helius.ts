import Router from '@koa/router';
import { ParseError } from '../../domain/parsing/amounts';
import { toView } from '../../domain/parsing/input';
import { accountsTouched } from '../../domain/parsing/parse';
import type { Db } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import { Problem } from '../problem';
import { readBodyText } from './read-body';
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

interface Row {
  /** 1-based position in the delivered array (Postgres' WITH ORDINALITY). */
  ord: number;
  signature: string;
  slot: number;
  blockTime: Date | null;
  fee: string;
  failed: boolean;
  source: string;
  accounts: string[];
}

/** Parses and validates the delivery into one row per item (the payload itself is stored from the body text). */
function rowsOf(text: string, maxItems: number): Row[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Problem(400, 'Bad Request', 'the request body is not valid JSON');
  }
  if (!Array.isArray(body)) throw new Problem(400, 'Bad Request', 'the body must be a JSON array of transactions');
  if (body.length === 0) throw new Problem(400, 'Bad Request', 'the array holds no transactions');
  if (body.length > maxItems) throw new Problem(413, 'Payload Too Large', `at most ${maxItems} transactions per delivery`);
  return body.map((item: any, i) => {
    try {
      const v = toView(item, `[${i}]`);
      const enhanced = Array.isArray(item.accountData) || typeof item.feePayer === 'string';
      return {
        ord: i + 1,
        signature: v.signature,
        slot: v.slot,
        blockTime: v.blockTime === null ? null : new Date(v.blockTime * 1000),
        fee: v.fee.toString(),
        failed: v.failed,
        source: enhanced ? 'helius-webhook-enhanced' : 'helius-webhook-raw',
        accounts: accountsTouched(v),
      };
    } catch (e) {
      if (e instanceof ParseError) throw new Problem(400, 'Bad Request', `transaction ${e.message}`);
      throw e;
    }
  });
}

/**
 * POST /webhooks/helius: authenticate, validate, store each transaction once (signature primary key) and answer.
 * Actors are signalled afterwards by the dispatcher from the stored rows, so the answer does not wait on Temporal
 * and nothing accepted is lost if Temporal or the worker is down.
 */
export function heliusWebhookRouter(d: HeliusWebhookDeps): Router {
  const router = new Router();
  router.post('/webhooks/helius', async (ctx) => {
    if (!d.authorization) throw new Problem(503, 'Service Unavailable', 'the Helius webhook is not enabled on this server (HELIUS_WEBHOOK_AUTH is unset)');
    if (!secretsEqual(ctx.get('authorization'), d.authorization)) throw new Problem(401, 'Unauthorized', 'the Authorization header does not match the webhook secret');
    if (!ctx.is('application/json')) throw new Problem(415, 'Unsupported Media Type', 'send the transactions as application/json');
    const text = await readBodyText(ctx, d.maxBytes);
    const rows = rowsOf(text, d.maxItems);
    const unique = [...new Map(rows.map((r) => [r.signature, r])).values()].sort((a, b) => (a.signature < b.signature ? -1 : 1));
    // One statement, one array per column, and the payloads taken from the body as Postgres parses it: no per-item
    // re-serialising or array escaping of half a megabyte of JSON in the event loop.
    const result = await d.db.raw(
      `insert into transactions (signature, slot, block_time, fee_lamports, failed, source, raw, accounts)
       select t.s, t.sl, t.bt, t.f, t.fa, t.so, r.value, string_to_array(t.a, ',')
         from unnest(?::int[], ?::text[], ?::bigint[], ?::timestamptz[], ?::bigint[], ?::boolean[], ?::text[], ?::text[]) as t(ord, s, sl, bt, f, fa, so, a)
         join jsonb_array_elements(?::jsonb) with ordinality as r(value, ord) on r.ord = t.ord
        order by t.s
       on conflict (signature) do nothing
       returning signature`,
      // Arrays bind as Postgres arrays; knex's RawBinding type does not list them.
      [
        unique.map((r) => r.ord), unique.map((r) => r.signature), unique.map((r) => r.slot), unique.map((r) => r.blockTime),
        unique.map((r) => r.fee), unique.map((r) => r.failed), unique.map((r) => r.source), unique.map((r) => r.accounts.join(',')),
        text,
      ] as any[],
    );
    const fresh = result.rowCount ?? result.rows.length;
    d.metrics?.received(rows.length, fresh);
    if (fresh) d.onStored?.();
    ctx.status = 200;
    ctx.body = { received: rows.length, new: fresh };
  });
  return router;
}
