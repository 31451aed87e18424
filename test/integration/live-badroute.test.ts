import type { Db } from '../../lib/db';
import { MarketReplayServer } from '../../lib/replay/market-server';
import { eventually, startTestWorker, temporalClient, testDb, uniqueQueue } from '../helpers/env';
import { enhancedSwaps } from '../helpers/enhanced';
import { maintenance, transactionsSignal, walletActor } from '../../workflows';

const WALLET = 'HqR7mT2xK9vB4nD8cF3wL6yP1sJ5gZ8aU2eQ7oV4kN9X';
const SOL = 'So11111111111111111111111111111111111111112';
const TWEET = '3rsJxhSo1qpZZGsC5KTcTrwTBjxTRB34EmQ4B4DFg9t7'; // the real sample's output token

describe('live BadRoute: a fresh swap is quoted on arrival and judged against the quote', () => {
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  const market = new MarketReplayServer();
  const queue = uniqueQueue('live');

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    // 0.1 SOL at $15,000 is $1,500; the fill gave 93.549 TWEET at $16.03 ≈ the market; the best route pays 5 % more.
    market.setToken(SOL, { decimals: 9, live: '15000' });
    market.setToken(TWEET, { decimals: 8, live: '16.03' });
    market.quoteEdge = 0.05;
    await market.start();
    worker = await startTestWorker(queue, db, { jupiterUrl: market.url });
  });
  afterAll(async () => {
    await worker?.stop();
    await market.stop();
    await temporal?.close();
    await db?.destroy();
  });

  /** A Helius enhanced transaction stored (and dispatched) the way the webhook stores it. */
  const storeAsWebhook = (swap: any) => db('transactions').insert({ signature: swap.signature, slot: swap.slot, block_time: new Date(swap.timestamp * 1000), fee_lamports: String(swap.fee), failed: false, source: 'helius-webhook-enhanced', raw: JSON.stringify(swap), dispatched_at: new Date() });

  it('stores the quote, publishes a BadRoute with the quote as reference, and starts the watches', async () => {
    const [swap] = enhancedSwaps(WALLET, 1, 99).map((t) => ({ ...t, timestamp: Math.floor(Date.now() / 1000) - 5 }));
    await storeAsWebhook(swap);
    const actor = await temporal.client.workflow.signalWithStart(walletActor, {
      taskQueue: queue, workflowId: `wallet/${WALLET}`, args: [{ wallet: WALLET, quietPeriodMs: 3000, watch: { windowMs: 1500 } }],
      signal: transactionsSignal, signalArgs: [{ signatures: [swap.signature] }],
    });
    await actor.result();
    const quote = await db('route_quotes').where({ signature: swap.signature }).first();
    expect(quote).toMatchObject({ in_mint: SOL, out_mint: TWEET, provider: 'jupiter' });
    const moment = await db('moments').where({ wallet: WALLET, kind: 'BadRoute' }).first();
    expect(moment.explain).toMatchObject({ reference: 'quote', quoteProvider: 'jupiter' });
    expect(Number(moment.pct)).toBeGreaterThan(0.04);
    expect(Number(moment.missed_usd)).toBeGreaterThan(10);
    // Both legs of the fresh swap are watched.
    const watches = await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of temporal.client.workflow.list({ query: `WorkflowType = 'postTradeWatch' AND Wallet = '${WALLET}'` })) ids.push(wf.workflowId);
      return ids.length >= 2 ? ids : undefined;
    });
    expect(watches.sort()).toEqual([`watch/${WALLET}/${swap.signature}/${TWEET}`, `watch/${WALLET}/${swap.signature}/${SOL}`].sort());
  }, 60_000);

  it('asks the token registry no activity of its own per batch, and leaves the cards to their first reader', async () => {
    const wallet = 'Bq7mT2xK9vB4nD8cF3wL6yP1sJ5gZ8aU2eQ7oV4kN9Y';
    const swaps = enhancedSwaps(wallet, 2, 4242).map((t, i) => ({ ...t, timestamp: Math.floor(Date.now() / 1000) - 10 + i }));
    for (const swap of swaps) await storeAsWebhook(swap);
    const actor = await temporal.client.workflow.signalWithStart(walletActor, {
      taskQueue: queue, workflowId: `wallet/${wallet}`, args: [{ wallet, quietPeriodMs: 3000, watch: { windowMs: 1500 } }],
      signal: transactionsSignal, signalArgs: [{ signatures: [swaps[0]!.signature] }],
    });
    await eventually(async () => db('moments').where({ wallet, kind: 'BadRoute', signature: swaps[0]!.signature }).first());
    await actor.signal(transactionsSignal, { signatures: [swaps[1]!.signature] });
    await actor.result();
    expect(await db('moments').where({ wallet, kind: 'BadRoute' }).count('* as n').first()).toMatchObject({ n: '2' });
    const scheduled = new Map<string, number>();
    for (const e of (await actor.fetchHistory()).events ?? []) {
      const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
      if (type) scheduled.set(type, (scheduled.get(type) ?? 0) + 1);
    }
    // Two batches over the same two mints: registered inside each batch (a lookup of known mints), never by an
    // activity of its own; no card drawn by the worker (the gateway draws one on its first request, once, instead of
    // racing the stream's readers for it).
    expect(scheduled.get('ingestAndDetect')).toBe(2);
    expect(scheduled.get('registerTokens')).toBeUndefined();
    expect(scheduled.get('renderMomentCards')).toBeUndefined();
    expect((await db('moments').where({ wallet }).whereNotNull('card_key')).length).toBe(0);
  }, 60_000);

  it('holds a busy actor\'s watches back until it has caught up, then starts them all at once', async () => {
    const wallet = 'Eq7mT2xK9vB4nD8cF3wL6yP1sJ5gZ8aU2eQ7oV4kN9Z';
    const swaps = enhancedSwaps(wallet, 3, 7373).map((t, i) => ({ ...t, timestamp: Math.floor(Date.now() / 1000) - 10 + i }));
    for (const swap of swaps) await storeAsWebhook(swap);
    // One signature per batch: while the first two batches run, the next one is already waiting.
    const actor = await temporal.client.workflow.signalWithStart(walletActor, {
      taskQueue: queue, workflowId: `wallet/${wallet}`, args: [{ wallet, quietPeriodMs: 2000, batchSize: 1, watch: { windowMs: 1500 } }],
      signal: transactionsSignal, signalArgs: [{ signatures: swaps.map((s) => s.signature) }],
    });
    await actor.result();
    const events = (await actor.fetchHistory()).events ?? [];
    const batches = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'ingestAndDetect').length;
    const starts = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'startWatches');
    expect(batches).toBe(3);
    // Three batches' open trades, started by one activity once the queue was empty (the old actor: one per batch).
    expect(starts).toHaveLength(1);
    const watches: string[] = [];
    for await (const wf of temporal.client.workflow.list({ query: `WorkflowType = 'postTradeWatch' AND Wallet = '${wallet}'` })) watches.push(wf.workflowId);
    expect(new Set(watches.map((id) => id.split('/')[2]))).toEqual(new Set(swaps.map((s) => s.signature)));
  }, 60_000);

  /** One fresh swap into a token the registry has never seen, stored as a webhook would; the actor started on it. */
  async function swapIntoNewToken(wallet: string, mint: string, seed: number, input: Record<string, unknown> = {}) {
    market.setToken(mint, { decimals: 8, live: '16.03' });
    const [raw] = enhancedSwaps(wallet, 1, seed);
    const swap = { ...JSON.parse(JSON.stringify(raw).split(TWEET).join(mint)), timestamp: Math.floor(Date.now() / 1000) - 5 };
    await storeAsWebhook(swap);
    const actor = await temporal.client.workflow.signalWithStart(walletActor, {
      taskQueue: queue, workflowId: `wallet/${wallet}`, args: [{ wallet, quietPeriodMs: 2000, watch: { windowMs: 1500 }, ...input }],
      signal: transactionsSignal, signalArgs: [{ signatures: [swap.signature] }],
    });
    await actor.result();
    const scheduled = new Map<string, number>();
    for (const e of (await actor.fetchHistory()).events ?? []) {
      const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
      if (type) scheduled.set(type, (scheduled.get(type) ?? 0) + 1);
    }
    const token = await db('tokens').where({ mint }).first();
    const firstEvent = await db('moment_events').join('moments', 'moments.id', 'moment_events.moment_id').where({ 'moments.wallet': wallet }).min('moment_events.created_at as at').first();
    return { scheduled, token, firstEventAt: firstEvent?.at as Date | undefined };
  }

  it('registers a batch\'s new token before its moments go out, so their first readers draw the name, and nothing twice', async () => {
    const mint = 'Nw1tkn5oLz8vB4nD8cF3wL6yP1sJ5gZ8aU2eQ7oV4kN';
    const r = await swapIntoNewToken('Cq7mT2xK9vB4nD8cF3wL6yP1sJ5gZ8aU2eQ7oV4kN9Z', mint, 5151);
    expect(r.token).toBeDefined();
    expect(r.firstEventAt).toBeDefined();
    // Registered inside the batch, before the transaction that published the moments began.
    expect(r.token.fetched_at.getTime()).toBeLessThanOrEqual(r.firstEventAt!.getTime());
    expect(r.scheduled.get('registerTokens')).toBeUndefined();
    expect(r.scheduled.get('renderMomentCards')).toBeUndefined();
  }, 60_000);

  it('publishes without waiting past the budget when the registry is slow, then draws those cards again', async () => {
    const mint = 'S1owtkn5Lz8vB4nD8cF3wL6yP1sJ5gZ8aU2eQ7oV4kN';
    market.tokenSearchDelayMs = 1500;
    try {
      const r = await swapIntoNewToken('Dq7mT2xK9vB4nD8cF3wL6yP1sJ5gZ8aU2eQ7oV4kN9Z', mint, 6161, { tokenBudgetMs: 100 });
      expect(r.token).toBeDefined();
      // The moments went out first; the registration ended later, so the cards their readers drew are drawn again.
      expect(r.token.fetched_at.getTime()).toBeGreaterThan(r.firstEventAt!.getTime());
      expect(r.scheduled.get('registerTokens')).toBe(1);
      expect(r.scheduled.get('renderMomentCards')).toBe(1);
    } finally {
      market.tokenSearchDelayMs = 0;
    }
  }, 60_000);
});

