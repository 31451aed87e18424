import { readFileSync } from 'node:fs';
import { EventSource } from 'eventsource';
import { momentId } from '../domain/detection/moment';
import { upsertMoments } from '../adapters/stores/moments-store';
import { createDb } from '../lib/db';
import { spawnEntry, stopProcess, waitForHttp } from '../lib/processes';
import { freePort } from '../lib/temporal-dev-server';
import { startBenchEnv } from './env';
import { percentile, type BenchResult } from './machine';

const WALLET = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/**
 * `clients` EventSource clients on /v1/stream/moments for `seconds`, while a moment is published every `everyMs`:
 * publish → receive latency across all clients, and the gateway's RSS over the run (first vs last minute).
 */
export async function sseBench(opts: { clients?: number; seconds?: number; everyMs?: number } = {}): Promise<BenchResult> {
  const clients = opts.clients ?? 2000;
  const seconds = opts.seconds ?? Number(process.env.BENCH_SSE_SECONDS ?? 120);
  const everyMs = opts.everyMs ?? 500;
  const env = await startBenchEnv();
  const port = await freePort();
  const gateway = spawnEntry('gateway/main.ts', { DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, PORT: String(port), LOG_LEVEL: 'warn', ENVIRONMENT: 'test', AUTH_ALLOW_ANONYMOUS: 'true', RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000' }, { silent: true });
  const db = createDb(env.databaseUrl, { poolMax: 2 });
  const sources: EventSource[] = [];
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/health`, 30_000);
    const latencies: number[] = [];
    let opened = 0;
    await Promise.all(Array.from({ length: clients }, (_, i) => new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        const es = new EventSource(`${base}/v1/stream/moments?wallet=${WALLET}`);
        es.onopen = () => { opened++; resolve(); };
        es.onerror = (e: any) => { if (es.readyState === EventSource.CLOSED) reject(new Error(`client ${i}: ${e?.message}`)); };
        es.addEventListener('moment.created', (e) => latencies.push(Date.now() - JSON.parse(e.data).explain.sentAt));
        sources.push(es);
      }, i * 2); // connect over ~4 s, as browsers would trickle in
    })));
    const rss: number[] = [];
    const started = Date.now();
    let n = 0;
    while (Date.now() - started < seconds * 1000) {
      const at = Date.parse('2025-01-01T00:00:00Z') + n * 60_000;
      const signature = `sse${n}`;
      await upsertMoments(db, [{ id: momentId(at, WALLET, 'S2E', 'So11111111111111111111111111111111111111112', signature), kind: 'S2E', wallet: WALLET, mint: 'So11111111111111111111111111111111111111112', signature, at: new Date(at).toISOString(), pct: '0.5', missedUsd: '50.00', severity: '0.5000', status: 'final', explain: { sentAt: Date.now() } }]);
      n++;
      if (n % Math.max(1, Math.round(1000 / everyMs)) === 0) rss.push(rssMb(gateway.pid!));
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await new Promise((r) => setTimeout(r, 2000));
    latencies.sort((a, b) => a - b);
    const perMinute = Math.max(1, Math.floor(rss.length / Math.max(1, Math.ceil(seconds / 60))));
    const firstMin = rss.slice(0, perMinute);
    const lastMin = rss.slice(-perMinute);
    const avg = (x: number[]) => Math.round(x.reduce((a, b) => a + b, 0) / Math.max(1, x.length));
    const p95 = percentile(latencies, 95);
    return {
      name: `SSE (${clients} clients, ${seconds} s, a moment every ${everyMs} ms)`,
      figures: {
        'clients connected': opened, 'moments published': n, 'deliveries': latencies.length, 'expected deliveries': n * clients,
        'publish→receive p50 ms': percentile(latencies, 50), 'publish→receive p95 ms': p95, 'publish→receive max ms': latencies[latencies.length - 1] ?? NaN,
        'gateway RSS first minute MB': avg(firstMin), 'gateway RSS last minute MB': avg(lastMin), 'gateway RSS max MB': Math.max(...rss),
      },
      target: '2,000 clients, publish → receive p95 ≤ 150 ms, RSS flat (run 600 s for the 10-minute figure)',
      pass: opened === clients && p95 <= 150 && latencies.length === n * clients && avg(lastMin) <= avg(firstMin) * 1.2,
    };
  } finally {
    for (const es of sources) es.close();
    await db.destroy();
    await stopProcess(gateway);
    await env.stop();
  }
}
