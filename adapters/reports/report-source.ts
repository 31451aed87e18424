import { PriceSeries } from '../../domain/detection/price-series';
import { STABLECOINS, WSOL_MINT } from '../../domain/parsing/constants';
import type { NormalizedTx, WalletAction } from '../../domain/parsing/normalized';
import type { Db } from '../../lib/db';

const STALE_MS = 2 * 3_600_000;
/** A mint priced at more instants than this gets its whole series read (one range scan beats that many probes). */
const MAX_PROBES_PER_MINT = 2000;

/** A pg client straight from knex's pool: array rows, no per-row objects, for the one query that reads 10^5 rows. */
async function arrayQuery(db: Db, text: string, values: unknown[]): Promise<unknown[][]> {
  const conn = await (db.client as any).acquireConnection();
  try {
    return (await conn.query({ text, values, rowMode: 'array' })).rows;
  } finally {
    await (db.client as any).releaseConnection(conn);
  }
}

export type ReportTx = NormalizedTx & { atMs: number };

/**
 * The stored history of one owner's wallets up to `nowMs`, in the normalized form of design §5, each transaction with
 * its time in ms already (no date parsing per transaction). Ordered as the report orders them (code points: "C").
 */
export async function loadReportHistory(db: Db, wallets: string[], nowMs: number): Promise<ReportTx[]> {
  const rows = await arrayQuery(db,
    `select wt.wallet, t.signature, (extract(epoch from t.block_time) * 1000)::float8, t.failed, wt.fee_lamports::text,
            a.kind, a.sent_mint, a.sent_amount::text, a.received_mint, a.received_amount::text, a.counterparty
       from wallet_transactions wt
       join transactions t on t.signature = wt.signature
       left join actions a on a.signature = wt.signature and a.wallet = wt.wallet
      where wt.wallet = any($1) and (t.block_time is null or t.block_time <= $2)
      order by t.block_time nulls first, t.signature collate "C", wt.wallet collate "C", a.idx`,
    [wallets, new Date(nowMs)]);
  const out: ReportTx[] = [];
  let cur: ReportTx | undefined;
  for (const r of rows) {
    const wallet = r[0] as string;
    const signature = r[1] as string;
    if (!cur || cur.signature !== signature || cur.wallet !== wallet) {
      const ms = r[2] as number | null;
      cur = {
        signature, slot: 0, wallet, failed: r[3] as boolean, feeLamports: r[4] as string, feePayer: wallet,
        blockTime: ms === null ? null : new Date(ms).toISOString(), atMs: ms === null ? -Infinity : ms, actions: [],
      };
      out.push(cur);
    }
    if (r[5] !== null) {
      const a: WalletAction = {
        kind: r[5] as WalletAction['kind'],
        sent: r[6] === null ? null : { mint: r[6] as string, amount: r[7] as string },
        received: r[8] === null ? null : { mint: r[8] as string, amount: r[9] as string },
      };
      if (r[10] !== null) a.counterparty = r[10] as string;
      cur.actions.push(a);
    }
  }
  return out;
}

/**
 * The prices the report may ask for, as chains: each (instant, mints in the order rule 4 tries them) — a fee's SOL,
 * a transfer in's mint, a swap's SOL leg then its sent then its received leg (none for a swap with a stable leg).
 * A later mint of a chain is needed only when the earlier ones have no price then.
 */
export function priceNeeds(txs: ReportTx[]): Array<{ at: number; mints: string[] }> {
  const chains: Array<{ at: number; mints: string[] }> = [];
  for (const tx of txs) {
    if (!Number.isFinite(tx.atMs)) continue;
    if (tx.feeLamports !== '0') chains.push({ at: tx.atMs, mints: [WSOL_MINT] });
    if (tx.failed) continue;
    for (const a of tx.actions) {
      if (a.kind === 'swap') {
        if ((a.sent && STABLECOINS.has(a.sent.mint)) || (a.received && STABLECOINS.has(a.received.mint))) continue;
        const order: string[] = [];
        if (a.sent?.mint === WSOL_MINT || a.received?.mint === WSOL_MINT) order.push(WSOL_MINT);
        for (const leg of [a.sent, a.received]) if (leg && !order.includes(leg.mint)) order.push(leg.mint);
        if (order.length) chains.push({ at: tx.atMs, mints: order });
      } else if (a.received && !STABLECOINS.has(a.received.mint)) {
        chains.push({ at: tx.atMs, mints: [a.received.mint] });
      }
    }
  }
  return chains;
}

