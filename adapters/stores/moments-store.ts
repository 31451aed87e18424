import type { Db } from '../../lib/db';
import type { Moment } from '../../domain/detection/moment';
import { D, usd } from '../../domain/money';

export const MOMENT_CHANNEL = 'moment_events';

export function cardUrl(id: string): string {
  return `/v1/cards/moment/${id}.png`;
}

/** The API shape of a stored moment row. */
export function momentFromRow(r: any): Moment {
  return {
    id: r.id, kind: r.kind, wallet: r.wallet, mint: r.mint, signature: r.signature,
    at: new Date(r.at).toISOString().replace('.000Z', 'Z'),
    pct: new D(r.pct).toFixed(), missedUsd: usd(new D(r.missed_usd)),
    severity: new D(r.severity).toFixed(4), status: r.status, explain: r.explain, cardUrl: cardUrl(r.id),
  };
}

export interface UpsertResult { created: number; updated: number; unchanged: number; eventIds: number[]; changedIds: string[] }

/**
 * Idempotent: one row per (wallet, kind, mint, signature). A moment whose numbers did not change writes nothing and
 * publishes nothing — and where its prices came from (explain.priceSource) is not something a user sees change: a
 * moment that differs only there is left as it is; a new or changed one gets an outbox event and a NOTIFY in the same transaction, so a retried
 * activity or a re-run never announces a moment twice. A final moment never goes back to provisional.
 */
export async function upsertMoments(db: Db, moments: Moment[]): Promise<UpsertResult> {
  const result: UpsertResult = { created: 0, updated: 0, unchanged: 0, eventIds: [], changedIds: [] };
  if (moments.length === 0) return result;
  await db.transaction(async (trx) => {
    for (const m of moments) {
      const before = await trx('moments').where({ wallet: m.wallet, kind: m.kind, mint: m.mint }).whereRaw('signature is not distinct from ?', [m.signature]).first('status');
      const rows = await trx.raw(
        `insert into moments as o (id, wallet, kind, mint, signature, at, severity, missed_usd, pct, status, explain)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
         on conflict on constraint moments_identity do update set
           at = excluded.at, severity = excluded.severity, missed_usd = excluded.missed_usd, pct = excluded.pct,
           status = case when o.status = 'final' then 'final' else excluded.status end,
           explain = excluded.explain, updated_at = now()
         where (o.at, o.severity, o.missed_usd, o.pct, o.explain - 'priceSource', o.status)
               is distinct from (excluded.at, excluded.severity, excluded.missed_usd, excluded.pct, excluded.explain - 'priceSource',
                                 case when o.status = 'final' then 'final' else excluded.status end)
         returning o.*, (xmax = 0) as inserted`,
        [m.id, m.wallet, m.kind, m.mint, m.signature, m.at, m.severity, m.missedUsd, m.pct, m.status, JSON.stringify(m.explain)],
      );
      const row = rows.rows[0];
      if (!row) {
        result.unchanged++;
        continue;
      }
      if (row.inserted) result.created++;
      else result.updated++;
      const moment = momentFromRow(row);
      const type = row.inserted ? 'moment.created' : moment.status === 'final' && before?.status === 'provisional' ? 'moment.finalized' : 'moment.updated';
      const ev = await trx('moment_events').insert({ moment_id: row.id, type, payload: JSON.stringify(moment) }).returning('id');
      result.eventIds.push(Number(ev[0].id));
      result.changedIds.push(row.id);
    }
    if (result.eventIds.length) await trx.raw('select pg_notify(?, ?)', [MOMENT_CHANNEL, String(Math.max(...result.eventIds))]);
  });
  return result;
}
