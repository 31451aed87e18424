import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import bs58 from 'bs58';
import { Client, Connection } from '@temporalio/client';
import { EventSource } from 'eventsource';
import { OofWorkflows } from '../temporal/client';
import { DEFAULT_TASK_QUEUE } from '../temporal/config';
import { createDb, type Db } from './db';
import { startProductionStack, type ProductionStack, type ProductionStackOptions } from './production-stack';
import { demoAddress, demoDataset, demoJupPrice, demoLiveSwap, demoTrades, JUP, SOL, USDC } from './replay/demo-dataset';
import { MarketReplayServer } from './replay/market-server';
import { SolanaRpcReplayServer } from './replay/solana-rpc-server';
import { fakeSignature, prng } from './replay/synthetic-history';
import { lowFreePort, TEMPORAL_DATABASES } from './temporal-server';
import { waitFor } from './wait-for';
import { waitForHttp } from './processes';

/**
 * The production shape broken on purpose, shared by the CI fault suite (test/integration/production-faults.test.ts)
 * and its longer version (`npm run bench -- faults`): each fault runs during a 25-wallet analysis, under webhook
 * load, with open watches and wallet actors, and ends with the database compared to an undisturbed run of the same
 * trades on other wallets. A fault returns its figures; the test asserts them, the benchmark prints them.
 */
