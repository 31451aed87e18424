import { Connection, Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { WebhookDispatcher } from '../../gateway/webhooks/dispatcher';
import type { Db } from '../../lib/db';
import { eventually, startTestWorker, temporalClient, testConfig, testDb, testLog, uniqueQueue } from '../helpers/env';
import { expectedActionRows, storedActionRows } from '../helpers/expected-rows';
import { enhancedSwaps } from '../helpers/enhanced';
import { readJson } from '../helpers/fixtures';
import { postJson, startTestGateway, type TestGateway } from '../helpers/gateway';

const AUTH = 'Bearer s3cret-webhook-value';
const sample = readJson('apis/helius-enhanced-swap-jupiter.json');
const WALLET = '7jLvewHCzyacsryPWARgZGhN9c61ibhAvcrFhfKaEdTy';
const enhancedBatch = (n: number, seed: number) => enhancedSwaps(WALLET, n, seed);

async function signalledSignatures(client: Client, wallet: string): Promise<string[]> {
  const history = await client.workflow.getHandle(`wallet/${wallet}`).fetchHistory();
  const out: string[] = [];
  for (const e of history.events ?? []) {
    const payloads = e.workflowExecutionSignaledEventAttributes?.input?.payloads;
    if (e.workflowExecutionSignaledEventAttributes?.signalName === 'transactions' && payloads?.[0]) {
      out.push(...(defaultPayloadConverter.fromPayload(payloads[0]) as { signatures: string[] }).signatures);
    }
  }
  return out;
}

describe('POST /webhooks/helius', () => {
  let db: Db;
  let gw: TestGateway;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let worker: Awaited<ReturnType<typeof startTestWorker>> | undefined;
  let dispatcher: WebhookDispatcher;
  const queue = uniqueQueue('webhook');
  const url = () => `${gw.url}/webhooks/helius`;

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    worker = await startTestWorker(queue, db);
    dispatcher = new WebhookDispatcher({ db, temporal: temporal.client, taskQueue: queue, log: testLog, idleMs: 100 });
    dispatcher.start();
    gw = await startTestGateway(testConfig({ TEMPORAL_TASK_QUEUE: queue, HELIUS_WEBHOOK_AUTH: AUTH, WEBHOOK_MAX_BYTES: '2000000', WEBHOOK_MAX_ITEMS: '200' }), db, temporal.client, () => dispatcher.nudge());
    await db('tracked_wallets').insert({ wallet: WALLET }).onConflict('wallet').ignore();
  });
  afterAll(async () => {
    await gw?.close();
    await dispatcher?.stop();
    await worker?.stop();
    await temporal?.close();
    await db?.destroy();
  });

  it('stores each transaction once and signals the actor once per new transaction, however often it is delivered', async () => {
    const batch = enhancedBatch(40, 1);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 10 }, () => postJson(url(), batch, { authorization: AUTH })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const bodies = await Promise.all(answers.map((a) => a.json()));
    expect(bodies.reduce((n, b) => n + b.new, 0)).toBe(40);
    expect(Date.now() - started).toBeLessThan(5000);
    const sigs = batch.map((t) => t.signature);
    expect(Number((await db('transactions').whereIn('signature', sigs).count({ n: '*' }).first())?.n)).toBe(40);

    await eventually(async () => ((await storedActionRows(db, WALLET)).length >= 40 ? true : undefined), 30_000);
    const signalled = await signalledSignatures(temporal.client, WALLET);
    expect(signalled.filter((s) => sigs.includes(s)).sort()).toEqual([...sigs].sort());
    expect(await storedActionRows(db, WALLET)).toEqual(expectedActionRows(batch, WALLET));

    // A late duplicate of the whole batch changes nothing and signals nobody.
    const again = await postJson(url(), batch, { authorization: AUTH });
    expect(await again.json()).toEqual({ received: 40, new: 0 });
    await new Promise((r) => setTimeout(r, 400));
    expect((await signalledSignatures(temporal.client, WALLET)).filter((s) => sigs.includes(s))).toHaveLength(40);
  });

  it('accepts raw webhook items too, failed ones included', async () => {
    const raw = readJson('apis/helius-webhook-raw.json');
    const res = await postJson(url(), raw, { authorization: AUTH });
    expect(await res.json()).toEqual({ received: 1, new: 1 });
    const row = await db('transactions').where({ signature: raw[0].transaction.signatures[0] }).first();
    expect(row).toMatchObject({ source: 'helius-webhook-raw', failed: false });
  });

  it.each([
    ['no Authorization', {}, [{}], 401],
    ['a wrong secret', { authorization: 'Bearer nope' }, [{}], 401],
    ['a secret that only starts right', { authorization: `${AUTH}x` }, [{}], 401],
  ])('answers %s with 401', async (_why, headers, body, status) => {
    const res = await postJson(url(), body, headers as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it.each([
    ['malformed JSON', '[{"signature": ', 400, /not valid JSON/],
    ['an object instead of an array', { signature: 'x' }, 400, /must be a JSON array/],
    ['an empty array', [], 400, /no transactions/],
    ['an item that is not a transaction', [sample, { hello: 'world' }], 400, /transaction \[1\]: not a transaction/],
    ['too many items', Array.from({ length: 201 }, () => ({})), 413, /at most 200/],
  ])('answers %s with the right 4xx', async (_why, body, status, detail) => {
    const res = await postJson(url(), body, { authorization: AUTH });
    expect(res.status).toBe(status);
    expect((await res.json()).detail).toMatch(detail);
  });

  it('refuses an oversized body before reading it, and a non-JSON one', async () => {
    const big = await fetch(url(), { method: 'POST', headers: { authorization: AUTH, 'content-type': 'application/json' }, body: `[${'"x",'.repeat(600_000)}"x"]` });
    expect(big.status).toBe(413);
    const text = await fetch(url(), { method: 'POST', headers: { authorization: AUTH, 'content-type': 'text/plain' }, body: '[]' });
    expect(text.status).toBe(415);
  });

  it('loses nothing while the worker is down or Temporal is unreachable', async () => {
    await worker!.stop();
    worker = undefined;
    // A dispatcher that cannot reach Temporal leaves the rows waiting…
    const deadConn = await Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 200 });
    const dead = new WebhookDispatcher({ db, temporal: new Client({ connection: deadConn }), taskQueue: queue, log: testLog, signalTimeoutMs: 1000 });
    await dispatcher.stop();
    const batch = enhancedBatch(15, 2);
    const res = await postJson(url(), batch, { authorization: AUTH });
    expect(await res.json()).toEqual({ received: 15, new: 15 });
    await expect(dead.dispatchBatch()).rejects.toThrow();
    const waiting = await db('transactions').whereIn('signature', batch.map((t) => t.signature)).whereNull('dispatched_at').count({ n: '*' }).first();
    expect(Number(waiting?.n)).toBe(15);
    await deadConn.close().catch(() => undefined);
    // …a working one signals the actor, which waits for a worker…
    dispatcher.start();
    await eventually(async () => {
      const left = await db('transactions').whereIn('signature', batch.map((t) => t.signature)).whereNull('dispatched_at').count({ n: '*' }).first();
      return Number(left?.n) === 0 ? true : undefined;
    });
    // …and the worker, once back, ingests every one of them.
    worker = await startTestWorker(queue, db);
    await eventually(async () => {
      const rows = await storedActionRows(db, WALLET);
      return batch.every((t) => rows.some((r) => r.startsWith(`${t.signature}|`))) ? true : undefined;
    }, 30_000);
  });
});
