import { Client, Connection } from '@temporalio/client';
import { EventSource } from 'eventsource';
import { createDb, type Db } from '../lib/db';
import { spawnEntry, stopProcess, waitForHttp } from '../lib/processes';
import { MarketReplayServer } from '../lib/replay/market-server';
import { freePort } from '../lib/temporal-dev-server';
import { OofWorkflows } from '../temporal/client';
import { SCHEDULE_IDS, watchWorkflowId } from '../temporal/config';
import type { RefreshResult } from '../activities/pricing/price-activities';
import { Semaphore } from '../adapters/http/retry';
import { spawnWorkerProcess, startBenchEnv } from './env';
import { reportRatio } from './ceiling';
import { percentile, rssMiB, type BenchResult } from './machine';

const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
export const mintName = (m: number) => `BenchWatchMint${String(m).padStart(4, '0')}`.padEnd(44, 'x');
export const walletName = (w: number) => `BenchWatchWallet${String(w).padStart(5, '0')}`.padEnd(44, 'w');


/** `count` sells of 100 tokens for $100 (trade price $1), round-robin over the mints, as ingestion would store them. */
export async function storeTrades(db: Db, from: number, count: number, mints: number, atMs: number): Promise<void> {
  const at = new Date(atMs);
  await db.raw(
    `insert into transactions (signature, slot, block_time, fee_lamports, failed, source, raw, dispatched_at)
     select 'bw' || i, i, ?, 0, false, 'rpc', '{}'::jsonb, now() from generate_series(?::int, ?::int) i`, [at, from, from + count - 1]);
  await db.raw(
    `insert into wallet_transactions (wallet, signature, fee_lamports)
     select rpad('BenchWatchWallet' || lpad((i % 1000)::text, 5, '0'), 44, 'w'), 'bw' || i, 0 from generate_series(?::int, ?::int) i`, [from, from + count - 1]);
  await db.raw(
    `insert into actions (signature, wallet, idx, kind, sent_mint, sent_amount, received_mint, received_amount, program_source, block_time)
     select 'bw' || i, rpad('BenchWatchWallet' || lpad((i % 1000)::text, 5, '0'), 44, 'w'), 0, 'swap',
            rpad('BenchWatchMint' || lpad((i % ?)::text, 4, '0'), 44, 'x'), 100, ?, 100, 'JUPITER', ?
       from generate_series(?::int, ?::int) i`, [mints, USDC, at, from, from + count - 1]);
}

/**
 * Open watches over `mints` mints on one worker process, with the `price-refresh` schedule every `refreshMs`: at
 * 10,000 and then 50,000 watches, what a refresh costs (wall and CPU time) when nothing crosses and when a share of
 * the mints moves across its watches' S2E trigger, the worker's RSS, crossing → SSE `moment.created`, and the
 * workflow history of watches woken through every alarm to their window's end.
 */
