import http from 'node:http';
import bs58 from 'bs58';
import pg from 'pg';
import { MOMENT_COLUMNS } from '../adapters/stores/moments-store';
import { createDb } from '../lib/db';
import { spawnEntry, stopProcess, waitForHttp } from '../lib/processes';
import { freePort } from '../lib/temporal-dev-server';
import { startBenchEnv } from './env';
import { atMost, compare, interleave, ratiosPass } from './ceiling';
import { percentile, type BenchResult } from './machine';

/** The gateway's page query, as it sends it (the columns a moment shows), with nothing around it. */
const BARE_PAGE = `select ${MOMENT_COLUMNS.map((c) => `"${c}"`).join(', ')} from moments where wallet = $1 and spam = false order by at desc, id desc limit 51`;

/**
 * GET /v1/moments?wallet=… at a fixed arrival rate against a table of `rows` moments (10,000 wallets), from
 * 127.0.0.1: latency percentiles of what an open-loop client sees, in `segment`-second stretches interleaved with the
 * same page query sent over pg at the same rate.
 */
export async function momentsApiBench(opts: { rows?: number; rate?: number; segment?: number; pairs?: number } = {}): Promise<BenchResult> {
  const rows = opts.rows ?? 1_000_000;
  const rate = opts.rate ?? 300;
  const segment = opts.segment ?? Number(process.env.BENCH_SEGMENT_S ?? 7);
  const pairs = opts.pairs ?? Number(process.env.BENCH_PAIRS ?? 3);
  const env = await startBenchEnv();
  const db = createDb(env.databaseUrl, { poolMax: 2 });
  const t0 = Date.now();
  const wallets = Array.from({ length: 10_000 }, (_, i) => {
    const bytes = new Uint8Array(32);
    new DataView(bytes.buffer).setUint32(0, i + 1);
    bytes[31] = 7;
    return bs58.encode(bytes);
  });
  await db.raw('create table bench_wallets (idx int primary key, addr text not null)');
  for (let i = 0; i < wallets.length; i += 2000) await db('bench_wallets').insert(wallets.slice(i, i + 2000).map((addr, k) => ({ idx: i + k, addr })));
  // Generated in SQL: a million rows in seconds, 10,000 wallets, four kinds, spread over a year.
  await db.raw(`
    insert into moments (id, wallet, kind, mint, signature, at, severity, missed_usd, pct, status, explain)
    select lpad(to_hex(g), 26, '0'), (select addr from bench_wallets where idx = g % 10000), (array['S2E','BHD','BadRoute','IdleYield'])[1 + g % 4],
           'So11111111111111111111111111111111111111112', 'sig' || g, timestamptz '2025-01-01' + (g % 525600) * interval '1 minute',
           (g % 10000) / 10000.0, 25 + g % 5000, 0.3, 'final', '{}'::jsonb
      from generate_series(1, ?) g`, [rows]);
  // Settle the table before measuring: visibility map, statistics, and the checkpoint the bulk insert owes.
  await db.raw('vacuum analyze moments');
  await db.raw('checkpoint');
  const seeded = (Date.now() - t0) / 1000;
  await db.destroy();
  const port = await freePort();
  const gateway = spawnEntry('gateway/main.ts', {
    DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, PORT: String(port), LOG_LEVEL: 'warn', ENVIRONMENT: 'test',
    AUTH_ALLOW_ANONYMOUS: 'true', RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000',
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  }, { silent: true, nodeArgs: process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [] });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/health`, 30_000);
    const wallet = (i: number) => wallets[i % wallets.length]!;
    for (let i = 0; i < 50; i++) await fetch(`${base}/v1/moments?wallet=${wallet(i)}&limit=50`).then((r) => r.arrayBuffer());
    const all: number[] = [];
    let errors = 0;
    let requests = 0;
    let oursSeconds = 0;
    /** `rate` req/s for `segment` seconds, open loop: requests leave on schedule whether or not earlier ones came back. */
    const openLoop = async (send: (i: number) => Promise<boolean>, keep?: number[], seconds = segment): Promise<number> => {
      const latencies: number[] = [];
      const total = Math.round(rate * seconds);
      const started = performance.now();
      const inflight: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        inflight.push(send(i).then((ok) => {
          if (!ok) errors++;
          latencies.push(performance.now() - due);
        }));
      }
      await Promise.all(inflight);
      latencies.sort((x, y) => x - y);
      keep?.push(...latencies);
      return percentile(latencies, 95);
    };
    // The ceiling: the gateway's page query itself, sent over pg from this process at the same rate (a pool as large
    // as the gateway's), no HTTP, no authorisation, no JSON.
    const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 10 });
    let k = 0;
    // node:http on a keep-alive agent: what the gateway costs, not what WHATWG fetch costs the client (its streams
    // cost the load generator more CPU per request than the gateway spends, on the same two cores). BENCH_CLIENT=fetch
    // measures through fetch instead.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const viaGateway = process.env.BENCH_CLIENT === 'fetch'
      ? async () => {
        const res = await fetch(`${base}/v1/moments?wallet=${wallet(k++ * 7919)}&limit=50`);
        await res.arrayBuffer();
        return res.status === 200;
      }
      : () => new Promise<boolean>((resolve) => {
        const req = http.get(`${base}/v1/moments?wallet=${wallet(k++ * 7919)}&limit=50`, { agent }, (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve(res.statusCode === 200));
          res.on('error', () => resolve(false));
        });
        req.on('error', () => resolve(false));
      });
    const bare = async () => {
      await pool.query(BARE_PAGE, [wallet(k++ * 7919)]);
      return true;
    };
    // Both sides warm at the full rate first (a steady gateway is what users meet: its pool open, its code optimised;
    // the pg pool opens its connections too), measured nowhere.
    const warm = Number(process.env.BENCH_WARM_S ?? 3);
    if (warm > 0) {
      await openLoop(viaGateway, undefined, warm);
      await openLoop(bare, undefined, warm);
      errors = 0;
    }
    const s = await interleave(pairs, async () => {
      const t = performance.now();
      const p95 = await openLoop(async () => {
        requests++;
        return viaGateway();
      }, all);
      oursSeconds += (performance.now() - t) / 1000;
      return p95;
    }, () => openLoop(bare));
    await pool.end();
    agent.destroy();
    const p95 = compare(s, 'p95 ms through the gateway ÷ p95 ms of the bare page query over pg, same rate', atMost(3, 5, 'ms'));
    return {
      name: 'GET /v1/moments?wallet=… (open loop)',
      figures: {
        'moments in table': rows, 'seeding s': Math.round(seeded), 'target rate req/s': rate, 'achieved req/s (ours)': Math.round(requests / oursSeconds),
        'interleaved pairs × segment s': `${pairs} × ${segment}`, 'warm-up s (each side, not measured)': warm,
        requests, errors, 'p50 ms': Math.round(percentile(all, 50) * 10) / 10, 'p95 ms': p95.figure, 'p99 ms': Math.round(percentile(all, 99) * 10) / 10,
      },
      ratio: { 'p95 ms': p95.ratio },
      target: 'p95 ≤ 3× the bare query\'s p95 + 5 ms at 300 req/s with 1,000,000 moments, no errors',
      pass: ratiosPass({ p95: p95.ratio }) && errors === 0,
    };
  } finally {
    await stopProcess(gateway);
    await env.stop();
  }
}
