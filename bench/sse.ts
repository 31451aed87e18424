import { EventSource } from 'eventsource';
import pg from 'pg';
import { momentId } from '../domain/detection/moment';
import { upsertMoments } from '../adapters/stores/moments-store';
import { createDb } from '../lib/db';
import { spawnEntry, stopProcess, waitForHttp } from '../lib/processes';
import { freePort } from '../lib/temporal-dev-server';
import { startBenchEnv } from './env';
import { compare, interleave } from './ceiling';
import { percentile, rssMiB, type BenchResult } from './machine';

const WALLET = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';


/**
 * `clients` EventSource clients on /v1/stream/moments for `seconds`, while a moment is published every `everyMs`:
 * publish → receive latency across all clients, and the gateway's RSS over the run (first vs last minute). The run
 * is cut into `pairs` segments, each followed by 20 bare LISTEN/NOTIFY round trips at the same interval (the ceiling).
 */
export async function sseBench(opts: { clients?: number; seconds?: number; everyMs?: number; pairs?: number } = {}): Promise<BenchResult> {
  const clients = opts.clients ?? 2000;
  const seconds = opts.seconds ?? Number(process.env.BENCH_SSE_SECONDS ?? 120);
  const everyMs = opts.everyMs ?? 500;
  const pairs = opts.pairs ?? Number(process.env.BENCH_PAIRS ?? 3);
  const ceilingNotifies = 20;
  const env = await startBenchEnv();
  const port = await freePort();
  const gateway = spawnEntry('gateway/main.ts', { DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, PORT: String(port), LOG_LEVEL: 'warn', ENVIRONMENT: 'test', AUTH_ALLOW_ANONYMOUS: 'true', RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000' }, { silent: true });
  const db = createDb(env.databaseUrl, { poolMax: 2 });
  const sources: EventSource[] = [];
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/health`, 30_000);
    const latencies: number[] = [];
    const sent: number[] = []; // beside each latency, when its moment was published (to split the run into segments)
    let opened = 0;
    await Promise.all(Array.from({ length: clients }, (_, i) => new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        const es = new EventSource(`${base}/v1/stream/moments?wallet=${WALLET}`);
        es.onopen = () => { opened++; resolve(); };
        es.onerror = (e: any) => { if (es.readyState === EventSource.CLOSED) reject(new Error(`client ${i}: ${e?.message}`)); };
        es.addEventListener('moment.created', (e) => {
          const sentAt = JSON.parse(e.data).explain.sentAt;
          latencies.push(Date.now() - sentAt);
          sent.push(sentAt);
        });
        sources.push(es);
      }, i * 2); // connect over ~4 s, as browsers would trickle in
    })));
    const rss: number[] = [];
    let n = 0;
    const segmentMs = (seconds * 1000) / pairs;
    const ours = async (): Promise<number> => {
      const from = Date.now();
      while (Date.now() - from < segmentMs) {
        const at = Date.parse('2025-01-01T00:00:00Z') + n * 60_000;
        const signature = `sse${n}`;
        await upsertMoments(db, [{ id: momentId(at, WALLET, 'S2E', 'So11111111111111111111111111111111111111112', signature), kind: 'S2E', wallet: WALLET, mint: 'So11111111111111111111111111111111111111112', signature, at: new Date(at).toISOString(), pct: '0.5', missedUsd: '50.00', severity: '0.5000', status: 'final', explain: { sentAt: Date.now() } }]);
        n++;
        if (n % Math.max(1, Math.round(1000 / everyMs)) === 0) rss.push(Math.round(rssMiB(gateway.pid) ?? NaN));
        await new Promise((r) => setTimeout(r, everyMs));
      }
      const to = Date.now();
      await new Promise((r) => setTimeout(r, 2000)); // the segment's last deliveries
      return percentile(latencies.filter((_, i) => sent[i]! >= from && sent[i]! < to).sort((x, y) => x - y), 95);
    };
    // The ceiling: a bare LISTEN/NOTIFY round trip on the same Postgres, one listener in this process, at the same
    // interval — what any Postgres-notified stream costs before HTTP, SSE framing and 2,000 sockets.
    const listener = new pg.Client({ connectionString: env.databaseUrl });
    await listener.connect();
    const bare: number[] = [];
    listener.on('notification', (msg) => bare.push(Date.now() - Number(msg.payload)));
    await listener.query('listen bench_ceiling');
    const ceiling = async (): Promise<number> => {
      const from = bare.length;
      for (let i = 0; i < ceilingNotifies; i++) {
        await db.raw(`select pg_notify('bench_ceiling', ?)`, [String(Date.now())]);
        await new Promise((r) => setTimeout(r, everyMs));
      }
      await new Promise((r) => setTimeout(r, 500));
      return percentile(bare.slice(from).sort((x, y) => x - y), 95);
    };
    const samples = await interleave(pairs, ours, ceiling);
    await listener.end();
    const roundTrip = compare(samples, 'publish → receive p95 ms (2,000 SSE clients) ÷ bare LISTEN/NOTIFY round trip p95 ms');
    latencies.sort((a, b) => a - b);
    bare.sort((a, b) => a - b);
    const perMinute = Math.max(1, Math.floor(rss.length / Math.max(1, Math.ceil(seconds / 60))));
    const firstMin = rss.slice(0, perMinute);
    const lastMin = rss.slice(-perMinute);
    const avg = (x: number[]) => Math.round(x.reduce((a, b) => a + b, 0) / Math.max(1, x.length));
    const p95 = percentile(latencies, 95);
    return {
      name: `SSE (${clients} clients, ${seconds} s, a moment every ${everyMs} ms)`,
      figures: {
        'clients connected': opened, 'moments published': n, 'deliveries': latencies.length, 'expected deliveries': n * clients,
        'interleaved pairs': pairs,
        'publish→receive p50 ms': percentile(latencies, 50), 'publish→receive p95 ms (all)': p95, 'publish→receive max ms': latencies[latencies.length - 1] ?? NaN,
        'publish→receive p95 ms (segments)': roundTrip.figure, 'bare LISTEN/NOTIFY p50 / max ms': `${percentile(bare, 50)} / ${bare[bare.length - 1]}`,
        'gateway RSS first minute MB': avg(firstMin), 'gateway RSS last minute MB': avg(lastMin), 'gateway RSS max MB': Math.max(...rss),
      },
      ratio: { 'publish→receive p95': roundTrip.ratio },
      target: '2,000 clients, every delivery, RSS flat (run 600 s for the 10-minute figure); the ratio to the bare round trip reported (p95 ≤ 150 ms on the reference machine)',
      pass: opened === clients && latencies.length === n * clients && avg(lastMin) <= avg(firstMin) * 1.2,
    };
  } finally {
    for (const es of sources) es.close();
    await db.destroy();
    await stopProcess(gateway);
    await env.stop();
  }
}
