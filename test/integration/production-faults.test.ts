import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventSource } from 'eventsource';
import { mintServiceToken } from '../../gateway/auth/service-token';
import { createDb, type Db } from '../../lib/db';
import { startProductionStack, type ProductionStack } from '../../lib/production-stack';
import { demoAddress, demoDataset, demoTrades, SOL, USDC } from '../../lib/replay/demo-dataset';
import { MarketReplayServer } from '../../lib/replay/market-server';
import { SolanaRpcReplayServer } from '../../lib/replay/solana-rpc-server';
import { lowFreePort, TEMPORAL_DATABASES } from '../../lib/temporal-server';
import { enhancedSwaps } from '../helpers/enhanced';
import { eventually, testEnv } from '../helpers/env';

/**
 * The production shape (real Temporal server on Postgres, two workers, two gateways, the indexer) broken on purpose,
 * each fault during a 25-wallet analysis, each run compared with an undisturbed run of the same trades on other
 * wallets: the same moments per wallet, every moment announced once, every accepted webhook stored once.
 */
const SECRET = 'faults-app-secret-faults-app-secret-0123456789';
const WEBHOOK_AUTH = 'faults-webhook-auth-0123456789';
const PAIRS = 13; // 26 wallets; analyses take the first 25

function walletSet(k: number) {
  const pairs = Array.from({ length: PAIRS }, (_, i) => ({ paperHands: demoAddress(1000 * (k + 1) + 2 * i), bagHolder: demoAddress(1000 * (k + 1) + 2 * i + 1) }));
  const wallets = pairs.flatMap((p) => [p.paperHands, p.bagHolder]).slice(0, 25);
  const transactions = pairs.flatMap((p, i) => demoTrades(p, 7000 + 100 * k + i));
  // A wallet's "shape" is its role in the demo pair: equal shapes must find equal moments.
  const role = new Map(pairs.flatMap((p) => [[p.paperHands, 'paperHands'], [p.bagHolder, 'bagHolder']] as const));
  return { wallets, transactions, role };
}

