import bs58 from 'bs58';
import { computeReport } from '../domain/report/compute';
import { loadReportHistory, loadReportPrices, mintsOf, priceNeeds } from '../adapters/reports/report-source';
import { computeAndStoreReport } from '../adapters/reports/report-service';
import { createDb, type Db } from '../lib/db';
import { spawnEntry, stopProcess, waitForHttp } from '../lib/processes';
import { freePort } from '../lib/temporal-dev-server';
import { startBenchEnv } from './env';
import { percentile, type BenchResult } from './machine';
import { syntheticReportHistory } from './report-history';

const median = (xs: number[]) => percentile(xs.slice().sort((a, b) => a - b), 50);
const ms = (x: number) => Math.round(x * 10) / 10;

async function timed<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
}

/** The history and its hourly prices, in bulk: arrays unnested by Postgres, 50,000 rows a statement. */
export async function seedReportHistory(db: Db, wallet: string, h: ReturnType<typeof syntheticReportHistory>): Promise<void> {
  const CH = 50_000;
  for (let i = 0; i < h.transactions.length; i += CH) {
    const part = h.transactions.slice(i, i + CH);
    const sig = part.map((t) => t.signature);
    const time = part.map((t) => t.blockTime);
    await db.raw(`insert into transactions (signature, slot, block_time, fee_lamports, failed, source, dispatched_at)
                  select s, n, t, 5000, false, 'rpc', now() from unnest(?::text[], ?::bigint[], ?::timestamptz[]) as x(s, n, t)`, [sig, part.map((t) => t.slot), time] as any);
    await db.raw(`insert into wallet_transactions (wallet, signature, fee_lamports) select ?, s, 5000 from unnest(?::text[]) as x(s)`, [wallet, sig]);
    const a = part.map((t) => t.actions[0]!);
    await db.raw(`insert into actions (signature, wallet, idx, kind, sent_mint, sent_amount, received_mint, received_amount, counterparty, block_time)
                  select s, ?, 0, k, sm, sa, rm, ra, cp, t from unnest(?::text[], ?::text[], ?::text[], ?::numeric[], ?::text[], ?::numeric[], ?::text[], ?::timestamptz[]) as x(s, k, sm, sa, rm, ra, cp, t)`,
      [wallet, sig, a.map((x) => x.kind), a.map((x) => x.sent?.mint ?? null), a.map((x) => x.sent?.amount ?? null), a.map((x) => x.received?.mint ?? null), a.map((x) => x.received?.amount ?? null), a.map((x) => x.counterparty ?? null), time] as any);
  }
  const rows: Array<[string, number, string]> = [];
  for (const [mint, pts] of h.points) for (const [t, usd] of pts) rows.push([mint, t, usd]);
  for (let i = 0; i < rows.length; i += CH) {
    const part = rows.slice(i, i + CH);
    await db.raw(`insert into price_points (mint, ts, usd, source) select m, to_timestamp(t / 1000.0), u, 'birdeye' from unnest(?::text[], ?::float8[], ?::numeric[]) as x(m, t, u)`,
      [part.map((r) => r[0]), part.map((r) => r[1]), part.map((r) => r[2])] as any);
  }
}

/**
 * `npm run bench -- report`: a wallet of 100,000 actions over 200 mints (a year, hourly prices for every mint). The
 * report through the gateway computed from Postgres (warm: each run after a change of the wallet's history version,
 * the cache's key) and cached; the pure computation alone; the ceiling — the bare select of the same rows over pg —
 * and where the uncached time goes.
 */