const SECRET = 'faults-app-secret-faults-app-secret-0123456789';
const WEBHOOK_AUTH = 'faults-webhook-auth-0123456789';
const ROOT = path.resolve(__dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


export interface WalletSet { wallets: string[]; transactions: any[]; role: Map<string, string> }

/** 25 wallets (13 demo pairs) with the demo's trades: equal roles must find equal moments. */
export function walletSet(k: number): WalletSet {
  const pairs = Array.from({ length: 13 }, (_, i) => ({ paperHands: demoAddress(1000 * (k + 1) + 2 * i), bagHolder: demoAddress(1000 * (k + 1) + 2 * i + 1) }));
  const wallets = pairs.flatMap((p) => [p.paperHands, p.bagHolder]).slice(0, 25);
  const transactions = pairs.flatMap((p, i) => demoTrades(p, 7000 + 100 * k + i));
  const role = new Map(pairs.flatMap((p) => [[p.paperHands, 'paperHands'], [p.bagHolder, 'bagHolder']] as const));
  return { wallets, transactions, role };
}

export interface Outcome { moments: number; counts: Record<string, number>; duplicates: number; announced: number }

/** What one fault did: every figure the issue asks for, and the checks the suite asserts. */
export interface FaultFigures {
  fault: string;
  analysis: string;
  /** Moments by (role, kind, mint) equal to the undisturbed run's. */
  momentsMatch: boolean;
  moments: number;
  baselineMoments: number;
  /** Moments not announced exactly once (moment.created). */
  duplicates: number;
  accepted: number;
  stored: number;
  /** Webhook answers other than 200 and 503 problem+json (connection errors excluded: a process was down). */
  unexpected: number[];
  refused503: number;
  /** Seconds between the first refused or failed delivery and the next accepted one, summed. */
  unavailableS: number;
  /** The open watches and actors: same runs, still running, alarms unchanged. */
  watchesIntact: boolean;
  extra?: Record<string, number | string>;
}

interface WatchState { watches: Record<string, { runId: string; status: string; step: number; trigger: string | null }>; actors: Record<string, { runId: string; status: string; processed: number }> }

export interface FaultHarnessOptions {
  /** Webhook batches posted during each fault, and transactions per batch. */
  batches?: number;
  batchSize?: number;
  /** How long a fault keeps its process down. */
  downMs?: number;
  /** Wallets given a fresh swap at the start (each one an actor and open watches). */
  liveWallets?: number;
  /** Wallet sets (each fault needs one of its own; the first is the undisturbed run's). */
  sets?: number;
  log?: (m: string) => void;
}

export class FaultHarness {
  readonly sets: WalletSet[];
  readonly rpc = new SolanaRpcReplayServer();
  readonly market = new MarketReplayServer();
  stack!: ProductionStack;
  db!: Db;
  temporal!: Client;
  private connection?: Connection;
  private options!: ProductionStackOptions;
  private readonly prefix = `oof_f${process.pid}_`;
  baseline!: Outcome;
  liveWallets: string[] = [];
  private walletSeed = 424_242;
  private readonly webhookTemplate = JSON.parse(readFileSync(path.join(ROOT, 'fixtures/apis/helius-enhanced-swap-jupiter.json'), 'utf8'));

  /** temporalAdminUrl: where Temporal's databases go; mintServiceToken: the gateway's (lib does not import it). */
  constructor(private readonly o: FaultHarnessOptions & { temporalAdminUrl: string; mintServiceToken: (secret: string, id: string) => string }) {
    this.sets = Array.from({ length: o.sets ?? 6 }, (_, k) => walletSet(k));
  }

  auth = () => ({ authorization: `Bearer ${this.o.mintServiceToken(SECRET, 'faults')}` });

  async start(): Promise<void> {
    const { prices } = demoDataset();
    for (const s of this.sets) this.rpc.add(s.transactions);
    for (const [mint, points] of Object.entries(prices)) this.market.setToken(mint, { decimals: mint === SOL ? 9 : 6, history: points });
    this.market.setToken(USDC, { decimals: 6, live: '1' });
    await this.rpc.start();
    await this.market.start();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'oof-faults-'));
    this.options = {
      dataDir,
      embeddedPostgresPort: await lowFreePort(),
      temporalDatabaseUrl: this.o.temporalAdminUrl,
      temporalDatabasePrefix: this.prefix,
      temporalPort: await lowFreePort(),
      uiPort: false,
      freePorts: true,
      silent: true,
      env: {
        APP_SECRET: SECRET, HELIUS_WEBHOOK_AUTH: WEBHOOK_AUTH, ALERTS_ENCRYPTION_KEY: 'fa'.repeat(32), SERVICE_IDS: 'faults', LOG_LEVEL: 'warn', DATA_DIR: dataDir,
        RPC_PRIMARY: this.rpc.url, JUPITER_BASE_URL: this.market.url, PRICE_HISTORY_PROVIDER: 'birdeye', PRICE_HISTORY_BASE_URL: this.market.url, PRICE_HISTORY_API_KEY: 'x',
        RATE_LIMIT_IP_PER_MINUTE: '100000', RATE_LIMIT_USER_PER_MINUTE: '100000', RATE_LIMIT_WALLET_ANALYSES_PER_HOUR: '1000', ANALYSES_PER_USER_PER_DAY: '10000',
        SHUTDOWN_GRACE_MS: '2000',
        // The watches' price refresh: often enough that a crossing after the restart is seen within the test.
        PRICE_REFRESH_EVERY_MS: '3000',
      },
      log: this.o.log ?? (() => undefined),
    };
    await this.up();
  }

  private async up(): Promise<void> {
    this.stack = await startProductionStack(this.options);
    this.db = createDb(this.stack.databaseUrl, { poolMax: 2 });
    this.connection = await Connection.connect({ address: this.stack.temporal.address });
    this.temporal = new Client({ connection: this.connection });
  }

  private async down(): Promise<void> {
    await this.connection?.close();
    await this.db?.destroy();
    await this.stack?.stop();
  }

  async stop(): Promise<void> {
    await this.down().catch(() => undefined);
    await this.rpc.stop();
    await this.market.stop();
    const admin = createDb(this.o.temporalAdminUrl, { poolMax: 1 });
    for (const name of Object.values(TEMPORAL_DATABASES)) await admin.raw('drop database if exists ?? with (force)', [`${this.prefix}${name}`]);
    await admin.destroy();
  }

  async analyze(wallets: string[], gateway = this.stack.gateways[0]!.url): Promise<string> {
    const res = await fetch(`${gateway}/v1/analyze`, { method: 'POST', headers: { 'content-type': 'application/json', ...this.auth() }, body: JSON.stringify({ wallets }) });
    if (res.status !== 202) throw new Error(`analyze answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { analysisId: string }).analysisId;
  }

  /** The analysis' final status, asked of whichever gateway answers. */
  async completed(analysisId: string, timeoutMs = 200_000): Promise<string> {
    return waitFor(async () => {
      for (const g of this.stack.gateways) {
        try {
          const res = await fetch(`${g.url}/v1/analyses/${analysisId}`, { headers: this.auth() });
          if (!res.ok) continue;
          const body = (await res.json()) as { status: string };
          return body.status === 'running' || body.status === 'pending' ? undefined : body.status;
        } catch {
          // that gateway is down: ask the other
        }
      }
      return undefined;
    }, timeoutMs, 500);
  }

  /** Moments per (role, kind, mint) for a set, and how often each moment was announced as created. */
  async outcome(set: WalletSet): Promise<Outcome> {
    const rows = await this.db('moments').whereIn('wallet', set.wallets).select('id', 'wallet', 'kind', 'mint');
    const counts: Record<string, number> = {};
    for (const r of rows) {
      const k = `${set.role.get(r.wallet)} ${r.kind} ${r.mint}`;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    const created = await this.db('moment_events').whereIn('moment_id', rows.map((r: any) => r.id)).where({ type: 'moment.created' }).select('moment_id').count('* as n').groupBy('moment_id');
    return { moments: rows.length, counts, duplicates: rows.length - created.filter((c: any) => Number(c.n) === 1).length, announced: created.length };
  }

  /** The undisturbed run; then fresh swaps of a few of its wallets open their actors and watches. */
  async runBaseline(): Promise<Outcome> {
    const status = await this.completed(await this.analyze(this.sets[0]!.wallets));
    if (status !== 'completed') throw new Error(`the undisturbed analysis ended ${status}`);
    this.baseline = await this.outcome(this.sets[0]!);
    this.liveWallets = this.sets[0]!.wallets.filter((w) => this.sets[0]!.role.get(w) === 'bagHolder').slice(0, this.o.liveWallets ?? 3);
    for (const w of this.liveWallets) await this.postLiveSwap(w);
    await waitFor(async () => {
      const s = await this.watchState();
      const ready = this.liveWallets.every((w) => s.actors[w]?.processed === 1) && Object.keys(s.watches).length >= this.liveWallets.length;
      return ready ? true : undefined;
    }, 120_000, 500);
    // A watch whose trade is already past its threshold is woken by the first refreshes: wait until nothing moves.
    let last = '';
    await waitFor(async () => {
      const now = JSON.stringify(await this.watchState());
      const still = now === last;
      last = now;
      return still ? true : undefined;
    }, 120_000, 7000);
    return this.baseline;
  }

  /** A fresh swap of `wallet` as Helius posts it: 1,000 USDC into JUP (its actor ingests it and watches the buy). */
  async postLiveSwap(wallet: string): Promise<void> {
    const jup = ((1000 / Number(demoJupPrice())) * 0.97).toFixed(6);
    const swap = demoLiveSwap(wallet, bs58.encode(randomBytes(64)), new Date(), 400_000_000, '1000', jup);
    await waitFor(async () => {
      const res = await fetch(`${this.stack.indexer.url}/webhooks/helius`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: WEBHOOK_AUTH }, body: JSON.stringify([swap]) });
      return res.status === 200 ? true : undefined;
    }, 60_000, 500);
  }

  /** The live wallets' actors and watches as Temporal and the alarm index see them. */
  async watchState(): Promise<WatchState> {
    const rows = await this.db('price_alarms').whereIn('wallet', this.liveWallets).select('watch_id', 'step', 'trigger');
    const out: WatchState = { watches: {}, actors: {} };
    for (const r of rows) {
      const d = await this.temporal.workflow.getHandle(r.watch_id).describe();
      out.watches[r.watch_id] = { runId: d.runId, status: d.status.name, step: r.step, trigger: r.trigger === null ? null : String(r.trigger) };
    }
    const workflows = new OofWorkflows(this.temporal, DEFAULT_TASK_QUEUE);
    for (const w of this.liveWallets) {
      const a = await workflows.walletActorState(w);
      if (!a) continue;
      out.actors[w] = { runId: a.runId, status: a.status, processed: a.state?.processed ?? -1 };
    }
    return out;
  }

  /** The open watches and actors are the same runs, running, with their alarms where they were. */
  static intact(before: WatchState, after: WatchState): boolean {
    const same = (a: object, b: object) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
    const running = Object.values(after.watches).every((w) => w.status === 'RUNNING') && Object.values(after.actors).every((a) => a.status === 'RUNNING');
    return Object.keys(before.watches).length > 0 && running && same(before.watches, after.watches) && same(before.actors, after.actors);
  }

  /** Webhook deliveries retried as Helius retries them (until a 200), with what each answer was. */
  webhookLoad(): { done: Promise<void>; figures: () => Promise<Pick<FaultFigures, 'accepted' | 'stored' | 'unexpected' | 'refused503' | 'unavailableS'>> } {
    const wallet = demoAddress(this.walletSeed++);
    const rand = prng(this.walletSeed);
    const text = JSON.stringify(this.webhookTemplate).split(this.webhookTemplate.feePayer).join(wallet);
    const batches = Array.from({ length: this.o.batches ?? 30 }, () => Array.from({ length: this.o.batchSize ?? 50 }, () => ({ ...JSON.parse(text), signature: fakeSignature(rand) })));
    const accepted = new Set<string>();
    const unexpected: number[] = [];
    let refused503 = 0;
    let downSince: number | undefined;
    let unavailableMs = 0;
    const post = async (batch: any[]) => {
      for (let attempt = 0; attempt < 600; attempt++) {
        try {
          const res = await fetch(`${this.stack.indexer.url}/webhooks/helius`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: WEBHOOK_AUTH }, body: JSON.stringify(batch) });
          const type = res.headers.get('content-type') ?? '';
          await res.arrayBuffer();
          if (res.status === 200) {
            if (downSince !== undefined) { unavailableMs += Date.now() - downSince; downSince = undefined; }
            for (const t of batch) accepted.add(t.signature);
            return;
          }
          if (res.status === 503 && type.includes('application/problem+json')) refused503++;
          else unexpected.push(res.status);
        } catch {
          // the indexer is down (the whole stack stops): Helius retries the same way
        }
        downSince ??= Date.now();
        await sleep(250);
      }
    };
    const done = (async () => { for (const b of batches) { await post(b); await sleep(100); } })();
    return {
      done,
      figures: async () => {
        const stored = Number((await this.db('transactions').whereIn('signature', [...accepted]).count('* as n'))[0]!.n);
        return { accepted: accepted.size, stored, unexpected, refused503, unavailableS: Math.round(unavailableMs / 100) / 10 };
      },
    };
  }

  /** Runs one fault on set k: an analysis and webhook load start, the fault strikes, everything is compared after. */
  private async drill(fault: string, k: number, strike: () => Promise<Record<string, number | string> | void>, gateway?: string): Promise<FaultFigures> {
    const before = await this.watchState();
    const load = this.webhookLoad();
    const id = await this.analyze(this.sets[k]!.wallets, gateway);
    await sleep(1500);
    const extra = (await strike()) ?? undefined;
    const analysis = await this.completed(id);
    await load.done;
    const got = await this.outcome(this.sets[k]!);
    const after = await this.watchState();
    this.o.log?.(`${fault}: done`);
    return {
      fault, analysis, momentsMatch: JSON.stringify(Object.entries(got.counts).sort()) === JSON.stringify(Object.entries(this.baseline.counts).sort()),
      moments: got.moments, baselineMoments: this.baseline.moments, duplicates: got.duplicates,
      ...(await load.figures()), watchesIntact: FaultHarness.intact(before, after), ...(extra ? { extra } : {}),
    };
  }

  killWorker(k: number): Promise<FaultFigures> {
    return this.drill('SIGKILL a worker', k, async () => { await this.stack.workers[0]!.kill('SIGKILL'); });
  }

  restartTemporal(k: number): Promise<FaultFigures> {
    return this.drill('restart the Temporal server', k, async () => {
      const t = Date.now();
      await this.stack.temporal.stop();
      await sleep(this.o.downMs ?? 2000);
      await this.stack.temporal.start();
      return { 'temporal down s': Math.round((Date.now() - t) / 100) / 10 };
    });
  }

  restartPostgres(k: number): Promise<FaultFigures> {
    return this.drill('restart the application Postgres', k, async () => {
      const t = Date.now();
      await this.db.destroy();
      await this.stack.postgres!.stop();
      await sleep(this.o.downMs ?? 0);
      await this.stack.postgres!.start();
      this.db = createDb(this.stack.databaseUrl, { poolMax: 2 });
      return { 'postgres down s': Math.round((Date.now() - t) / 100) / 10 };
    });
  }

  /**
   * SIGKILL the gateway a stream client is on: it reconnects to the other with Last-Event-ID. Returns the event ids
   * it received against the ones stored for its wallet (a bagHolder: several moments).
   */
  async killGateway(k: number): Promise<FaultFigures & { received: number[]; stored: number; events: number[] }> {
    const wallet = this.sets[k]!.wallets[1]!;
    const received: number[] = [];
    let lastId = '';
    const open = (base: string) => {
      const es = new EventSource(`${base}/v1/stream/moments?wallet=${wallet}`, {
        fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...this.auth(), ...(lastId ? { 'last-event-id': lastId } : {}) } }),
      });
      for (const type of ['moment.created', 'moment.updated', 'moment.finalized']) es.addEventListener(type, (e) => { received.push(Number(e.lastEventId)); lastId = e.lastEventId; });
      return es;
    };
    let es = open(this.stack.gateways[0]!.url);
    await new Promise<void>((r) => { es.onopen = () => r(); });
    try {
      const f = await this.drill('SIGKILL a gateway', k, async () => {
        await waitFor(async () => (received.length >= 1 ? true : undefined), 120_000, 100);
        await this.stack.gateways[0]!.process.kill('SIGKILL');
        es.close();
        es = open(this.stack.gateways[1]!.url);
      }, this.stack.gateways[1]!.url);
      const events = (await this.db('moment_events as e').join('moments as m', 'm.id', 'e.moment_id').where('m.wallet', wallet).select('e.id')).map((e: any) => Number(e.id)).sort((a: number, b: number) => a - b);
      await waitFor(async () => (received.length >= events.length ? true : undefined), 20_000, 100).catch(() => undefined);
      await sleep(300);
      const missed = events.filter((e: number) => !received.includes(e)).length;
      // The killed gateway is back (restarted by its supervisor) before the next fault uses it: the drills that
      // follow post to it, and a restart slower than this drill's own work was a refused connection there.
      const back = Date.now();
      await waitForHttp(`${this.stack.gateways[0]!.url}/health/ready`, 120_000);
      return { ...f, received: received.sort((a, b) => a - b), events, extra: { ...f.extra, 'stream events stored': events.length, 'stream events received': received.length, 'stream events missed': missed, 'killed gateway ready again after drill s': Math.round((Date.now() - back) / 100) / 10 } };
    } finally {
      es.close();
    }
  }

  /**
   * Stop every process of the stack (gateways, workers, Temporal, Postgres) and start it again on the same data:
   * the analysis in flight, the actors and the watches resume where they were. After it, a new swap reaches the same
   * actor run and a price move past a watch's trigger wakes the same watch run.
   */
  restartStack(k: number): Promise<FaultFigures> {
    return this.drill('stop the whole stack and start it again', k, async () => {
      const t = Date.now();
      await this.down();
      await sleep(this.o.downMs ?? 0);
      await this.up();
      const downS = Math.round((Date.now() - t) / 100) / 10;
      return { 'stack down s': downS };
    });
  }

  /** After restartStack: the same actor takes a new swap, and the same watch wakes on a crossing. */
  async resumedWork(): Promise<{ actorSameRun: boolean; actorProcessed: number; watchSameRun: boolean; watchStepBefore: number; watchStepAfter: number }> {
    const before = await this.watchState();
    const wallet = this.liveWallets[0]!;
    await this.postLiveSwap(wallet);
    const actor = await waitFor(async () => {
      const s = (await this.watchState()).actors[wallet];
      return s && s.processed > before.actors[wallet]!.processed ? s : undefined;
    }, 60_000, 500);
    // A buy is watched downward: a price well under its trigger is a crossing.
    const [id, w] = Object.entries(before.watches).find(([wid, x]) => wid.includes(wallet) && wid.endsWith(JUP) && x.trigger !== null)!;
    this.market.setLive(JUP, (Number(w.trigger) / 2).toFixed(6));
    const stepAfter = await waitFor(async () => {
      const row = await this.db('price_alarms').where({ watch_id: id }).first('step');
      return row && row.step > w.step ? (row.step as number) : undefined;
    }, 60_000, 500);
    const d = await this.temporal.workflow.getHandle(id).describe();
    return { actorSameRun: actor.runId === before.actors[wallet]!.runId, actorProcessed: actor.processed, watchSameRun: d.runId === w.runId && d.status.name === 'RUNNING', watchStepBefore: w.step, watchStepAfter: stepAfter };
  }
}
