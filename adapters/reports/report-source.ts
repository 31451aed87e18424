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

/** Every (mint, instant) the report may ask a price of: fees (SOL), swap legs without a stable side, transfers in. */
export function priceNeeds(txs: ReportTx[]): Map<string, number[]> {
  const needs = new Map<string, number[]>();
  const need = (mint: string, at: number) => {
    if (STABLECOINS.has(mint) || !Number.isFinite(at)) return;
    let list = needs.get(mint);
    if (!list) needs.set(mint, (list = []));
    if (list[list.length - 1] !== at) list.push(at);
  };
  for (const tx of txs) {
    if (tx.feeLamports !== '0') need(WSOL_MINT, tx.atMs);
    if (tx.failed) continue;
    for (const a of tx.actions) {
      if (a.kind === 'swap') {
        if ((a.sent && STABLECOINS.has(a.sent.mint)) || (a.received && STABLECOINS.has(a.received.mint))) continue;
        if (a.sent) need(a.sent.mint, tx.atMs);
        if (a.received) need(a.received.mint, tx.atMs);
      } else if (a.received) {
        need(a.received.mint, tx.atMs);
      }
    }
  }
  return needs;
}

/**
 * Prices as design §6 reads them at the given instants, without reading every point: for each instant only the
 * point the rule picks (the latest at or before it within 2 h, else the earliest after within 2 h) — a series of
 * those points answers those instants exactly as the full one would. Mints priced very often get their full series.
 * Every mint in `mints` also gets its latest point at or before now (the positions' price).
 */
export async function loadReportPrices(db: Db, needs: Map<string, number[]>, mints: string[], nowMs: number): Promise<Map<string, PriceSeries>> {
  const points = new Map<string, Array<[number, string]>>();
  const add = (mint: string, ms: number, usd: string) => {
    let list = points.get(mint);
    if (!list) points.set(mint, (list = []));
    list.push([ms, usd]);
  };
  const probeMints: string[] = [];
  const probeTimes: Date[] = [];
  const full: string[] = [];
  for (const [mint, times] of needs) {
    if (times.length > MAX_PROBES_PER_MINT) {
      full.push(mint);
      continue;
    }
    for (const t of new Set(times)) {
      probeMints.push(mint);
      probeTimes.push(new Date(t));
    }
  }
  // At an instant with points from several sources, one wins, the same one everywhere: the first source by name.
  const reads: Array<Promise<void>> = [];
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
      [probeMints, probeTimes, STALE_MS / 1000]).then((rows) => { for (const r of rows) add(r[0] as string, r[1] as number, r[2] as string); }));
  }
  if (full.length) {
    reads.push(arrayQuery(db,
      `select distinct on (mint, ts) mint, (extract(epoch from ts) * 1000)::float8, usd::text from price_points
        where mint = any($1) and ts <= $2 order by mint, ts, source`,
      [full, new Date(nowMs + STALE_MS)]).then((rows) => { for (const r of rows) add(r[0] as string, r[1] as number, r[2] as string); }));
  }
  const held = mints.filter((m) => !STABLECOINS.has(m) && !full.includes(m));
  if (held.length) {
    reads.push(arrayQuery(db,
      `select q.mint, p.ts_ms, p.usd from unnest($1::text[]) as q(mint)
         cross join lateral (select (extract(epoch from ts) * 1000)::float8 as ts_ms, usd::text as usd from price_points
                              where mint = q.mint and ts <= $2 order by ts desc, source limit 1) p`,
      [held, new Date(nowMs)]).then((rows) => { for (const r of rows) add(r[0] as string, r[1] as number, r[2] as string); }));
  }
  await Promise.all(reads);
  const series = new Map<string, PriceSeries>();
  for (const [mint, pts] of points) series.set(mint, new PriceSeries(pts));
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