describe('the production shape under faults', () => {
  const sets = Array.from({ length: 5 }, (_, k) => walletSet(k));
  const rpc = new SolanaRpcReplayServer();
  const market = new MarketReplayServer();
  const prefix = `oof_f${process.pid}_`;
  let stack: ProductionStack;
  let db: Db;
  const auth = () => ({ authorization: `Bearer ${mintServiceToken(SECRET, 'faults')}` });

  beforeAll(async () => {
    const { prices } = demoDataset();
    for (const s of sets) rpc.add(s.transactions);
    for (const [mint, points] of Object.entries(prices)) market.setToken(mint, { decimals: mint === SOL ? 9 : 6, history: points });
    market.setToken(USDC, { decimals: 6, live: '1' });
    await rpc.start();
    await market.start();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'oof-faults-'));
    stack = await startProductionStack({
      dataDir,
      embeddedPostgresPort: await lowFreePort(),
      temporalDatabaseUrl: testEnv().adminDatabaseUrl,
      temporalDatabasePrefix: prefix,
      temporalPort: await lowFreePort(),
      uiPort: false,
      freePorts: true,
      silent: true,
      env: {
        APP_SECRET: SECRET, HELIUS_WEBHOOK_AUTH: WEBHOOK_AUTH, ALERTS_ENCRYPTION_KEY: 'fa'.repeat(32), SERVICE_IDS: 'faults', LOG_LEVEL: 'warn', DATA_DIR: dataDir,
        RPC_PRIMARY: rpc.url, JUPITER_BASE_URL: market.url, PRICE_HISTORY_PROVIDER: 'birdeye', PRICE_HISTORY_BASE_URL: market.url, PRICE_HISTORY_API_KEY: 'x',
        RATE_LIMIT_IP_PER_MINUTE: '100000', RATE_LIMIT_USER_PER_MINUTE: '100000', RATE_LIMIT_WALLET_ANALYSES_PER_HOUR: '1000', ANALYSES_PER_USER_PER_DAY: '10000',
        SHUTDOWN_GRACE_MS: '2000',
      },
      log: () => undefined,
    });
    db = createDb(stack.databaseUrl, { poolMax: 2 });
  }, 240_000);

  afterAll(async () => {
    await db?.destroy();
    await stack?.stop();
    await rpc.stop();
    await market.stop();
    const admin = createDb(testEnv().adminDatabaseUrl, { poolMax: 1 });
    for (const name of Object.values(TEMPORAL_DATABASES)) await admin.raw('drop database if exists ?? with (force)', [`${prefix}${name}`]);
    await admin.destroy();
  }, 120_000);

  async function analyze(wallets: string[], gateway = stack.gateways[0]!.url): Promise<string> {
    const res = await fetch(`${gateway}/v1/analyze`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body: JSON.stringify({ wallets }) });
    expect(res.status).toBe(202);
    return ((await res.json()) as { analysisId: string }).analysisId;
  }

  async function completed(analysisId: string, timeoutMs = 150_000): Promise<void> {
    const status = await eventually(async () => {
      for (const g of stack.gateways) {
        try {
          const res = await fetch(`${g.url}/v1/analyses/${analysisId}`, { headers: auth() });
          if (!res.ok) continue;
          const body = (await res.json()) as { status: string };
          return body.status === 'running' || body.status === 'pending' ? undefined : body.status;
        } catch {
          // that gateway is down: ask the other
        }
      }
      return undefined;
    }, timeoutMs, 500);
    expect(status).toBe('completed');
  }

  /** Moments per (role, kind, mint) for a set, and how often each moment was announced as created. */
  async function outcome(set: ReturnType<typeof walletSet>) {
    const rows = await db('moments').whereIn('wallet', set.wallets).select('id', 'wallet', 'kind', 'mint');
    const shape = rows.map((r: any) => `${set.role.get(r.wallet)} ${r.kind} ${r.mint}`);
    const counts: Record<string, number> = {};
    for (const s of shape) counts[s] = (counts[s] ?? 0) + 1;
    const created = await db('moment_events').whereIn('moment_id', rows.map((r: any) => r.id)).where({ type: 'moment.created' }).select('moment_id').count('* as n').groupBy('moment_id');
    return { moments: rows.length, counts, duplicates: created.filter((c: any) => Number(c.n) !== 1).length, announced: created.length };
  }

  let baseline: Awaited<ReturnType<typeof outcome>>;

  it('an undisturbed 25-wallet analysis completes (the baseline the faults are compared with)', async () => {
    await completed(await analyze(sets[0]!.wallets));
    baseline = await outcome(sets[0]!);
    expect(baseline.moments).toBeGreaterThanOrEqual(25);
    expect(baseline.duplicates).toBe(0);
    expect(baseline.announced).toBe(baseline.moments);
  }, 200_000);

  it('SIGKILL one worker mid-analysis: its work moves to the other, nothing is lost or doubled', async () => {
    const id = await analyze(sets[1]!.wallets);
    await new Promise((r) => setTimeout(r, 1500));
    await stack.workers[0]!.kill('SIGKILL');
    await completed(id);
    const got = await outcome(sets[1]!);
    expect(got.counts).toEqual(baseline.counts);
    expect(got.duplicates).toBe(0);
    expect(got.announced).toBe(got.moments);
  }, 200_000);

  it('restart the Temporal server mid-analysis: everything completes, nothing stuck or doubled', async () => {
    const id = await analyze(sets[2]!.wallets);
    await new Promise((r) => setTimeout(r, 1500));
    await stack.temporal.stop();
    await new Promise((r) => setTimeout(r, 2000));
    await stack.temporal.start();
    await completed(id, 200_000);
    const got = await outcome(sets[2]!);
    expect(got.counts).toEqual(baseline.counts);
    expect(got.duplicates).toBe(0);
  }, 260_000);

  it('SIGKILL a gateway: a stream client fails over to the other with Last-Event-ID and misses nothing', async () => {
    const set = sets[3]!;
    const wallet = set.wallets[1]!; // a bagHolder: several moments
    const received: number[] = [];
    let lastId = '';
    const open = (base: string) => {
      const es = new EventSource(`${base}/v1/stream/moments?wallet=${wallet}`, {
        fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...auth(), ...(lastId ? { 'last-event-id': lastId } : {}) } }),
      });
      for (const type of ['moment.created', 'moment.updated', 'moment.finalized']) {
        es.addEventListener(type, (e) => { received.push(Number(e.lastEventId)); lastId = e.lastEventId; });
      }
      return es;
    };
    let es = open(stack.gateways[0]!.url);
    try {
      await new Promise<void>((r) => { es.onopen = () => r(); });
      const id = await analyze(set.wallets, stack.gateways[1]!.url);
      await eventually(async () => (received.length >= 1 ? true : undefined), 120_000, 100);
      await stack.gateways[0]!.process.kill('SIGKILL');
      es.close();
      es = open(stack.gateways[1]!.url);
      await completed(id);
      const events = await db('moment_events as e').join('moments as m', 'm.id', 'e.moment_id').where('m.wallet', wallet).select('e.id');
      expect(events.length).toBeGreaterThanOrEqual(2);
      await eventually(async () => (received.length >= events.length ? true : undefined), 20_000, 100);
      await new Promise((r) => setTimeout(r, 300));
      expect(received.sort((a, b) => a - b)).toEqual(events.map((e: any) => Number(e.id)).sort((a: number, b: number) => a - b));
    } finally {
      es.close();
    }
  }, 200_000);

  it('restart the application Postgres under webhook load: 503 problems while down, every accepted delivery stored once, workers recover', async () => {
    const wallet = demoAddress(424242);
    const batches = Array.from({ length: 30 }, (_, i) => enhancedSwaps(wallet, 50, 9000 + i));
    const accepted = new Set<string>();
    const statuses: number[] = [];
    let downSince: number | undefined;
    let unavailableMs = 0;
    // Helius retries a delivery that did not get a 2xx; so does this loader, a bounded number of times.
    const post = async (batch: any[]) => {
      for (let attempt = 0; attempt < 60; attempt++) {
        try {
          const res = await fetch(`${stack.indexer.url}/webhooks/helius`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: WEBHOOK_AUTH }, body: JSON.stringify(batch) });
          statuses.push(res.status);
          if (res.status === 200) {
            if (downSince !== undefined) { unavailableMs += Date.now() - downSince; downSince = undefined; }
            for (const t of batch) accepted.add(t.signature);
            return;
          }
          expect(res.status).toBe(503);
          expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
          downSince ??= Date.now();
        } catch {
          statuses.push(0);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const load = (async () => { for (const b of batches) { await post(b); await new Promise((r) => setTimeout(r, 100)); } })();
    await new Promise((r) => setTimeout(r, 800));
    await db.destroy();
    await stack.postgres!.restart();
    db = createDb(stack.databaseUrl, { poolMax: 2 });
    await load;
    expect(accepted.size).toBe(30 * 50);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const stored = await db('transactions').whereIn('signature', [...accepted]).count('* as n');
    expect(Number(stored[0]!.n)).toBe(accepted.size);
    // The workers were not restarted: they reconnect and finish a new analysis.
    await completed(await analyze(sets[4]!.wallets));
    expect((await outcome(sets[4]!)).counts).toEqual(baseline.counts);
    console.log(`postgres restart: ${accepted.size} accepted, ${accepted.size} stored, ${statuses.filter((s) => s === 503).length} × 503, ~${unavailableMs} ms without a 200`);
  }, 240_000);
});
