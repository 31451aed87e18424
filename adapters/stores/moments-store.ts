import type { Db } from '../../lib/db';
import type { Moment } from '../../domain/detection/moment';
import { plainText, roundedText } from '../../domain/money';
import type { TokenView } from '../../domain/tokens/token';
import { cardUrl } from '../../domain/cards/card-url';
import { tokensFor } from './token-store';

export const MOMENT_CHANNEL = 'moment_events';

/** The columns momentFromRow reads: a page selects these, not the bookkeeping ones (two more timestamps to parse per row). */
export const MOMENT_COLUMNS = ['id', 'wallet', 'kind', 'mint', 'signature', 'at', 'severity', 'missed_usd', 'pct', 'status', 'explain', 'spam'] as const;

/** The API shape of a stored moment row, with its token when the caller looked it up (tokensFor). */
export function momentFromRow(r: any, token?: TokenView): Moment {
  const m: Moment = {
    id: r.id, kind: r.kind, wallet: r.wallet, mint: r.mint, signature: r.signature,
    at: new Date(r.at).toISOString().replace('.000Z', 'Z'),
    // NUMERIC text straight from Postgres, formatted as decimal.js would (usd(), toFixed()), a page at a time.
    pct: plainText(r.pct), missedUsd: roundedText(r.missed_usd, 2),
    severity: roundedText(r.severity, 4), status: r.status, explain: r.explain,
    ...(token ? { token } : {}), spam: Boolean(r.spam),
  };
  // The URL names this version of the card, so a moment that changes is never shown with a stale one.
  m.cardUrl = cardUrl(m);
  return m;
}

export interface UpsertResult { created: number; updated: number; unchanged: number; eventIds: number[]; changedIds: string[] }

/**
 * Outbox ids must become visible in id order: readers resume with `id > last id seen`, so an id that commits after a
 * higher one was read would never be sent. Every transaction that writes events takes this lock just before it
 * draws their ids and holds it until it commits (Postgres releases transaction locks only once the commit is
 * visible), so ids are drawn and committed one writer at a time. See docs/architecture.md (Streams).
 */
export const OUTBOX_LOCK_SQL = "select pg_advisory_xact_lock(hashtext('oof:moment_events'))";

/**
 * Idempotent: one row per (wallet, kind, mint, signature). A moment whose numbers did not change writes nothing and
 * publishes nothing — and where its prices came from (explain.priceSource) is not something a user sees change: a
 * moment that differs only there is left as it is; a new or changed one gets an outbox event and a NOTIFY in the same transaction, so a retried
 * activity or a re-run never announces a moment twice. A final moment never goes back to provisional. `db` may be a
 * transaction the caller commits: the events are then published (and the outbox lock held) until that commit.
 */
export async function upsertMoments(db: Db, moments: Moment[]): Promise<UpsertResult> {
  const result: UpsertResult = { created: 0, updated: 0, unchanged: 0, eventIds: [], changedIds: [] };
  if (moments.length === 0) return result;
  await db.transaction(async (trx) => {
    // Every event carries its token, as the list and the stream show it.
    const tokens = await tokensFor(trx, moments.map((m) => m.mint));
    const events: Array<{ moment_id: string; type: string; payload: string }> = [];
    for (const m of moments) {
      const before = await trx('moments').where({ wallet: m.wallet, kind: m.kind, mint: m.mint }).whereRaw('signature is not distinct from ?', [m.signature]).first('status');
      const rows = await trx.raw(
        `insert into moments as o (id, wallet, kind, mint, signature, at, severity, missed_usd, pct, status, explain, spam)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)
         on conflict on constraint moments_identity do update set
           at = excluded.at, severity = excluded.severity, missed_usd = excluded.missed_usd, pct = excluded.pct,
           status = case when o.status = 'final' then 'final' else excluded.status end,
           explain = excluded.explain, spam = excluded.spam, updated_at = now()
         where (o.at, o.severity, o.missed_usd, o.pct, o.explain - 'priceSource', o.status, o.spam)
               is distinct from (excluded.at, excluded.severity, excluded.missed_usd, excluded.pct, excluded.explain - 'priceSource',
                                 case when o.status = 'final' then 'final' else excluded.status end, excluded.spam)
         returning o.*, (xmax = 0) as inserted`,
        [m.id, m.wallet, m.kind, m.mint, m.signature, m.at, m.severity, m.missedUsd, m.pct, m.status, JSON.stringify(m.explain), m.spam ?? false],
      );
      const row = rows.rows[0];
      if (!row) {
        result.unchanged++;
        continue;
      }
      if (row.inserted) result.created++;
      else result.updated++;
      const moment = momentFromRow(row, tokens.get(row.mint));
      const type = row.inserted ? 'moment.created' : moment.status === 'final' && before?.status === 'provisional' ? 'moment.finalized' : 'moment.updated';
      events.push({ moment_id: row.id, type, payload: JSON.stringify(moment) });
      result.changedIds.push(row.id);
    }
    if (events.length === 0) return;
    // Last in the transaction, so the lock is held for one insert and the commit. NOTIFY serialises committing
    // notifiers through a lock of its own anyway, so this adds no new point of contention.
    await trx.raw(OUTBOX_LOCK_SQL);
    const ids = await trx('moment_events').insert(events).returning('id');
    result.eventIds = ids.map((r: any) => Number(r.id));
    await trx.raw('select pg_notify(?, ?)', [MOMENT_CHANNEL, String(Math.max(...result.eventIds))]);
  });
  return result;
}
