/**
 * `npm run bench -- live`: the live path end to end, processes as in production — the indexer
 * (`gateway/main.ts indexer`, webhooks only), the gateway, one worker; the local Jupiter/Birdeye and Solana JSON-RPC
 * servers of lib/replay — with 1,000 tracked wallets. A load generator posts Helius enhanced webhooks (50 per POST,
 * some POSTs delivered twice) at BENCH_LIVE_RATE tx/s (default 1,000) for BENCH_LIVE_SECONDS (default 60); ~20 % are
 * swaps, of which ~1 in 20 is filled 3 % under the route the local Jupiter quotes (BadRoute at ingestion) and ~1 in 20
 * buys a "crossing" mint whose price the market server drops 40 % (across the BHD trigger) 40 % into the run. 50 SSE
 * clients follow /v1/stream/moments. Measured: webhook POST → SSE moment.created whose cardUrl serves the PNG
 * (BadRoute), price move → SSE event (BHD), lost and duplicated moments, provider history calls per warm batch.
 * A second run SIGKILLs the worker half-way and restarts it.
 *
 * Crossings are measured on whatever watch mechanism the branch has: the bench only moves the price and waits for the
 * moment on the stream, so a redesigned watch (price alarms signalled by the refresh) is measured the same way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { EventSource } from 'eventsource';
import { createDb, type Db } from '../lib/db';
import { spawnEntry, stopProcess, waitForHttp } from '../lib/processes';
import { demoJupPrice, demoSwapTx, DEMO_WALLETS, JUP, USDC, WIF } from '../lib/replay/demo-dataset';
import { MarketReplayServer } from '../lib/replay/market-server';
import { SolanaRpcReplayServer } from '../lib/replay/solana-rpc-server';
import { fakeSignature, prng } from '../lib/replay/synthetic-history';
import { freePort } from '../lib/temporal-dev-server';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { walletActorWorkflowId } from '../temporal/config';
import { actorTimeline, formatTimeline } from './actor-timeline';
import { startBenchEnv, spawnWorkerProcess } from './env';
import { reportRatio } from './ceiling';
import { percentile, type BenchResult } from './machine';
import { refreshWork } from './refreshes';

const ROOT = path.resolve(__dirname, '..');
const AUTH = 'Bearer bench-live-webhook-secret';
const SOL = 'So11111111111111111111111111111111111111112';
const TWEET = '3rsJxhSo1qpZZGsC5KTcTrwTBjxTRB34EmQ4B4DFg9t7';
const SAMPLE_WALLET = 'HR7KFr9vhbEeFqSoiRFc8S4g8x7N6G2ryBicpFb35Cbm';
const POLL_MS = Number(process.env.BENCH_LIVE_POLL_MS ?? 2000);

interface Expected { kind: 'BadRoute' | 'BHD'; signature: string; wallet: string; fromMs: number }

interface Seen { atMs: number; id: string; cardUrl: string; card?: Promise<void>; cardAtMs?: number }

interface Client { es: EventSource; created: Map<string, number>; events: number }

function address(): string {
  return bs58.encode(randomBytes(32));
}

/** Payload builders from the real sample: the swap (0.1 SOL → 93.5 TWEET), and the same reduced to a transfer. */
function builders() {
  const swap = readFileSync(path.join(ROOT, 'fixtures/apis/helius-enhanced-swap-jupiter.json'), 'utf8');
  const sample = JSON.parse(swap);
  // The everyday non-swap: the sample reduced to a plain SOL transfer out (0.001 SOL plus the fee), same format.
  const PEER = '9gyJTX1qnLdYs3ibiSdgBzTgW2GZr6ZX9bbHmk3Ro3FD';
  const transfer = {
    ...sample, type: 'TRANSFER', source: 'SYSTEM_PROGRAM', description: '', tokenTransfers: [], events: {}, instructions: [],
    nativeTransfers: [{ fromUserAccount: SAMPLE_WALLET, toUserAccount: PEER, amount: 1_000_000 }],
    accountData: [{ account: SAMPLE_WALLET, nativeBalanceChange: -(1_000_000 + sample.fee), tokenBalanceChanges: [] }, { account: PEER, nativeBalanceChange: 1_000_000, tokenBalanceChanges: [] }],
  };
  const transferText = JSON.stringify(transfer);
  const swapText = JSON.stringify(sample);
  const at = () => Math.floor(Date.now() / 1000);
  return {
    swap(wallet: string, signature: string, slot: number, opts: { mint?: string; short?: boolean } = {}): string {
      let t = swapText.split(SAMPLE_WALLET).join(wallet).split(sample.signature).join(signature);
      // A fill 3 % short of the quote: the received amount, in raw units and in UI units, everywhere it appears.
      if (opts.short) t = t.split('9354889794').join('9074243100').split('93.54889794').join('90.742431');
      if (opts.mint) t = t.split(TWEET).join(opts.mint);
      const o = JSON.parse(t);
      o.slot = slot;
      o.timestamp = at();
      return JSON.stringify(o);
    },
    other(wallet: string, signature: string, slot: number): string {
      const o = JSON.parse(transferText.split(SAMPLE_WALLET).join(wallet).split(sample.signature).join(signature));
      o.slot = slot;
      o.timestamp = at();
      return JSON.stringify(o);
    },
  };
}

