import type { ChildProcess } from 'node:child_process';
import type { Db } from '../../lib/db';
import { spawnEntry, stopProcess } from '../../lib/processes';
import { MarketReplayServer } from '../../lib/replay/market-server';
import { OofWorkflows } from '../../temporal/client';
import { DEFAULTS, watchWorkflowId } from '../../temporal/config';
import { createActivities } from '../../activities';
import { JupiterClient } from '../../adapters/pricing/jupiter';
import { eventually, startTestWorker, temporalClient, testDb, testEnv, uniqueQueue } from '../helpers/env';
import { storeHistory } from '../helpers/store-history';
import { swap, tx, USDC } from '../helpers/history';
import { refreshPrices } from '../../workflows';

const TOKEN = 'WatchTokenMint11111111111111111111111111111';

async function eventsFor(db: Db, wallet: string): Promise<Array<{ type: string; status: string; missedUsd: string }>> {
  const rows = await db('moment_events as e').join('moments as m', 'm.id', 'e.moment_id').where('m.wallet', wallet).orderBy('e.id').select('e.type', 'e.payload');
  return rows.map((r: any) => ({ type: r.type, status: r.payload.status, missedUsd: r.payload.missedUsd }));
}

describe('postTradeWatch on the real Temporal server: a price alarm woken by the refresh', () => {
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  const market = new MarketReplayServer();

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    await market.start();
  });
  afterAll(async () => {
    await market.stop();
    await temporal?.close();
    await db?.destroy();
  });

  const refresh = (queue: string) => temporal.client.workflow.execute(refreshPrices, { taskQueue: queue, workflowId: uniqueQueue('refresh') });

  it('costs nothing until the price crosses; then publishes, updates a bounded number of times, and finalises once', async () => {
    const queue = uniqueQueue('watch');
    const worker = await startTestWorker(queue, db, { jupiterUrl: market.url });
    const workflows = new OofWorkflows(temporal.client, queue);
    try {
      const wallet = '3Kz2m5Vw8J9Q7c1uNf4rXy6Tb2Ld8Hs5Pa9Ee3Gk7Mn1';
      const mint = `${TOKEN.slice(0, -1)}A`;
      market.setToken(mint, { decimals: 6, live: '1' });
      const sell = { ...tx(Date.now() - 500, [swap(mint, '100', USDC, '100')]), wallet };
      await storeHistory(db, [sell]);
      const watch = { wallet, signature: sell.signature, mint, side: 'sell' as const, atMs: Date.parse(sell.blockTime!), tradePrice: '1', quantity: '100', windowMs: 15_000 };
      expect(await workflows.startWatch(watch)).toBe('started');
      const id = watchWorkflowId(watch);
      // S2E at 100 sold for $1: +25 % and $25 both first hold at $1.25.
      const alarm = await eventually(async () => db('price_alarms').where({ watch_id: id }).first());
      expect(alarm).toMatchObject({ mint, direction: 'up', step: 0 });
      expect(Number(alarm.trigger)).toBe(1.25);
      expect(await refresh(queue)).toMatchObject({ crossed: 0, signalled: 0 });
      market.setLive(mint, '1.2');
      expect(await refresh(queue)).toMatchObject({ crossed: 0, signalled: 0 });
      expect(await eventsFor(db, wallet)).toEqual([]);
      const idle = await temporal.client.workflow.getHandle(id).fetchHistory();
      expect(idle.events!.length).toBeLessThanOrEqual(6); // started, one workflow task, the alarm's marker, the timer

      market.setLive(mint, '1.5');
      expect(await refresh(queue)).toMatchObject({ crossed: 1, signalled: 1 });
      await eventually(async () => ((await eventsFor(db, wallet)).length ? true : undefined), 5000, 50);
      expect(await eventsFor(db, wallet)).toEqual([{ type: 'moment.created', status: 'provisional', missedUsd: '50.00' }]);
      // The trigger moved a step worse (severity 0.6667 → at least 0.8334, i.e. +62.505 %): the same price wakes nothing.
      const moved = await eventually(async () => { const r = await db('price_alarms').where({ watch_id: id }).first(); return r.step === 1 ? r : undefined; });
      expect(Number(moved.trigger)).toBe(1.62505);
      expect(await refresh(queue)).toMatchObject({ crossed: 0, signalled: 0 });
      market.setLive(mint, '1.55');
      expect(await refresh(queue)).toMatchObject({ crossed: 0 });

      market.setLive(mint, '2');
      expect(await refresh(queue)).toMatchObject({ crossed: 1, signalled: 1 });
      await eventually(async () => ((await eventsFor(db, wallet)).length >= 2 ? true : undefined), 5000, 50).catch(async (e) => {
        throw new Error(`${e.message}: ${JSON.stringify({ events: await eventsFor(db, wallet), alarm: await db('price_alarms').where({ watch_id: id }).first(), history: (await temporal.client.workflow.getHandle(id).fetchHistory()).events!.map((x) => x.eventType) })}`);
      });
      // Full severity: no further alarm, whatever the price does.
      await eventually(async () => { const r = await db('price_alarms').where({ watch_id: id }).first(); return r.step === 2 && r.trigger === null ? true : undefined; });
      market.setLive(mint, '5');
      expect(await refresh(queue)).toMatchObject({ crossed: 0 });
      market.setLive(mint, '2');

      const result = await temporal.client.workflow.getHandle(id).result();
      expect(result).toMatchObject({ crossings: 2, final: 'final' });
      // The $5 point is stored and inside the window: the final judgement sees every stored point.
      expect(await eventsFor(db, wallet)).toEqual([
        { type: 'moment.created', status: 'provisional', missedUsd: '50.00' },
        { type: 'moment.updated', status: 'provisional', missedUsd: '100.00' },
        { type: 'moment.finalized', status: 'final', missedUsd: '400.00' },
      ]);
      expect(await db('moments').where({ wallet })).toHaveLength(1);
      expect(await db('price_alarms').where({ watch_id: id }).first()).toBeUndefined();
      const history = await temporal.client.workflow.getHandle(id).fetchHistory();
      expect(history.events!.length).toBeLessThanOrEqual(30);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it('a refresh whose worker dies is retried within the heartbeat timeout, not held until its activity times out', async () => {
    const queue = uniqueQueue('refresh-hb');
    const worker = await startTestWorker(queue, db, { jupiterUrl: market.url });
    try {
      const id = uniqueQueue('refresh');
      await temporal.client.workflow.execute(refreshPrices, { taskQueue: queue, workflowId: id });
      const scheduled = ((await temporal.client.workflow.getHandle(id).fetchHistory()).events ?? [])
        .map((e) => e.activityTaskScheduledEventAttributes).filter((a) => a?.activityType?.name);
      expect(scheduled.map((a) => a!.activityType!.name).sort()).toEqual(['refreshTokens', 'snapshotPrices']);
      // The schedule skips a refresh while one runs (overlap SKIP): without a heartbeat timeout a refresh caught by a
      // dying worker held every price alarm back for the activity's whole timeout (5 minutes for the token refresh).
      for (const a of scheduled) expect(Number(a!.heartbeatTimeout?.seconds ?? 0)).toBeGreaterThan(0);
      for (const a of scheduled) expect(Number(a!.heartbeatTimeout!.seconds)).toBeLessThanOrEqual(DEFAULTS.heartbeatTimeoutMs / 1000);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it('a replayed refresh signals nothing twice, and a repeated signal judges nothing twice', async () => {
    const queue = uniqueQueue('watch-replay');
    const workflows = new OofWorkflows(temporal.client, queue);
    const wallet = '7Rt5b8Wx2Fk9Rt7Ym3Lc5Jd1Vs8Ph6Ga4Nz2Ke9Uo3Tc';
    const mint = `${TOKEN.slice(0, -1)}C`;
    market.setToken(mint, { decimals: 6, live: '1' });
    const sell = { ...tx(Date.now() - 500, [swap(mint, '100', USDC, '100')]), wallet };
    await storeHistory(db, [sell]);
    const watch = { wallet, signature: sell.signature, mint, side: 'sell' as const, atMs: Date.parse(sell.blockTime!), tradePrice: '1', quantity: '100', windowMs: 60_000 };
    let worker: Awaited<ReturnType<typeof startTestWorker>> | undefined = await startTestWorker(queue, db, { jupiterUrl: market.url });
    const id = watchWorkflowId(watch);
    try {
      await workflows.startWatch(watch);
      await eventually(async () => db('price_alarms').where({ watch_id: id }).first());
      await worker.stop();
      worker = undefined;
      // No worker: the watch cannot move its trigger, so the crossing stays crossed for every refresh that follows.
      const { snapshotPrices } = createActivities({ db, jupiter: new JupiterClient({ baseUrl: market.url }), workflows });
      market.setLive(mint, '1.5');
      expect(await snapshotPrices()).toMatchObject({ crossed: 1, signalled: 1 });
      expect(await snapshotPrices()).toMatchObject({ crossed: 0, signalled: 0 });
      // A refresh that died after signalling, before recording it, signals again: the watch takes it once.
      await db('price_alarms').where({ watch_id: id }).update({ signalled_step: null });
      expect(await snapshotPrices()).toMatchObject({ crossed: 1, signalled: 1 });
      worker = await startTestWorker(queue, db, { jupiterUrl: market.url });
      await eventually(async () => { const r = await db('price_alarms').where({ watch_id: id }).first(); return r.step === 1 ? r : undefined; });
      await new Promise((r) => setTimeout(r, 1000));
      expect(await eventsFor(db, wallet)).toEqual([{ type: 'moment.created', status: 'provisional', missedUsd: '50.00' }]);
      const history = await temporal.client.workflow.getHandle(id).fetchHistory();
      expect(history.events!.filter((e) => e.markerRecordedEventAttributes).length).toBe(2); // armed, judged once
    } finally {
      await temporal.client.workflow.getHandle(id).terminate('test done').catch(() => undefined);
      await worker?.stop();
    }
  }, 60_000);

  it('watches both wallets on either side of one trade (the wallet is part of the watch id)', async () => {
    const queue = uniqueQueue('watch-both');
    const workflows = new OofWorkflows(temporal.client, queue);
    const mint = `${TOKEN.slice(0, -1)}D`;
    const signature = tx(Date.now(), []).signature;
    const seller = '9Sx4b6Wx2Fk9Rt7Ym3Lc5Jd1Vs8Ph6Ga4Nz2Ke9Uo3Td';
    const buyer = '4By4b6Wx2Fk9Rt7Ym3Lc5Jd1Vs8Ph6Ga4Nz2Ke9Uo3Te';
    const { startWatches } = createActivities({ db, workflows });
    const trades = [
      { wallet: seller, signature, mint, side: 'sell' as const, atMs: Date.now(), tradePrice: '1', quantity: '100' },
      { wallet: buyer, signature, mint, side: 'buy' as const, atMs: Date.now(), tradePrice: '1', quantity: '100' },
    ];
    try {
      expect(await startWatches(trades, { windowMs: 60_000 })).toMatchObject({ started: 2, alreadyWatched: 0 });
      expect(await startWatches(trades, { windowMs: 60_000 })).toMatchObject({ started: 0, alreadyWatched: 2 });
      expect(watchWorkflowId(trades[0]!)).toBe(`watch/${seller}/${signature}/${mint}`);
      for (const t of trades) expect(await workflows.status(watchWorkflowId(t))).toBe('RUNNING');
    } finally {
      for (const t of trades) await temporal.client.workflow.getHandle(watchWorkflowId(t)).terminate('test done').catch(() => undefined);
    }
  }, 30_000);

  it("moves a BHD watch's trigger when a later sell shrinks the lot it judges", async () => {
    const queue = uniqueQueue('watch-held');
    const worker = await startTestWorker(queue, db, { jupiterUrl: market.url });
    const workflows = new OofWorkflows(temporal.client, queue);
    const { startWatches } = createActivities({ db, workflows });
    const buy = { wallet: '5Hd4b6Wx2Fk9Rt7Ym3Lc5Jd1Vs8Ph6Ga4Nz2Ke9Uo3Tf', signature: tx(Date.now(), []).signature, mint: `${TOKEN.slice(0, -1)}E`, side: 'buy' as const, atMs: Date.now(), tradePrice: '1' };
    const id = watchWorkflowId(buy);
    const trigger = async () => (await db('price_alarms').where({ watch_id: id }).first())?.trigger;
    try {
      await startWatches([{ ...buy, quantity: '100' }], { windowMs: 60_000 });
      // 100 held: −30 % binds ($30 ≥ $25).
      expect(Number(await eventually(trigger))).toBe(0.7);
      // 50 held: $25 needs −50 %.
      expect(await startWatches([{ ...buy, quantity: '50' }], { windowMs: 60_000 })).toMatchObject({ alreadyWatched: 1, holdingsUpdated: 1 });
      expect(Number(await trigger())).toBe(0.5);
      // Nothing held: no price can make a BHD of it, so nothing wakes the watch (its mint is still fetched for its end).
      await startWatches([{ ...buy, quantity: '0' }], { windowMs: 60_000 });
      expect(await trigger()).toBeNull();
      expect(await db('price_alarms').where({ watch_id: id }).first()).toMatchObject({ mint: buy.mint });
    } finally {
      await temporal.client.workflow.getHandle(id).terminate('test done').catch(() => undefined);
      await worker.stop();
    }
  }, 30_000);

  it('resumes after its worker is killed, without publishing anything twice', async () => {
    const queue = uniqueQueue('watch-kill');
    const workflows = new OofWorkflows(temporal.client, queue);
    const wallet = '8Qn4b6Wx2Fk9Rt7Ym3Lc5Jd1Vs8Ph6Ga4Nz2Ke9Uo3Tb';
    const mint = `${TOKEN.slice(0, -1)}B`;
    market.setToken(mint, { decimals: 6, live: '1' });
    const env = { DATABASE_URL: testEnv().databaseUrl, TEMPORAL_ADDRESS: testEnv().temporalAddress, TEMPORAL_TASK_QUEUE: queue, JUPITER_BASE_URL: market.url, LOG_LEVEL: 'info', ENVIRONMENT: 'test' };
    // A worker process bundles its workflows at start: on a busy machine that takes a while, so the trade happens
    // once the worker says it is running (its stdout is drained all along).
    const spawnWorker = async () => {
      const w = spawnEntry('workers/main.ts', env, { silent: true });
      await new Promise<void>((resolve, reject) => {
        w.stdout!.on('data', (b: Buffer) => { if (b.toString().includes('worker running')) resolve(); });
        w.stderr!.resume();
        w.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
      return w;
    };
    let worker: ChildProcess = await spawnWorker();
    const sell = { ...tx(Date.now(), [swap(mint, '100', USDC, '100')]), wallet };
    await storeHistory(db, [sell]);
    try {
      const watch = { wallet, signature: sell.signature, mint, side: 'sell' as const, atMs: Date.parse(sell.blockTime!), tradePrice: '1', quantity: '100', windowMs: 25_000 };
      await workflows.startWatch(watch);
      const id = watchWorkflowId(watch);
      await eventually(async () => db('price_alarms').where({ watch_id: id }).first(), 20_000);
      market.setLive(mint, '1.6');
      await refresh(queue);
      await eventually(async () => ((await eventsFor(db, wallet)).length ? true : undefined), 20_000, 100);
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      worker = await spawnWorker();
      const result = await temporal.client.workflow.getHandle(id).result();
      expect(result).toMatchObject({ crossings: 1, final: 'final' });
      const events = await eventsFor(db, wallet);
      expect(events.map((e) => e.type)).toEqual(['moment.created', 'moment.finalized']);
      expect(events.every((e) => e.missedUsd === '60.00')).toBe(true);
    } finally {
      await stopProcess(worker);
    }
  }, 180_000);
});