/**
 * Prices as design §6 reads them at the instants the report asks, without reading every point: for each instant only
 * the point the rule picks (the latest at or before it within 2 h, else the earliest after within 2 h) — a series of
 * those points answers those instants exactly as the full one would. In rounds along each chain: the next mint is
 * asked only where the ones before have no price. A mint asked very often gets its full series instead. Every mint
 * in `mints` also gets its latest point at or before now (the positions' price).
 */
export async function loadReportPrices(db: Db, chains: Array<{ at: number; mints: string[] }>, mints: string[], nowMs: number): Promise<Map<string, PriceSeries>> {
  const points = new Map<string, Array<[number, string]>>();
  const add = (rows: unknown[][]) => {
    for (const r of rows) {
      const mint = r[0] as string;
      let list = points.get(mint);
      if (!list) points.set(mint, (list = []));
      list.push([r[1] as number, r[2] as string]);
    }
  };
  const full = new Set<string>();
  const series = new Map<string, PriceSeries>();
  const build = () => {
    series.clear();
    for (const [mint, pts] of points) series.set(mint, new PriceSeries(pts));
  };
  const probed = new Set<string>();
  let pending = chains.map((c) => ({ ...c, next: 0 }));
  for (let round = 0; pending.length; round++) {
    const asked = new Map<string, Set<number>>();
    for (const c of pending) {
      const mint = c.mints[c.next]!;
      if (full.has(mint) || probed.has(`${mint}|${c.at}`)) continue;
      let set = asked.get(mint);
      if (!set) asked.set(mint, (set = new Set()));
      set.add(c.at);
    }
    const probeMints: string[] = [];
    const probeTimes: Date[] = [];
    const fullNow: string[] = [];
    for (const [mint, times] of asked) {
      if (times.size > MAX_PROBES_PER_MINT) {
        fullNow.push(mint);
        full.add(mint);
        continue;
      }
      for (const t of times) {
        probeMints.push(mint);
        probeTimes.push(new Date(t));
        probed.add(`${mint}|${t}`);
      }
    }
    const reads: Array<Promise<void>> = [];
    // At an instant with points from several sources, one wins, the same one everywhere: the first source by name.
    if (probeMints.length) {
      reads.push(arrayQuery(db,
        `select distinct q.mint, p.ts_ms, p.usd
           from unnest($1::text[], $2::timestamptz[]) as q(mint, t)
           cross join lateral (
             (select (extract(epoch from ts) * 1000)::float8 as ts_ms, usd::text as usd from price_points
               where mint = q.mint and ts <= q.t and ts >= q.t - make_interval(secs => $3) order by ts desc, source limit 1)
             union all
             (select (extract(epoch from ts) * 1000)::float8, usd::text from price_points
               where mint = q.mint and ts > q.t and ts <= q.t + make_interval(secs => $3) order by ts, source limit 1)
             limit 1) p`,
        [probeMints, probeTimes, STALE_MS / 1000]).then(add));
    }
    if (fullNow.length) {
      reads.push(arrayQuery(db,
        `select distinct on (mint, ts) mint, (extract(epoch from ts) * 1000)::float8, usd::text from price_points
          where mint = any($1) and ts <= $2 order by mint, ts, source`,
        [fullNow, new Date(nowMs + STALE_MS)]).then(add));
    }
    await Promise.all(reads);
    build();
    // A chain is done at the first mint priced at its instant; the others move on to their next mint.
    pending = pending.filter((c) => {
      const s = series.get(c.mints[c.next]!);
      if (s && s.indexAt(c.at, STALE_MS) !== undefined) return false;
      c.next++;
      return c.next < c.mints.length;
    });
  }
  const held = mints.filter((m) => !STABLECOINS.has(m) && !full.has(m));
  if (held.length) {
    add(await arrayQuery(db,
      `select q.mint, p.ts_ms, p.usd from unnest($1::text[]) as q(mint)
         cross join lateral (select (extract(epoch from ts) * 1000)::float8 as ts_ms, usd::text as usd from price_points
                              where mint = q.mint and ts <= $2 order by ts desc, source limit 1) p`,
      [held, new Date(nowMs)]));
    build();
  }
  return series;
}

/** Every mint the history touches. */
export function mintsOf(txs: NormalizedTx[]): string[] {
  const s = new Set<string>();
  for (const tx of txs) {
    if (tx.feeLamports !== '0') s.add(WSOL_MINT);
    for (const a of tx.actions) {
      if (a.sent) s.add(a.sent.mint);
      if (a.received) s.add(a.received.mint);
    }
  }
  return [...s];
}
