import type { Knex } from 'knex';
import type { Db } from '../../lib/db';
import type { DetectionConfig } from '../../domain/detection/config';
import { triggerPrice } from '../../domain/detection/triggers';
import { D } from '../../domain/money';

export interface AlarmSpec {
  watchId: string;
  wallet: string;
  signature: string;
  mint: string;
  side: 'buy' | 'sell';
  tradePrice: string;
  quantity: string;
  endsAtMs: number;
  /** How many times the alarm may wake its watch over the window (each wake costs a few history events). */
  alarms: number;
}

export interface AlarmRow { watchId: string; mint: string; step: number; direction?: string; trigger?: string; minSeverity: string; quantity: string; alarmsLeft: number }

const toRow = (r: any): AlarmRow => ({
  watchId: r.watch_id, mint: r.mint, step: r.step, direction: r.direction ?? undefined, trigger: r.trigger === null ? undefined : new D(r.trigger).toFixed(),
  minSeverity: new D(r.min_severity).toFixed(), quantity: new D(r.quantity).toFixed(), alarmsLeft: r.alarms_left,
});

function trigger(r: { side: 'buy' | 'sell'; tradePrice: string; quantity: string; minSeverity: string; alarmsLeft: number }, cfg: DetectionConfig) {
  const t = r.alarmsLeft > 0 ? triggerPrice(r, cfg) : undefined;
  return { direction: t?.direction ?? null, trigger: t?.price ?? null };
}

/** Registers a watch's alarm at the rule's thresholds; a watch that registered before keeps what it has. */
export async function armAlarm(db: Db, s: AlarmSpec, cfg: DetectionConfig): Promise<AlarmRow> {
  const t = trigger({ ...s, minSeverity: '0', alarmsLeft: s.alarms }, cfg);
  await db('price_alarms').insert({
    watch_id: s.watchId, wallet: s.wallet, signature: s.signature, mint: s.mint, side: s.side, trade_price: s.tradePrice, quantity: s.quantity,
    min_severity: 0, alarms_left: s.alarms, ...t, step: 0, ends_at: new Date(s.endsAtMs),
  }).onConflict('watch_id').ignore();
  return toRow(await db('price_alarms').where({ watch_id: s.watchId }).first());
}

async function recompute(trx: Knex.Transaction, watchId: string, change: (r: any) => { quantity?: string; minSeverity?: string; alarmsLeft?: number; step?: number } | undefined, cfg: DetectionConfig): Promise<AlarmRow | undefined> {
  const r = await trx('price_alarms').where({ watch_id: watchId }).forUpdate().first();
  if (!r) return undefined;
  const c = change(r);
  if (!c) return toRow(r);
  const next = {
    quantity: c.quantity ?? new D(r.quantity).toFixed(), minSeverity: c.minSeverity ?? new D(r.min_severity).toFixed(),
    alarmsLeft: c.alarmsLeft ?? r.alarms_left, step: c.step ?? r.step,
  };
  const t = trigger({ side: r.side, tradePrice: new D(r.trade_price).toFixed(), ...next }, cfg);
  const [row] = await trx('price_alarms').where({ watch_id: watchId })
    .update({ quantity: next.quantity, min_severity: next.minSeverity, alarms_left: next.alarmsLeft, step: next.step, ...t, updated_at: trx.fn.now() })
    .returning('*');
  return toRow(row);
}

/**
 * After the judgement of alarm `step`: the next alarm (step + 1) asks for `minSeverity` on what is held now. A retry
 * of the same judgement finds the step already moved and changes nothing.
 */
export async function moveAlarm(db: Db, watchId: string, m: { step: number; minSeverity: string; quantity: string }, cfg: DetectionConfig): Promise<AlarmRow | undefined> {
  return db.transaction((trx) => recompute(trx, watchId, (r) => (r.step !== m.step ? undefined : { step: m.step + 1, minSeverity: m.minSeverity, quantity: m.quantity, alarmsLeft: Math.max(0, r.alarms_left - 1) }), cfg));
}

/** A later sell shrank the lot a BHD watch judges: its alarm asks for a lower price (or none when nothing is held). */
export async function updateHolding(db: Db, watchId: string, quantity: string, cfg: DetectionConfig): Promise<AlarmRow | undefined> {
  return db.transaction((trx) => recompute(trx, watchId, (r) => (new D(r.quantity).eq(quantity) ? undefined : { quantity }), cfg));
}

export async function removeAlarm(db: Db, watchId: string): Promise<void> {
  await db('price_alarms').where({ watch_id: watchId }).del();
}

/** Every mint an alarm watches, by a skip scan of the mint index: one index probe per mint, whatever the watches. */
export async function watchedMints(db: Db): Promise<string[]> {
  const r = await db.raw(
    `with recursive m(mint) as (
       (select mint from price_alarms order by mint limit 1)
       union all
       select (select a.mint from price_alarms a where a.mint > m.mint order by a.mint limit 1) from m where m.mint is not null)
     select mint from m where mint is not null`,
  );
  return r.rows.map((x: any) => x.mint as string);
}

export interface Crossed { watchId: string; step: number; mint: string; usd: string }

/**
 * The alarms the given prices cross and that were not signalled for their current step: one range scan of the
 * trigger index per mint and direction.
 */
export async function crossedAlarms(db: Db, prices: Array<{ mint: string; usd: string }>): Promise<Crossed[]> {
  if (!prices.length) return [];
  const r = await db.raw(
    `select a.watch_id, a.step, p.mint, p.usd
       from unnest(?::text[], ?::numeric[]) as p(mint, usd)
       cross join lateral (
         select watch_id, step, signalled_step from price_alarms
          where mint = p.mint and direction = 'up' and trigger is not null and trigger <= p.usd
         union all
         select watch_id, step, signalled_step from price_alarms
          where mint = p.mint and direction = 'down' and trigger is not null and trigger >= p.usd) a
      where a.signalled_step is distinct from a.step`,
    [prices.map((p) => p.mint), prices.map((p) => p.usd)],
  );
  return r.rows.map((x: any) => ({ watchId: x.watch_id, step: x.step, mint: x.mint, usd: new D(x.usd).toFixed() }));
}

/** Records that these alarm steps were signalled, so a replayed refresh signals nothing twice. */
export async function markSignalled(db: Db, done: Array<{ watchId: string; step: number }>): Promise<void> {
  if (!done.length) return;
  await db.raw(
    `update price_alarms a set signalled_step = x.step
       from unnest(?::text[], ?::int[]) as x(watch_id, step)
      where a.watch_id = x.watch_id and a.step = x.step`,
    [done.map((d) => d.watchId), done.map((d) => d.step)],
  );
}

/** Alarms of watches long past their window (a watch terminated by hand never removes its own). */
export async function dropStaleAlarms(db: Db, endedBeforeMs: number): Promise<number> {
  return db('price_alarms').where('ends_at', '<', new Date(endedBeforeMs)).del();
}
