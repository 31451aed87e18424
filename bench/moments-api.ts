import bs58 from 'bs58';
import { createDb } from '../lib/db';
import { spawnEntry, stopProcess, waitForHttp } from '../lib/processes';
import { freePort } from '../lib/temporal-dev-server';
import { startBenchEnv } from './env';
import { percentile, type BenchResult } from './machine';

/**
 * GET /v1/moments?wallet=… at a fixed arrival rate against a table of `rows` moments (10,000 wallets), from
 * 127.0.0.1: latency percentiles of what an open-loop client sees.
 */
export async function momentsApiBench(opts: { rows?: number; rate?: number; seconds?: number } = {}): Promise<BenchResult> {
  const rows = opts.rows ?? 1_000_000;
  const rate = opts.rate ?? 300;
  const seconds = opts.seconds ?? 20;
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
  }, { silent: true });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/health`, 30_000);
    const wallet = (i: number) => wallets[i % wallets.length]!;
    for (let i = 0; i < 50; i++) await fetch(`${base}/v1/moments?wallet=${wallet(i)}&limit=50`).then((r) => r.arrayBuffer());
    const latencies: number[] = [];
    let errors = 0;
    const total = rate * seconds;
    const started = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      // Open loop: requests leave on schedule whether or not earlier ones came back.
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push((async () => {
        const res = await fetch(`${base}/v1/moments?wallet=${wallet(i * 7919)}&limit=50`);
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
        latencies.push(performance.now() - due);
      })());
    }
    await Promise.all(inflight);
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const p95 = percentile(latencies, 95);
    return {
      name: 'GET /v1/moments?wallet=… (open loop)',
      figures: {
        'moments in table': rows, 'seeding s': Math.round(seeded), 'target rate req/s': rate, 'achieved req/s': Math.round(total / elapsed),
        requests: total, errors, 'p50 ms': Math.round(percentile(latencies, 50) * 10) / 10, 'p95 ms': Math.round(p95 * 10) / 10, 'p99 ms': Math.round(percentile(latencies, 99) * 10) / 10,
      },
      target: 'p95 ≤ 25 ms at 300 req/s with 1,000,000 moments',
      pass: p95 <= 25 && errors === 0,
    };
  } finally {
    await stopProcess(gateway);
    await env.stop();
  }
}
