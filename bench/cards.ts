import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Moment } from '../domain/detection/moment';
import { momentId } from '../domain/detection/moment';
import { renderCard } from '../adapters/rendering/render';
import { upsertMoments } from '../adapters/stores/moments-store';
import { cardUrl } from '../domain/cards/card-url';
import { createDb } from '../lib/db';
import { spawnEntry, stopProcess, waitForHttp } from '../lib/processes';
import { freePort } from '../lib/temporal-dev-server';
import { startBenchEnv } from './env';
import { percentile, type BenchResult } from './machine';

const KINDS: Moment['kind'][] = ['S2E', 'BHD', 'BadRoute', 'IdleYield'];
const WALLET = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';

function moment(i: number): Moment {
  const kind = KINDS[i % 4]!;
  const at = Date.parse('2024-03-26T00:00:00Z') + i * 3_600_000;
  const mint = 'EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm';
  return {
    id: momentId(at, WALLET, kind, mint, `bench${i}`), kind, wallet: WALLET, mint, signature: `bench${i}`, at: new Date(at).toISOString().replace('.000Z', 'Z'),
    pct: (0.3 + (i % 7) / 10).toFixed(2), missedUsd: (25 + i * 37.5).toFixed(2), severity: ((i % 10) / 10).toFixed(4), status: i % 3 ? 'final' : 'provisional',
    explain: { quantity: '1000', tradePrice: '2.684', peakPrice: '4.8199', peakAt: '2024-03-31T09:00:00Z', troughPrice: '2.1', troughAt: '2024-03-30T00:00:00Z', inAmount: '1000', outAmount: '950', outMint: mint, reference: 'market', balance: '9999', days: '265', apy: '0.08' },
  };
}

/** Warm single-thread render times and sizes, then 100 concurrent card requests against the gateway while another route is timed. */
export async function cardsBench(opts: { renders?: number; concurrent?: number } = {}): Promise<BenchResult> {
  const renders = opts.renders ?? 200;
  const concurrent = opts.concurrent ?? 100;
  const points: Array<[number, string]> = Array.from({ length: 170 }, (_, i) => [Date.parse('2024-03-26T00:00:00Z') + i * 3_600_000, (2.6 + Math.sin(i / 9)).toFixed(8)]);
  for (let i = 0; i < 5; i++) await renderCard(moment(i), { chart: { points } }); // warm-up
  const times: number[] = [];
  let maxSize = 0;
  for (let i = 0; i < renders; i++) {
    const t = performance.now();
    const { png } = await renderCard(moment(i), { chart: { points } });
    times.push(performance.now() - t);
    maxSize = Math.max(maxSize, png.length);
  }
  times.sort((a, b) => a - b);

  const env = await startBenchEnv();
  const port = await freePort();
  const db = createDb(env.databaseUrl, { poolMax: 2 });
  await upsertMoments(db, Array.from({ length: concurrent }, (_, i) => moment(i)));
  await db.destroy();
  const gateway = spawnEntry('gateway/main.ts', { DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, PORT: String(port), LOG_LEVEL: 'warn', ENVIRONMENT: 'test', DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'oof-cards-bench-')) }, { silent: true });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/health`, 30_000);
    await fetch(`${base}${cardUrl(moment(0))}`); // warm the pool's threads
    const other: number[] = [];
    let burst = true;
    const probe = (async () => {
      while (burst) {
        const t = performance.now();
        await fetch(`${base}/health`).then((r) => r.arrayBuffer());
        other.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const cardTimes: number[] = [];
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrent }, async (_, i) => {
      const t = performance.now();
      const res = await fetch(`${base}${cardUrl(moment(i))}`); // the URL the API hands out: no redirect
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`card ${i}: HTTP ${res.status}`);
      cardTimes.push(performance.now() - t);
    }));
    const burstMs = performance.now() - started;
    burst = false;
    await probe;
    other.sort((a, b) => a - b);
    cardTimes.sort((a, b) => a - b);
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    const otherP99 = percentile(other, 99);
    return {
      name: 'cards',
      figures: {
        'warm render p50 ms (one thread)': Math.round(p50 * 10) / 10,
        'warm render p99 ms (one thread)': Math.round(p99 * 10) / 10,
        'largest PNG KB': Math.round(maxSize / 1024),
        'concurrent card requests': concurrent,
        'burst (render on demand) ms': Math.round(burstMs),
        'card request p50 / p99 ms': `${Math.round(percentile(cardTimes, 50))} / ${Math.round(percentile(cardTimes, 99))}`,
        'GET /health during burst: probes': other.length,
        'GET /health p50 / p99 ms': `${Math.round(percentile(other, 50) * 10) / 10} / ${Math.round(otherP99 * 10) / 10}`,
      },
      target: 'p50 ≤ 30 ms, p99 ≤ 80 ms per card; PNG ≤ 150 KB; other routes p99 < 50 ms under 100 concurrent card requests',
      pass: p50 <= 30 && p99 <= 80 && maxSize <= 150 * 1024 && otherP99 < 50,
    };
  } finally {
    await stopProcess(gateway);
    await env.stop();
  }
}