export async function watchesBench(opts: { mints?: number; sizes?: number[]; refreshMs?: number; crossMints?: number } = {}): Promise<BenchResult> {
  const mints = opts.mints ?? Number(process.env.BENCH_WATCH_MINTS ?? 200);
  const sizes = opts.sizes ?? (process.env.BENCH_WATCH_SIZES ? process.env.BENCH_WATCH_SIZES.split(',').map(Number) : [10_000, 50_000]);
  const refreshMs = opts.refreshMs ?? Number(process.env.BENCH_REFRESH_MS ?? 5000);
  const crossMints = opts.crossMints ?? Math.max(1, Math.round(mints / 20)); // 5 % of the watches cross
  const windowMs = 3_600_000; // open for the whole run
  const env = await startBenchEnv();
  const market = new MarketReplayServer();
  for (let m = 0; m < mints + 1; m++) market.setToken(mintName(m), { decimals: 6, live: '1' });
  await market.start();
  const port = await freePort();
  const common = { DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, ENVIRONMENT: 'test' };
  const gateway = spawnEntry('gateway/main.ts', { ...common, PORT: String(port), LOG_LEVEL: 'warn', AUTH_ALLOW_ANONYMOUS: 'true', RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000' }, { silent: true });
  const worker = await spawnWorkerProcess({ ...common, JUPITER_BASE_URL: market.url, PRICE_REFRESH_EVERY_MS: String(refreshMs) });
  const connection = await Connection.connect({ address: env.temporal.address });
  const db = createDb(env.databaseUrl, { poolMax: 4 });
  let es: EventSource | undefined;
  const progress = (msg: string) => process.stderr.write(`[watches] ${new Date().toISOString().slice(11, 19)} ${msg}\n`);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health`, 30_000);
    es = new EventSource(`http://127.0.0.1:${port}/v1/stream/moments`);
    await new Promise<void>((resolve, reject) => { es!.onopen = () => resolve(); es!.onerror = (e: any) => { if (es!.readyState === EventSource.CLOSED) reject(new Error(`SSE: ${e?.message}`)); }; });
    const created = new Map<string, number>(); // moment mint|signature → when its SSE event arrived
    es.addEventListener('moment.created', (e) => { const m = JSON.parse(e.data); created.set(`${m.mint}|${m.signature}`, Date.now()); });
    const client = new Client({ connection });
    const workflows = new OofWorkflows(client, 'oof');
    const schedule = client.schedule.getHandle(SCHEDULE_IDS.priceRefresh);
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(Math.round(rssMiB(worker.pid) ?? NaN)), 1000);
    const seen = new Set<string>();
    /** The next `n` refresh runs the schedule starts from now on, with their results. */
    const refreshes = async (n: number): Promise<RefreshResult[]> => {
      const out: RefreshResult[] = [];
      const since = Date.now();
      const until = since + refreshMs * (n + 2) + 60_000;
      while (out.length < n) {
        if (Date.now() > until) throw new Error(`the price-refresh schedule ran ${out.length} of ${n} refreshes in time`);
        await new Promise((r) => setTimeout(r, 500));
        const { info } = await schedule.describe();
        for (const a of info.recentActions) {
          const key = a.action.workflow.workflowId + a.action.workflow.firstExecutionRunId;
          if (seen.has(key) || +a.takenAt < since) continue;
          seen.add(key);
          out.push(await client.workflow.getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId).result());
        }
      }
      return out.slice(0, n);
    };
    const figures: Record<string, number | string> = { mints, 'refresh interval ms': refreshMs };
    const latencies: number[] = [];
    let started = 0;
    let pass = true;
    let crossPhase = 0;
    for (const size of sizes) {
      // Watches on every mint but the one kept for the full-window group.
      const t0 = Date.now();
      const add = size - started;
      await storeTrades(db, started, add, mints, Date.now() - 60_000);
      progress(`starting ${add} watches`);
      const gate = new Semaphore(64);
      await Promise.all(Array.from({ length: add }, (_, k) => gate.run(() => {
        const i = started + k;
        return workflows.startWatch({ wallet: walletName(i % 1000), signature: `bw${i}`, mint: mintName(i % mints), side: 'sell', atMs: Date.now() - 60_000, tradePrice: '1', quantity: '100', windowMs });
      })));
      started = size;
      for (const until = Date.now() + 420_000; ;) {
        const { n } = (await db('price_alarms').count({ n: '*' }).first()) as any;
        if (Number(n) >= size) break;
        if (Date.now() > until) throw new Error(`only ${n} of ${size} watches armed within 7 minutes`);
        await new Promise((r) => setTimeout(r, 500));
      }
      progress(`${size} watches armed`);
      figures[`${size}: watches started and armed, s`] = Math.round((Date.now() - t0) / 100) / 10;
      const rssIdleFrom = rss.length;
      const idle = await refreshes(3);
      const med = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      figures[`${size}: idle refresh ms (median of 3)`] = med(idle.map((r) => r.ms));
      figures[`${size}: idle refresh CPU ms`] = med(idle.map((r) => r.cpuMs));
      figures[`${size}: mints fetched per refresh`] = idle[0]!.mints;
      figures[`${size}: worker RSS MB (idle)`] = Math.max(...rss.slice(rssIdleFrom));
      // A share of the mints moves +50 %: every watch on them crosses its S2E trigger ($1.25).
      const moved = Array.from({ length: crossMints }, (_, k) => mintName((crossPhase * crossMints + k) % mints));
      crossPhase++;
      const expected = new Set<string>();
      for (let i = 0; i < size; i++) if (moved.includes(mintName(i % mints))) expected.add(`${mintName(i % mints)}|bw${i}`);
      for (const k of created.keys()) expected.delete(k); // crossed in an earlier phase
      progress(`idle refreshes: ${idle.map((r) => `${r.ms} ms/${r.cpuMs} ms CPU`).join(', ')}`);
      const crossedAt = Date.now();
      for (const m of moved) market.setLive(m, '1.5');
      const [withCrossings] = (await refreshes(2)).filter((r) => r.crossed > 0);
      const deadline = Date.now() + refreshMs * 3 + 30_000;
      while (Date.now() < deadline && [...expected].some((k) => !created.has(k))) await new Promise((r) => setTimeout(r, 200));
      const lat = [...expected].map((k) => (created.get(k) ?? NaN) - crossedAt).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
      latencies.push(...lat);
      figures[`${size}: crossing watches`] = expected.size;
      figures[`${size}: their SSE moment.created received`] = lat.length;
      figures[`${size}: crossing → SSE p50 / p95 / max ms`] = `${percentile(lat, 50)} / ${percentile(lat, 95)} / ${lat[lat.length - 1]}`;
      figures[`${size}: refresh with crossings ms / CPU ms`] = withCrossings ? `${withCrossings.ms} / ${withCrossings.cpuMs} (${withCrossings.signalled} signalled)` : 'none seen';
      progress(`crossings: ${lat.length}/${expected.size} events, p95 ${percentile(lat, 95)} ms`);
      if (lat.length !== expected.size || percentile(lat, 95) > refreshMs + 2000) pass = false;
      for (const m of moved) market.setLive(m, '1');
    }
    // The whole window of a few watches woken through every alarm: the worst history a watch can have.
    const full = mintName(mints);
    const fullWindowMs = 40_000;
    const group = Array.from({ length: 20 }, (_, k) => started + k);
    await storeTrades(db, started, group.length, 1, Date.now() - 1000);
    await db.raw(`update actions set sent_mint = ? where signature = any(?)`, [full, group.map((i) => `bw${i}`)]);
    const ids = await Promise.all(group.map(async (i) => {
      const w = { wallet: walletName(i % 1000), signature: `bw${i}`, mint: full, side: 'sell' as const, atMs: Date.now() - 1000, tradePrice: '1', quantity: '100', windowMs: fullWindowMs };
      await workflows.startWatch(w);
      return watchWorkflowId(w);
    }));
    for (const price of ['1.3', '1.6', '1.8', '2.5', '4']) {
      market.setLive(full, price);
      await refreshes(1);
    }
    progress('full-window watches woken; waiting for their end');
    const results = await Promise.all(ids.map((id) => client.workflow.getHandle(id).result()));
    const events = await Promise.all(ids.map(async (id) => (await client.workflow.getHandle(id).fetchHistory()).events!.length));
    clearInterval(sampler);
    const maxEvents = Math.max(...events);
    figures['full-window watches: alarms woken (max)'] = Math.max(...results.map((r) => r.crossings));
    figures['full-window watches: history events (max)'] = maxEvents;
    latencies.sort((a, b) => a - b);
    figures['crossing → SSE p95 ms (all)'] = percentile(latencies, 95);
    figures['Jupiter price calls'] = market.calls['/price/v3'] ?? 0;
    figures['worker RSS MB (max over the run)'] = Math.max(...rss);
    const idleCpu = sizes.map((s) => Number(figures[`${s}: idle refresh CPU ms`]));
    const idleMs = Number(figures[`${sizes[sizes.length - 1]}: idle refresh ms (median of 3)`]);
    return {
      ratio: {
        'crossing p95': reportRatio(percentile(latencies, 95), refreshMs, 'crossing → SSE p95 ms ÷ refresh interval ms'),
        'idle refresh work': reportRatio(idleMs, refreshMs, `idle refresh ms at ${sizes[sizes.length - 1]} watches ÷ refresh interval ms`),
        'idle CPU growth': reportRatio(idleCpu[idleCpu.length - 1]!, idleCpu[0]!, `idle refresh CPU ms at ${sizes[sizes.length - 1]} ÷ at ${sizes[0]} watches (follows mints, not watches)`),
      },
      name: `open watches (${sizes.join(' → ')} over ${mints} mints, one worker, refresh every ${refreshMs / 1000} s)`,
      figures,
      target: 'refresh time and CPU follow mints, not watches; RSS flat; crossing → SSE ≤ refresh interval + 2 s; ≤ 30 history events per watch',
      pass: pass && maxEvents <= 30 && idleCpu[idleCpu.length - 1]! <= Math.max(50, idleCpu[0]! * 2),
    };
  } finally {
    es?.close();
    await db.destroy();
    await connection.close();
    await stopProcess(worker);
    await stopProcess(gateway);
    await market.stop();
    await env.stop();
  }
}
