import type { ChildProcess } from 'node:child_process';
import { spawnEntry, stopProcess } from '../../lib/processes';
import { MarketReplayServer } from '../../lib/replay/market-server';
import { eventually, testConfig, testEnv, uniqueQueue, useDbAndTemporal } from '../helpers/env';
import { postJson, startTestGateway, type TestGateway } from '../helpers/gateway';
import { swap, tx, USDC } from '../helpers/history';
import { storeHistory } from '../helpers/store-history';
import { watchWorkflowId } from '../../temporal/config';

const WALLET = '7Rq3Vx9Kd2Lm5Np8Tb4Wc6Yh1Zf3Gs7Ja9Ue2Ko5Pm8N';
const TOKEN = 'ReqIdTokenMint1111111111111111111111111111A';
const REQUEST_ID = `req-${Date.now().toString(36)}`;

describe('a request id follows an analysis from the gateway into every worker log line', () => {
  const t = useDbAndTemporal();
  const market = new MarketReplayServer();
  const queue = uniqueQueue('reqid');
  const lines: Array<Record<string, any>> = [];
  let worker: ChildProcess;
  let gw: TestGateway;

  beforeAll(async () => {
    market.setToken(TOKEN, { decimals: 6, live: '1' });
    await market.start();
    worker = spawnEntry('workers/main.ts', {
      DATABASE_URL: testEnv().databaseUrl, TEMPORAL_ADDRESS: testEnv().temporalAddress, TEMPORAL_TASK_QUEUE: queue,
      JUPITER_BASE_URL: market.url, LOG_LEVEL: 'debug', TEMPORAL_LOG_LEVEL: 'DEBUG', ENVIRONMENT: 'test',
    }, { silent: true });
    let partial = '';
    worker.stdout!.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop()!;
      for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p));
    });
    gw = await startTestGateway(testConfig({ TEMPORAL_TASK_QUEUE: queue }), t.db, t.client);
  });
  t.beforeClose(async () => {
    await gw?.close();
    if (worker) await stopProcess(worker);
    await market.stop();
  });

  it('tags the workflow, child, activity and watch log lines with the caller’s X-Request-Id', async () => {
    const trade = { ...tx(Date.now() - 60_000, [swap(TOKEN, '100', USDC, '100')]), wallet: WALLET };
    await storeHistory(t.db, [trade]);
    const res = await postJson(`${gw.url}/v1/analyze`, { wallets: [WALLET] }, { 'x-request-id': REQUEST_ID });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-request-id')).toBe(REQUEST_ID);
    const { analysisId } = await res.json();
    await t.client.workflow.getHandle(`analysis/${analysisId}`).result();
    const watchId = watchWorkflowId({ wallet: WALLET, signature: trade.signature, mint: TOKEN });
    // The watch is started from inside an activity: it inherits the id through the worker's own client, and its
    // own (local) activity that registers its price alarm logs with it.
    await eventually(async () => (lines.some((l) => l.workflowId === watchId && l.activityType) ? true : undefined), 20_000);
    await t.client.workflow.getHandle(watchId).terminate('test done');

    const ours = lines.filter((l) => typeof l.workflowId === 'string' && (l.workflowId.includes(analysisId) || l.workflowId === `backfill/${WALLET}` || l.workflowId === watchId));
    const missing = ours.filter((l) => l.requestId !== REQUEST_ID).map((l) => `${l.workflowId} ${l.activityType ?? ''} ${l.msg}`);
    expect(missing).toEqual([]);
    const kinds = (pred: (l: Record<string, any>) => boolean) => ours.filter(pred).length;
    expect(kinds((l) => l.msg === 'Activity started' && l.activityType)).toBeGreaterThanOrEqual(5);
    expect(kinds((l) => l.msg === 'Activity completed' && l.activityType)).toBeGreaterThanOrEqual(5);
    expect(kinds((l) => l.msg === 'wallet analysed')).toBe(1);
    expect(kinds((l) => l.workflowId === `backfill/${WALLET}`)).toBeGreaterThan(0);
    expect(kinds((l) => l.workflowId === watchId && l.msg === 'Activity started')).toBe(1);
    // Work nobody requested (the worker's own start-up) carries no invented id.
    expect(lines.find((l) => l.msg === 'worker running')?.requestId).toBeUndefined();
  }, 60_000);
});