async function countHistoryBatches(db: Db): Promise<number> {
  // Every batch of every actor updates its wallet's fold once: the table's update count is the batch count.
  const r = await db.raw(`select n_tup_upd from pg_stat_user_tables where relname = 'wallet_detection_state'`);
  return Number(r.rows[0]?.n_tup_upd ?? 0);
}

/**
 * Issue 20's black-box shape: the two demo wallets, raw transactions from the demo dataset's builder (USDC → JUP swaps
 * filled 3 % under the market the local Jupiter quotes, and small receipts as the everyday non-swap), 100 tx/s.
 */
function demoBuilders() {
  const jup = Number(demoJupPrice());
  return {
    swap(wallet: string, signature: string, slot: number): string {
      return JSON.stringify(demoSwapTx(wallet, signature, new Date(), slot, { mint: USDC, amount: '1000' }, { mint: JUP, amount: ((1000 / jup) * 0.97).toFixed(6) }));
    },
    other(wallet: string, signature: string, slot: number): string {
      return JSON.stringify(demoSwapTx(wallet, signature, new Date(), slot, undefined, { mint: WIF, amount: '0.01' }));
    },
  };
}

async function liveRun(opts: { killWorker: boolean; demo?: boolean }): Promise<BenchResult> {
  const rate = opts.demo ? Number(process.env.BENCH_LIVE_RATE ?? 100) : Number(process.env.BENCH_LIVE_RATE ?? 1000);
  const seconds = opts.demo ? Number(process.env.BENCH_LIVE_SECONDS ?? 7.5) : Number(process.env.BENCH_LIVE_SECONDS ?? 60);
  const walletsN = Number(process.env.BENCH_LIVE_WALLETS ?? 1000);
  const perPost = opts.demo ? 5 : 50;
  const env = await startBenchEnv();
  const market = new MarketReplayServer();
  market.quoteEdge = 0;
  market.setToken(SOL, { decimals: 9, live: '15000' });
  market.setToken(TWEET, { decimals: 8, live: '16.03' });
  const crossingMints = Array.from({ length: 5 }, () => address());
  for (const m of crossingMints) market.setToken(m, { decimals: 8, live: '16.03' });
  if (opts.demo) {
    market.setToken(USDC, { decimals: 6, live: '1' });
    market.setToken(JUP, { decimals: 6, live: demoJupPrice() });
    market.setToken(WIF, { decimals: 6, live: '2' });
  }
  await market.start();
  const rpc = new SolanaRpcReplayServer();
  await rpc.start();
  const db = createDb(env.databaseUrl, { poolMax: 4 });
  const children: ChildProcess[] = [];
  const clients: Client[] = [];
  const procs: { worker?: ChildProcess } = {};
  try {
    const wallets = opts.demo ? Object.values(DEMO_WALLETS) : Array.from({ length: walletsN }, () => address());
    await db('tracked_wallets').insert(wallets.map((wallet) => ({ wallet })));
    const apiPort = await freePort();
    const indexerPort = await freePort();
    const common = {
      DATABASE_URL: env.databaseUrl, TEMPORAL_ADDRESS: env.temporal.address, ENVIRONMENT: 'test', LOG_LEVEL: 'warn',
      AUTH_ALLOW_ANONYMOUS: 'true', HELIUS_WEBHOOK_AUTH: AUTH, JUPITER_BASE_URL: market.url, RPC_PRIMARY: rpc.url,
      PRICE_HISTORY_PROVIDER: 'birdeye', PRICE_HISTORY_BASE_URL: market.url, PRICE_HISTORY_API_KEY: 'bench',
      PRICE_REFRESH_EVERY_MS: String(POLL_MS),
      RATE_LIMIT_IP_PER_MINUTE: '10000000', RATE_LIMIT_USER_PER_MINUTE: '10000000', SSE_MAX_BUFFERED_BYTES: String(64 * 2 ** 20),
    };
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    // The worker says it runs at info level; BENCH_WORKER_LOG_DIR keeps its lines (see spawnWorkerProcess).
    const startWorker = () => spawnWorkerProcess({ ...common, LOG_LEVEL: 'info' }, profile);
    procs.worker = await startWorker();
    const indexer = spawnEntry('gateway/main.ts', { ...common, INDEXER_PORT: String(indexerPort) }, { silent: true, args: ['indexer'], nodeArgs: profile });
    const gateway = spawnEntry('gateway/main.ts', { ...common, PORT: String(apiPort) }, { silent: true, nodeArgs: profile });
    children.push(indexer, gateway);
    // Nobody reads their logs: drain the pipes so a chatty process never blocks on a full one.
    for (const c of [indexer, gateway]) { c.stdout?.resume(); c.stderr?.resume(); }
    const api = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${api}/health/ready`, 60_000);
    await waitForHttp(`http://127.0.0.1:${indexerPort}/health`, 60_000);

    // 50 stream clients, each counting the moment.created it gets per moment id and when each first arrived.
    const firstSeen = new Map<string, Seen>();
    for (let i = 0; i < 50; i++) {
      const c: Client = { es: new EventSource(`${api}/v1/stream/moments`), created: new Map(), events: 0 };
      c.es.addEventListener('moment.created', (e) => {
        const m = JSON.parse(e.data);
        c.created.set(m.id, (c.created.get(m.id) ?? 0) + 1);
        c.events++;
        const key = `${m.kind}|${m.signature}`;
        if (i !== 0 || firstSeen.has(key)) return;
        const seen: Seen = { atMs: Date.now(), id: m.id, cardUrl: m.cardUrl };
        firstSeen.set(key, seen);
        // The moment counts as delivered when its card answers with the PNG: fetched the moment the event arrives.
        if (m.kind === 'BadRoute') {
          seen.card = fetch(`${api}${m.cardUrl}`).then(async (res) => {
            const buf = Buffer.from(await res.arrayBuffer());
            if (res.status === 200 && buf.subarray(1, 4).toString() === 'PNG') seen.cardAtMs = Date.now();
          }).catch(() => undefined);
        }
      });
      clients.push(c);
    }
    await new Promise((r) => setTimeout(r, 1000));

    const demo = opts.demo ? demoBuilders() : undefined;
    const b = builders();
    const rand = prng(7);
    const expected: Expected[] = [];
    const url = `http://127.0.0.1:${indexerPort}/webhooks/helius`;
    const moveAt = Date.now() + seconds * 400;
    let moved = false;
    let moveMs = 0;
    let slot = 300_000_000;
    let posted = 0;
    let duplicates = 0;
    let errors = 0;
    const started = Date.now();
    const deadline = started + seconds * 1000;
    const postsPerSecond = rate / perPost;
    let killedAt: number | undefined;
    const inflight = new Set<Promise<void>>();
    for (let n = 0; Date.now() < deadline; n++) {
      // Open-loop pacing: POST n leaves at started + n / postsPerSecond, whatever the previous ones are doing.
      const due = started + (n * 1000) / postsPerSecond;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      if (!moved && Date.now() >= moveAt) {
        moved = true;
        moveMs = Date.now();
        for (const m of crossingMints) market.setLive(m, '9.618'); // −40 %: across the BHD trigger of every buy before it
      }
      if (opts.killWorker && killedAt === undefined && Date.now() >= started + seconds * 500) {
        killedAt = Date.now();
        procs.worker!.kill('SIGKILL');
        await new Promise((r) => setTimeout(r, 2000));
        procs.worker = await startWorker();
      }
      const items: string[] = [];
      const sentAt = Date.now();
      for (let k = 0; k < perPost; k++) {
        const wallet = wallets[Math.floor(rand() * wallets.length)]!;
        const sig = fakeSignature(rand);
        slot++;
        const r = rand();
        if (demo) {
          if (r < 0.2) {
            items.push(demo.swap(wallet, sig, slot));
            expected.push({ kind: 'BadRoute', signature: sig, wallet, fromMs: sentAt });
          } else {
            items.push(demo.other(wallet, sig, slot));
          }
        } else if (r < 0.2) {
          const kind = rand();
          if (kind < 0.05) {
            items.push(b.swap(wallet, sig, slot, { short: true }));
            expected.push({ kind: 'BadRoute', signature: sig, wallet, fromMs: sentAt });
          } else if (kind < 0.1 && !moved) {
            items.push(b.swap(wallet, sig, slot, { mint: crossingMints[Math.floor(rand() * crossingMints.length)]! }));
            expected.push({ kind: 'BHD', signature: sig, wallet, fromMs: 0 });
          } else {
            items.push(b.swap(wallet, sig, slot));
          }
        } else {
          items.push(b.other(wallet, sig, slot));
        }
      }
      const body = `[${items.join(',')}]`;
      const send = async (): Promise<void> => {
        try {
          const res = await fetch(url, { method: 'POST', headers: { authorization: AUTH, 'content-type': 'application/json' }, body });
          await res.arrayBuffer();
          if (res.status !== 200) errors++;
        } catch {
          errors++;
        }
      };
      const p = send().then(() => (rand() < 0.02 ? (duplicates++, send()) : undefined));
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      posted += perPost;
    }
    await Promise.all(inflight);
    const elapsed = (Date.now() - started) / 1000;
    const txRate = posted / elapsed;
    for (const e of expected) if (e.kind === 'BHD') e.fromMs = moveMs;

    // Drain: wait for every expected moment on the first client (bounded), then check cards.
    const keyOf = (e: Expected) => `${e.kind}|${e.signature}`;
    const drainUntil = Date.now() + Number(process.env.BENCH_LIVE_DRAIN_MS ?? 40_000);
    while (Date.now() < drainUntil && expected.some((e) => !firstSeen.has(keyOf(e)))) await new Promise((r) => setTimeout(r, 500));
    // What was not delivered in the drain, told apart: late (published, still on its way, or arriving after), or
    // never published (stored but no outbox event), or never stored. A loss and a slow run look alike otherwise.
    const missingAtDrain = expected.filter((e) => !firstSeen.has(keyOf(e)));
    let missingDiagnosis = 'none';
    if (missingAtDrain.length) {
      const rows: Array<{ id: string; kind: string; signature: string }> = await db('moments').whereIn('signature', missingAtDrain.map((e) => e.signature)).select('id', 'kind', 'signature');
      const stored = new Map(rows.map((r) => [`${r.kind}|${r.signature}`, r.id]));
      const ids = [...stored.values()];
      const published = new Set<string>(ids.length ? (await db('moment_events').whereIn('moment_id', ids).distinct('moment_id')).map((r: { moment_id: string }) => r.moment_id) : []);
      const extraUntil = Date.now() + Number(process.env.BENCH_LIVE_EXTRA_DRAIN_MS ?? 60_000);
      while (Date.now() < extraUntil && missingAtDrain.some((e) => !firstSeen.has(keyOf(e)))) await new Promise((r) => setTimeout(r, 500));
      const count = (f: (e: Expected) => boolean) => missingAtDrain.filter(f).length;
      missingDiagnosis = [
        `${missingAtDrain.length} missing at the drain's end`,
        `${count((e) => firstSeen.has(keyOf(e)))} arrived within ${Math.round(Number(process.env.BENCH_LIVE_EXTRA_DRAIN_MS ?? 60_000) / 1000)} s more (counted in the latencies, not in delivered)`,
        `at the drain's end: ${count((e) => stored.has(keyOf(e)))} stored, ${count((e) => published.has(stored.get(keyOf(e)) ?? ''))} of them published`,
        `${count((e) => !stored.has(keyOf(e)))} not stored`,
      ].join(', ');
    }
    const batches = await countHistoryBatches(db);
    const refresh = await refreshWork(env.temporal.address, started).catch((e: Error) => ({ error: e.message }));
    const badroute: number[] = [];
    const crossing: number[] = [];
    let cardsOk = 0;
    for (const e of expected) {
      const seen = firstSeen.get(keyOf(e));
      if (!seen) continue;
      if (e.kind === 'BHD') {
        crossing.push(seen.atMs - e.fromMs);
        continue;
      }
      await seen.card;
      if (seen.cardAtMs !== undefined) cardsOk++;
      badroute.push(seen.cardAtMs === undefined ? Infinity : seen.cardAtMs - e.fromMs);
    }
    const late = new Set(missingAtDrain);
    const delivered = expected.filter((e) => firstSeen.has(keyOf(e)) && !late.has(e)).length;
    const expectedIds = new Set(expected.map(keyOf).filter((k) => firstSeen.has(k)).map((k) => firstSeen.get(k)!.id));
    let dups = 0;
    let lostAtClients = 0;
    for (const c of clients) {
      for (const n of c.created.values()) if (n > 1) dups += n - 1;
      for (const id of expectedIds) if (!c.created.has(id)) lostAtClients++;
    }
    badroute.sort((a, b2) => a - b2);
    crossing.sort((a, b2) => a - b2);
    // Where a BadRoute moment's time goes, from the actors' histories (at most 20 wallets' actors are read).
    const connection = await Connection.connect({ address: env.temporal.address });
    const actorWallets = [...new Set(expected.filter((e) => e.kind === 'BadRoute').map((e) => e.wallet))].slice(0, 20);
    const timeline = await actorTimeline(new TemporalClient({ connection }), actorWallets.map(walletActorWorkflowId));
    await connection.close();
    const leg = (from: (e: Expected) => number | undefined, to: (e: Expected) => number | undefined) => {
      const d = expected.filter((e) => e.kind === 'BadRoute' && actorWallets.includes(e.wallet)).map((e) => [from(e), to(e)])
        .filter(([a, b2]) => a !== undefined && b2 !== undefined).map(([a, b2]) => b2! - a!).sort((a, b2) => a - b2);
      return `p50 ${percentile(d, 50)} / p95 ${percentile(d, 95)} ms`;
    };
    const where = [
      `POST → actor signalled ${leg((e) => e.fromMs, (e) => timeline.signalledAt.get(e.signature))}`,
      `signalled → batch done ${leg((e) => timeline.signalledAt.get(e.signature), (e) => timeline.ingestedAt.get(e.signature))}`,
      `batch done → SSE ${leg((e) => timeline.ingestedAt.get(e.signature), (e) => firstSeen.get(keyOf(e))?.atMs)}`,
      `SSE → card PNG ${leg((e) => firstSeen.get(keyOf(e))?.atMs, (e) => firstSeen.get(keyOf(e))?.cardAtMs)}`,
      formatTimeline(timeline.stages),
    ].join('; ');
    const historyCalls = market.calls['/defi/history_price'] ?? 0;
    const name = opts.demo ? `live, demo wallets at ${rate} tx/s` : opts.killWorker ? 'live (worker killed)' : 'live';
    const badP95 = Math.round(percentile(badroute, 95));
    // Issue 20's two columns: POST → the first client's moment.created, and POST → its card served.
    const toSse = expected.filter((e) => e.kind === 'BadRoute' && firstSeen.has(keyOf(e))).map((e) => firstSeen.get(keyOf(e))!.atMs - e.fromMs).sort((a, b2) => a - b2);
    const sseP95 = Math.round(percentile(toSse, 95));
    const demoFigures: Record<string, string> = opts.demo ? {
      'POST → SSE p50 / p95 ms': `${Math.round(percentile(toSse, 50))} / ${sseP95}`,
      'POST → card p50 / p95 ms': `${Math.round(percentile(badroute, 50))} / ${badP95}`,
    } : {};
    const crossP95 = Math.round(percentile(crossing, 95));
    return {
      name,
      figures: {
        'webhook tx/s': Math.round(txRate),
        'moments expected': expected.length,
        'moments delivered': delivered,
        'undelivered at the drain': missingDiagnosis,
        duplicates: dups,
        'badroute p95 ms': Number.isFinite(badP95) ? badP95 : -1,
        'crossing p95 ms': Number.isFinite(crossP95) ? crossP95 : -1,
        ...demoFigures,
        'poll ms': POLL_MS,
        'history calls per warm batch': Number((historyCalls / Math.max(1, batches)).toFixed(2)),
        // The refresh interval bounds the crossing latency from below: its work per run sits beside it.
        'refresh interval ms': POLL_MS,
        ...('error' in refresh ? { 'refresh runs': `unknown (${refresh.error})` } : {
          'refresh runs': refresh.runs,
          'refresh median ms / CPU ms': `${refresh.medianMs} / ${refresh.medianCpuMs}`,
          'mints per refresh (median)': refresh.mints,
          'alarms crossed / watches signalled (all refreshes)': `${refresh.crossed} / ${refresh.signalled}`,
        }),
      },
      ratio: {
        'crossing p95': reportRatio(crossP95, POLL_MS, 'crossing p95 ms ÷ refresh interval ms'),
        ...('error' in refresh ? {} : { 'refresh work': reportRatio(refresh.medianMs, POLL_MS, 'refresh median ms ÷ refresh interval ms (the share of each interval a refresh takes)') }),
      },
      target: `${opts.demo ? 'POST → SSE p95 ≤ 2,000 ms (issue 20); ' : ''}≥ 1,000 tx/s for ≥ 60 s; 0 lost, 0 duplicated; BadRoute p95 ≤ 2,000 ms; crossing p95 ≤ ${POLL_MS + 2000} ms; 0 history calls per warm batch`
        + ` (also: ${posted} tx posted, ${errors} POST errors, ${duplicates} POSTs delivered twice, ${lostAtClients} (client, moment) pairs missing, cards ${cardsOk}/${expected.filter((e) => e.kind === 'BadRoute').length}, ${batches} actor batches, ${historyCalls} history calls, badroute p50 ${Math.round(percentile(badroute, 50))} ms, crossing p50 ${Math.round(percentile(crossing, 50))} ms${killedAt ? `, worker killed at ${Math.round((killedAt - started) / 1000)} s` : ''}). Where the time goes: ${where}`,
      // The demo shape is judged as issue 20 states it (POST → SSE p95 ≤ 2 s); `live` as issue 11 does (SSE and card).
      pass: opts.demo ? delivered === expected.length && dups === 0 && sseP95 <= 2000 : txRate >= 1000 && elapsed >= 60 && delivered === expected.length && dups === 0 && lostAtClients === 0 && badP95 <= 2000 && crossP95 <= POLL_MS + 2000 && historyCalls === 0,
    };
  } finally {
    for (const c of clients) c.es.close();
    for (const c of children.reverse()) await stopProcess(c).catch(() => undefined);
    if (procs.worker) await stopProcess(procs.worker).catch(() => undefined);
    await db.destroy();
    await rpc.stop();
    await market.stop();
    await env.stop();
  }
}

/** Issue 20's black-box measurement: POST → SSE (and card) for the demo wallets at 100 tx/s; target p95 ≤ 2 s. */
export async function liveDemoBench(): Promise<BenchResult> {
  return liveRun({ killWorker: false, demo: true });
}

/** Both runs: undisturbed, then with the worker SIGKILLed half-way and restarted. */
export async function liveBench(): Promise<BenchResult[]> {
  // BENCH_LIVE_RUNS=quiet or =killed runs one of them (each under its own lock, within the 5-minute bound).
  const runs = (process.env.BENCH_LIVE_RUNS ?? 'quiet,killed').split(',');
  const out: BenchResult[] = [];
  if (runs.includes('quiet')) out.push(await liveRun({ killWorker: false }));
  if (runs.includes('killed')) out.push(await liveRun({ killWorker: true }));
  return out;
}