describe('maintenance', () => {
  it('prunes outbox rows past the horizon, thins old snapshots to hourly, and records the run', async () => {
    const db = testDb();
    const temporal = await temporalClient();
    const queue = uniqueQueue('maint');
    const worker = await startTestWorker(queue, db);
    try {
      const mint = `Maint${Date.now()}`;
      const hour = 3_600_000;
      const old = Math.floor((Date.now() - 40 * 86_400_000) / hour) * hour; // on an hour boundary
      // Three snapshots in one hour and one in the next: thinning keeps the last of each hour.
      await db('price_points').insert([0, 10, 20, 70].map((min) => ({ mint, ts: new Date(old + min * 60_000), usd: '1', source: 'jupiter' })));
      const result = await temporal.client.workflow.execute(maintenance, { taskQueue: queue, workflowId: `maintenance/${queue}`, args: [{ outboxHorizonMs: 7 * 86_400_000, thinAfterMs: 30 * 86_400_000 }] });
      expect(result.snapshotsThinned).toBeGreaterThanOrEqual(2);
      expect(Number((await db('price_points').where({ mint }).count({ n: '*' }).first())?.n)).toBe(2); // one per hour left
      const runs = await db('maintenance_runs').orderBy('id', 'desc').first();
      expect(runs.result).toMatchObject({ snapshotsThinned: result.snapshotsThinned });
    } finally {
      await worker.stop();
      await temporal.close();
      await db.destroy();
    }
  });
});