export async function reportBench(opts: { actions?: number; mints?: number; runs?: number } = {}): Promise<BenchResult[]> {
  const actions = opts.actions ?? 100_000;
  const mints = opts.mints ?? 200;
  const runs = opts.runs ?? 7;
  const bytes = new Uint8Array(32).fill(14);
  const wallet = bs58.encode(bytes);
  const h = syntheticReportHistory(wallet, { actions, mints });

  // The pure computation, on one core: the history already in memory.
  const pure: number[] = [];
  for (let r = 0; r < runs; r++) pure.push((await timed(() => computeReport({ wallets: [wallet], transactions: h.transactions, prices: h.prices, nowMs: h.nowMs })))[0]);
  const pureMs = median(pure);

  const env = await startBenchEnv();
  const db = createDb(env.databaseUrl, { poolMax: 4 });
  const port = await freePort();
  let gateway: ReturnType<typeof spawnEntry> | undefined;
  try {
    const [seedMs] = await timed(async () => {
      await seedReportHistory(db, wallet, h);
      // Settle the tables before measuring: statistics, visibility map, the checkpoint the bulk insert owes.
      await db.raw('vacuum analyze');
      await db.raw('checkpoint');
    });
    const nowMs = Date.now();
    // The ceiling: the same rows by the same query, bare over pg, nothing done with them.
    const conn = await (db.client as any).acquireConnection();
    const ceiling: number[] = [];
    try {
      for (let r = 0; r < runs; r++) {
        ceiling.push((await timed(() => conn.query({
          text: `select wt.wallet, t.signature, (extract(epoch from t.block_time) * 1000)::float8, t.failed, wt.fee_lamports::text,
                        a.kind, a.sent_mint, a.sent_amount::text, a.received_mint, a.received_amount::text, a.counterparty
                   from wallet_transactions wt join transactions t on t.signature = wt.signature
                   left join actions a on a.signature = wt.signature and a.wallet = wt.wallet
                  where wt.wallet = any($1) and (t.block_time is null or t.block_time <= $2)
                  order by t.block_time nulls first, t.signature collate "C", wt.wallet collate "C", a.idx`,
          values: [[wallet], new Date(nowMs)], rowMode: 'array',
        })))[0]);
      }
    } finally {
      await (db.client as any).releaseConnection(conn);
    }
    const ceilingMs = median(ceiling);

    // What Postgres gives (only the price points the rule picks) must report exactly what the full series do.
    {
      const txs = await loadReportHistory(db, [wallet], nowMs);
      const fromDb = computeReport({ wallets: [wallet], transactions: txs, prices: await loadReportPrices(db, priceNeeds(txs), mintsOf(txs), nowMs), nowMs }).report;
      const inMemory = computeReport({ wallets: [wallet], transactions: h.transactions, prices: h.prices, nowMs }).report;
      if (JSON.stringify(fromDb) !== JSON.stringify(inMemory)) throw new Error('the report from Postgres differs from the one from the full price series');
    }
    // Where an uncached report's time goes, step by step, in this process.
    const steps = { history: [] as number[], prices: [] as number[], compute: [] as number[], whole: [] as number[] };
    for (let r = 0; r < 3; r++) {
      const [th, txs] = await timed(() => loadReportHistory(db, [wallet], nowMs));
      const [tp, prices] = await timed(() => loadReportPrices(db, priceNeeds(txs), mintsOf(txs), nowMs));
      const [tc] = await timed(() => computeReport({ wallets: [wallet], transactions: txs, prices, nowMs, timeline: true }));
      const [tw] = await timed(() => computeAndStoreReport(db, { wallets: [wallet] }, { nowMs }));
      steps.history.push(th); steps.prices.push(tp); steps.compute.push(tc); steps.whole.push(tw);
    }

    gateway = spawnEntry('gateway/main.ts', {
      DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, PORT: String(port), LOG_LEVEL: 'warn', ENVIRONMENT: 'test',
      AUTH_ALLOW_ANONYMOUS: 'true', RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000',
    }, { silent: true });
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/health`, 30_000);
    const get = async () => {
      const res = await fetch(`${base}/v1/wallets/${wallet}/report`);
      const body = await res.text();
      if (res.status !== 200) throw new Error(`report: ${res.status} ${body.slice(0, 300)}`);
      return res.headers.get('x-report-source');
    };
    await get();
    const warm: number[] = [];
    for (let r = 0; r < runs; r++) {
      // What any new transaction of the wallet does: a new history version, so the next report is computed anew.
      await db('wallet_history_versions').where({ wallet }).increment('version', 1);
      const [t, source] = await timed(get);
      if (source !== 'computed') throw new Error(`expected a computed report, got ${source}`);
      warm.push(t);
    }
    const cached: number[] = [];
    for (let r = 0; r < runs * 3; r++) {
      const [t, source] = await timed(get);
      if (source !== 'memory') throw new Error(`expected a cached report, got ${source}`);
      cached.push(t);
    }
    const warmMs = median(warm);
    const cachedMs = median(cached);
    const rate = Math.round(actions / (pureMs / 1000));
    return [
      {
        name: `report: ${actions.toLocaleString('en')} actions over ${mints} mints through GET /v1/wallets/:address/report`,
        figures: {
          'uncached (warm) median ms': ms(warmMs), 'uncached p100 ms': ms(Math.max(...warm)),
          'cached median ms': ms(cachedMs), 'cached p100 ms': ms(Math.max(...cached)),
          'ceiling: bare select ms': ms(ceilingMs), 'ratio uncached / ceiling': ms(warmMs / ceilingMs), 'ratio cached / ceiling': ms(cachedMs / ceilingMs),
          'in-process: history ms': ms(median(steps.history)), 'in-process: prices ms': ms(median(steps.prices)),
          'in-process: compute ms': ms(median(steps.compute)), 'in-process: whole (+moments, view, store) ms': ms(median(steps.whole)),
          'seed s': ms(seedMs / 1000),
        },
        target: '≤ 250 ms uncached (warm), ≤ 100 ms cached',
        pass: warmMs <= 250 && cachedMs <= 100,
      },
      {
        name: `report: pure computation, ${actions.toLocaleString('en')} actions, one core`,
        figures: { 'median ms': ms(pureMs), 'actions/s': rate, runs },
        target: '≥ 1,000,000 actions/s',
        pass: rate >= 1_000_000,
      },
    ];
  } finally {
    if (gateway) await stopProcess(gateway);
    await db.destroy();
    await env.stop();
  }
}
