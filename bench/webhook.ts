import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createDb } from '../lib/db';
import { spawnEntry, stopProcess, waitForHttp } from '../lib/processes';
import { fakeSignature, prng } from '../lib/replay/synthetic-history';
import { freePort } from '../lib/temporal-dev-server';
import { startBenchEnv } from './env';
import { percentile, type BenchResult } from './machine';

const ROOT = path.resolve(__dirname, '..');
const FIXTURES = path.join(ROOT, 'fixtures');
const AUTH = 'Bearer bench-webhook-secret';

/**
 * Sustained Helius webhook ingest into Postgres: enhanced payloads like the real sample, `perPost` per POST, from
 * `concurrency` connections on 127.0.0.1 for `seconds`; every signature unique. Counts the rows afterwards.
 */
export async function webhookBench(opts: { seconds?: number; concurrency?: number; perPost?: number } = {}): Promise<BenchResult> {
  const seconds = opts.seconds ?? 20;
  const concurrency = opts.concurrency ?? Number(process.env.BENCH_CONCURRENCY ?? 12);
  const perPost = opts.perPost ?? 50;
  const env = await startBenchEnv();
  const port = await freePort();
  const gateway = spawnEntry('gateway/main.ts', {
    DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, HELIUS_WEBHOOK_AUTH: AUTH,
    INDEXER_PORT: String(port), LOG_LEVEL: 'warn', ENVIRONMENT: 'test',
  }, { silent: true, args: ['indexer'], nodeArgs: process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [] });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health`, 30_000);
    const sample = JSON.parse(readFileSync(path.join(FIXTURES, 'apis/helius-enhanced-swap-jupiter.json'), 'utf8'));
    const text = JSON.stringify(sample);
    const [prefix, suffix] = text.split(sample.signature) as [string, string];
    const rand = prng(42);
    const body = () => `[${Array.from({ length: perPost }, () => prefix + fakeSignature(rand) + suffix).join(',')}]`;
    const url = `http://127.0.0.1:${port}/webhooks/helius`;
    // Warm-up, not counted.
    for (let i = 0; i < 20; i++) await fetch(url, { method: 'POST', headers: { authorization: AUTH, 'content-type': 'application/json' }, body: body() });

    const latencies: number[] = [];
    let acked = 0;
    let errors = 0;
    const deadline = Date.now() + seconds * 1000;
    const started = Date.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const b = body();
        const t = performance.now();
        try {
          const res = await fetch(url, { method: 'POST', headers: { authorization: AUTH, 'content-type': 'application/json' }, body: b });
          const j: any = await res.json();
          latencies.push(performance.now() - t);
          if (res.status === 200) acked += j.new;
          else errors++;
        } catch {
          errors++;
        }
      }
    }));
    const elapsed = (Date.now() - started) / 1000;
    const db = createDb(env.databaseUrl, { poolMax: 1 });
    const row = await db('transactions').where({ source: 'helius-webhook-enhanced' }).count({ n: '*' }).first();
    await db.destroy();
    const stored = Number(row?.n) - 20 * perPost;
    latencies.sort((a, b) => a - b);
    const rate = acked / elapsed;
    const p99 = percentile(latencies, 99);
    return {
      name: 'webhook ingest into Postgres',
      figures: {
        seconds: Math.round(elapsed * 10) / 10,
        concurrency,
        'transactions per POST': perPost,
        'POSTs': latencies.length,
        'transactions acked': acked,
        'rows stored': stored,
        'lost': acked - stored,
        'errors': errors,
        'tx/s': Math.round(rate),
        'p50 ms': Math.round(percentile(latencies, 50)),
        'p99 ms': Math.round(p99),
      },
      target: '≥ 5,000 tx/s sustained, p99 < 250 ms, zero loss',
      pass: rate >= 5000 && p99 < 250 && acked === stored && errors === 0,
    };
  } finally {
    await stopProcess(gateway);
    await env.stop();
  }
}
