import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventSource } from 'eventsource';
import { mintServiceToken } from '../gateway/auth/service-token';
import { createDb } from '../lib/db';
import { startProductionStack } from '../lib/production-stack';
import { demoAddress, demoDataset, demoTrades, SOL, USDC } from '../lib/replay/demo-dataset';
import { MarketReplayServer } from '../lib/replay/market-server';
import { SolanaRpcReplayServer } from '../lib/replay/solana-rpc-server';
import { fakeSignature, prng } from '../lib/replay/synthetic-history';
import { lowFreePort } from '../lib/temporal-server';
import { reportRatio } from './ceiling';
import { rssMiB, type BenchResult } from './machine';

const SECRET = 'soak-app-secret-soak-app-secret-0123456789ab';
const WEBHOOK_AUTH = 'soak-webhook-auth-0123456789';
const ROOT = path.resolve(__dirname, '..');


/** Least-squares slope of y over x (MiB per minute when x is minutes). */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/**
 * `npm run bench -- soak`: the production shape under mixed load for SOAK_MS (default 10 min) — webhooks into the
 * indexer, analyses (the per-caller daily limit set low on purpose, so its 429s are the only refusals expected),
 * SSE clients on both gateways, card renders — with every process's RSS sampled every 10 s.
 */
export async function soakBench(): Promise<BenchResult> {
  const durationMs = Number(process.env.SOAK_MS ?? 600_000);
  const analysesPerDay = 30;
  const { prices } = demoDataset();
  const rpc = new SolanaRpcReplayServer();
  const market = new MarketReplayServer();
  const pairs = Array.from({ length: 60 }, (_, i) => ({ paperHands: demoAddress(50_000 + 2 * i), bagHolder: demoAddress(50_001 + 2 * i) }));
  pairs.forEach((p, i) => rpc.add(demoTrades(p, 60_000 + i)));
  for (const [mint, points] of Object.entries(prices)) market.setToken(mint, { decimals: mint === SOL ? 9 : 6, history: points });
  market.setToken(USDC, { decimals: 6, live: '1' });
  await rpc.start();
  await market.start();
  // Its own embedded Postgres (app and Temporal): a soak must not compete for the connections of a shared server.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'oof-soak-'));
  // SOAK_PROCESS_ENV='{"worker-1":{"WORKER_MAX_CACHED_WORKFLOWS":"20"}}' gives one process settings of its own: under
  // the same load as its twin, an A/B of the setting.
  const processEnv: Record<string, Record<string, string>> = JSON.parse(process.env.SOAK_PROCESS_ENV ?? '{}');
  const started = Date.now();
  const minutes = () => (Date.now() - started) / 60_000;
  const samples = new Map<string, Array<[number, number]>>();
  const add = (name: string, v: number) => samples.set(name, [...(samples.get(name) ?? []), [minutes(), v]]);
  // The workers' own stats lines (WORKER_STATS_EVERY_MS): heap after a full GC and the sticky cache's size.
  const onOutput = (name: string, line: string) => {
    if (!line.includes('worker stats')) return;
    try {
      const o = JSON.parse(line);
      add(`heap ${name}`, o.heapUsedAfterGcMiB);
      add(`cached ${name}`, o.cachedWorkflows);
      add(`external ${name}`, o.externalMiB);
    } catch {
      // not a JSON line
    }
  };
  const stack = await startProductionStack({
    dataDir, embeddedPostgresPort: await lowFreePort(), temporalMetricsPort: await lowFreePort(),
    temporalPort: await lowFreePort(), uiPort: false, freePorts: true, silent: true, log: () => undefined, onOutput, processEnv,
    env: {
      WORKER_STATS_EVERY_MS: '10000',
      APP_SECRET: SECRET, HELIUS_WEBHOOK_AUTH: WEBHOOK_AUTH, ALERTS_ENCRYPTION_KEY: '50'.repeat(32), SERVICE_IDS: 'soak', LOG_LEVEL: 'warn', DATA_DIR: dataDir,
      RPC_PRIMARY: rpc.url, JUPITER_BASE_URL: market.url, PRICE_HISTORY_PROVIDER: 'birdeye', PRICE_HISTORY_BASE_URL: market.url, PRICE_HISTORY_API_KEY: 'x',
      RATE_LIMIT_IP_PER_MINUTE: '100000', RATE_LIMIT_USER_PER_MINUTE: '100000', RATE_LIMIT_WALLET_ANALYSES_PER_HOUR: '1000', ANALYSES_PER_USER_PER_DAY: String(analysesPerDay),
    },
  });
  const auth = { authorization: `Bearer ${mintServiceToken(SECRET, 'soak')}` };
  const statuses = new Map<string, number>();
  const count = (what: string, status: number | string) => statuses.set(`${what} ${status}`, (statuses.get(`${what} ${status}`) ?? 0) + 1);
  const deadline = Date.now() + durationMs;
  const processes = () => [
    ['temporal', stack.temporal.pid] as const,
    ...stack.workers.map((w, i) => [`worker-${i + 1}`, w.pid] as const),
    ...stack.gateways.map((g, i) => [`gateway-${i + 1}`, g.process.pid] as const),
    ['indexer', stack.indexer.process.pid] as const,
  ];
  const sample = () => {
    for (const [name, pid] of processes()) {
      const v = rssMiB(pid);
      if (v !== undefined) add(`rss ${name}`, v);
    }
  };
  // The Go server's heap (HeapAlloc: its low points are the live heap after a GC) and its caches' usage.
  const temporalMetrics = setInterval(() => {
    void fetch(stack.temporal.metricsUrl!).then((r) => r.text()).then((text) => {
      const heap = /^memory_heap\{[^}]*\} ([0-9.e+]+)$/m.exec(text);
      if (heap) add('go heap temporal', Number(heap[1]) / 1024 / 1024);
      for (const m of text.matchAll(/^cache_usage\{([^}]*)\} ([0-9.e+]+)$/gm)) {
        const type = /cache_type="([^"]+)"/.exec(m[1]!)?.[1] ?? /operation="([^"]+)"/.exec(m[1]!)?.[1] ?? 'cache';
        add(`cache ${type} temporal`, Number(m[2]));
      }
    }).catch(() => undefined);
  }, 2000);
  sample();
  const sampler = setInterval(sample, 10_000);
  let sseEvents = 0;
  const streams = Array.from({ length: 20 }, (_, i) => {
    const base = stack.gateways[i % 2]!.url;
    const es = new EventSource(`${base}/v1/stream/moments`, { fetch: (u, init) => fetch(u, { ...init, headers: { ...(init?.headers as Record<string, string>), ...auth } }) });
    es.addEventListener('moment.created', () => { sseEvents++; });
    return es;
  });
  const rand = prng(7);
  const loop = async (everyMs: number, fn: () => Promise<void>) => {
    while (Date.now() < deadline) {
      const t = Date.now();
      await fn().catch((e) => count('client error', (e as Error).message.slice(0, 40)));
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - t))));
    }
  };
  let nextPair = 0;
  const tracked: string[] = [];
  const momentIds: string[] = [];
  const webhookTemplate = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/apis/helius-enhanced-swap-jupiter.json'), 'utf8').toString());
  await Promise.all([
    loop(200, async () => {
      const wallet = tracked[Math.floor(rand() * tracked.length)] ?? demoAddress(99);
      const text = JSON.stringify(webhookTemplate).split(webhookTemplate.feePayer).join(wallet);
      const batch = Array.from({ length: 50 }, () => ({ ...JSON.parse(text), signature: fakeSignature(rand) }));
      const res = await fetch(`${stack.indexer.url}/webhooks/helius`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: WEBHOOK_AUTH }, body: JSON.stringify(batch) });
      await res.arrayBuffer();
      count('webhook', res.status);
    }),
    loop(15_000, async () => {
      const p = pairs[nextPair++ % pairs.length]!;
      const res = await fetch(`${stack.gateways[nextPair % 2]!.url}/v1/analyze`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ wallets: [p.paperHands, p.bagHolder] }) });
      await res.arrayBuffer();
      count('analyze', res.status);
      if (res.status === 202) tracked.push(p.paperHands, p.bagHolder);
    }),
    loop(1000, async () => {
      const wallet = tracked[Math.floor(rand() * tracked.length)];
      if (!wallet) return;
      const res = await fetch(`${stack.gateways[0]!.url}/v1/moments?wallet=${wallet}`, { headers: auth });
      count('moments', res.status);
      const body: any = await res.json();
      for (const m of body.items ?? body.moments ?? []) momentIds.push(m.cardUrl ?? m.id);
      const card = momentIds[Math.floor(rand() * momentIds.length)];
      if (card && card.startsWith('/')) {
        const c = await fetch(`${stack.gateways[1]!.url}${card}`, { redirect: 'manual' });
        await c.arrayBuffer();
        count('card', c.status);
      }
    }),
  ]);
  clearInterval(sampler);
  clearInterval(temporalMetrics);
  sample();
  for (const es of streams) es.close();
  const db = createDb(stack.databaseUrl, { poolMax: 1 });
  const stored = Number((await db('transactions').count('* as n'))[0]!.n);
  await db.destroy();
  await stack.stop();
  await rpc.stop();
  await market.stop();
  rmSync(dataDir, { recursive: true, force: true });

  const figures: Record<string, number | string> = { 'duration s': Math.round(durationMs / 1000), 'sse events received': sseEvents, 'transactions stored': stored, 'settings of their own': JSON.stringify(processEnv) };
  for (const [k, v] of [...statuses].sort()) figures[`responses ${k}`] = v;
  let flat = true;
  const ratio: NonNullable<BenchResult['ratio']> = {};
  const perMinute = (pts: Array<[number, number]>) => {
    const warm = pts.filter(([t]) => t >= 1);
    return slope(warm.length >= 2 ? warm : pts);
  };
  // Low points per minute: a sawtooth heap (Go) is judged by what survives its collections.
  const minima = (pts: Array<[number, number]>) => {
    const byMinute = new Map<number, number>();
    for (const [t, y] of pts) byMinute.set(Math.floor(t), Math.min(byMinute.get(Math.floor(t)) ?? Infinity, y));
    return [...byMinute].map(([t, y]) => [t + 0.5, y] as [number, number]);
  };
  for (const [name, raw] of [...samples].sort(([a], [b]) => a.localeCompare(b))) {
    const pts = name.startsWith('go heap') ? minima(raw) : raw;
    const s = perMinute(pts);
    const max = Math.max(...pts.map(([, y]) => y));
    const lastMinutes = pts.filter(([t]) => t >= minutes() - 3);
    const tail = perMinute(lastMinutes.length >= 2 ? lastMinutes : pts);
    const unit = name.startsWith('cached') || name.startsWith('cache ') ? '' : ' MiB';
    figures[`${name}${unit} start/end/max`] = `${pts[0]![1].toFixed(0)} / ${pts[pts.length - 1]![1].toFixed(0)} / ${max.toFixed(0)}`;
    figures[`${name}${unit} per min (last 3 min)`] = `${s.toFixed(2)} (${tail.toFixed(2)})`;
    // Flat: after the first minute's warm-up, RSS grows by less than 1 % of the process's size a minute.
    if (name.startsWith('rss ') && s > Math.max(2, pts[0]![1] * 0.01)) flat = false;
    // Growth against the process's own size: the figure that travels between machines.
    if (name.startsWith('rss ')) ratio[`${name} growth per min`] = reportRatio(s, pts[0]![1], 'MiB per minute after warm-up ÷ MiB at start');
  }
  const unexpected = [...statuses].filter(([k]) => !/ (200|202|302|304)$/.test(k) && k !== 'analyze 429').reduce((a, [, v]) => a + v, 0);
  figures['unexpected responses'] = unexpected;
  return { name: 'soak', figures, ratio, target: 'RSS flat (< 1 %/min after warm-up) for every process; no error responses but the analyses limit (429)', pass: flat && unexpected === 0 };
}
