import { mintServiceToken } from '../../gateway/auth/service-token';
import type { Db } from '../../lib/db';
import { eventually, startTestWorker, temporalClient, testConfig, testDb, uniqueQueue } from '../helpers/env';
import { postJson, startTestGateway, type TestGateway } from '../helpers/gateway';
import { progressQuery } from '../../workflows';

const WALLET = '8WL4ZcDKkTmtjcAHnwV7W7Z7mXpS9BpaYg1B8dyq5JnS';
const OTHER = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';

describe('analysis through the gateway, Temporal and Postgres', () => {
  let db: Db;
  let gw: TestGateway;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  const queue = uniqueQueue('analyze');

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    worker = await startTestWorker(queue, db);
    gw = await startTestGateway(testConfig({ TEMPORAL_TASK_QUEUE: queue }), db, temporal.client);
  });
  afterAll(async () => {
    await gw?.close();
    await worker?.stop();
    await temporal?.close();
    await db?.destroy();
  });

  it('accepts wallets, runs one child per wallet and reports completion', async () => {
    const res = await postJson(`${gw.url}/v1/analyze`, { wallets: [WALLET, OTHER, WALLET] });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body.analysisId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(body.wallets).toEqual([WALLET, OTHER]);
    expect(res.headers.get('location')).toBe(`/v1/analyses/${body.analysisId}`);

    const done = await eventually(async () => {
      const r = await (await fetch(`${gw.url}${body.links.self}`)).json();
      return r.status === 'completed' ? r : undefined;
    });
    expect(done.progress).toMatchObject({ totalWallets: 2, completedWallets: 2, failedWallets: 0 });
    expect(done.progress.wallets[WALLET].stage).toBe('completed');
    expect(done.finishedAt).not.toBeNull();

    const handle = temporal.client.workflow.getHandle(`analysis/${body.analysisId}`);
    expect(await handle.result()).toMatchObject({ status: 'completed', wallets: [{ wallet: WALLET }, { wallet: OTHER }] });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const progress = await handle.query(progressQuery);
    expect(progress).toMatchObject({ totalWallets: 2, completedWallets: 2 });

    // Visibility is eventually consistent: the child is found by its Wallet search attribute.
    const found = await eventually(async () => {
      const ids: string[] = [];
      for await (const wf of temporal.client.workflow.list({ query: `Wallet='${OTHER}' AND AnalysisId='${body.analysisId}'` })) ids.push(wf.workflowId);
      return ids.length ? ids : undefined;
    });
    expect(found).toEqual([`analysis/${body.analysisId}/${OTHER}`]);
  });

  it.each([
    ['a bad address', { wallets: ['not-an-address'] }, /wallets\.0: "not-an-address" is not a Solana address/],
    ['an empty list', { wallets: [] }, /give at least one wallet/],
    ['more than 25 wallets', { wallets: Array.from({ length: 26 }, () => WALLET) }, /at most 25 wallets/],
    ['no wallets field', {}, /wallets/],
    ['an unknown field', { wallets: [WALLET], wallet: WALLET }, /wallet/],
    ['a bad date', { wallets: [WALLET], from: 'yesterday' }, /from/],
    ['from after to', { wallets: [WALLET], from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, /from must be before to/],
    ['malformed JSON', '{"wallets": [', /not valid JSON/],
  ])('rejects %s with a 400 problem', async (_why, body, detail) => {
    const res = await postJson(`${gw.url}/v1/analyze`, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const p = await res.json();
    expect(p).toMatchObject({ type: expect.any(String), title: 'Bad Request', status: 400 });
    expect(p.detail).toMatch(detail);
    expect(JSON.stringify(p)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('rejects a non-JSON body with 415 and an oversized one with 413', async () => {
    const form = await fetch(`${gw.url}/v1/analyze`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(form.status).toBe(415);
    const big = await postJson(`${gw.url}/v1/analyze`, { wallets: [WALLET], pad: 'x'.repeat(200_000) });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('answers 400 for a malformed analysis id and 404 for an unknown one', async () => {
    const bad = await fetch(`${gw.url}/v1/analyses/nope`);
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${gw.url}/v1/analyses/01ARZ3NDEKTSV4RRFFQ69G5FAV`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).detail).toMatch(/no analysis/);
    const route = await fetch(`${gw.url}/v1/nothing-here`);
    expect(route.status).toBe(404);
    expect(route.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('reports liveness and readiness of Postgres and Temporal', async () => {
    expect(await (await fetch(`${gw.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${gw.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { postgres: { ok: true }, temporal: { ok: true } } });
  });

  it('carries X-Request-Id through', async () => {
    const res = await fetch(`${gw.url}/health`, { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const fresh = await fetch(`${gw.url}/health`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('requires credentials when anonymous access is off', async () => {
    const strict = await startTestGateway(testConfig({ TEMPORAL_TASK_QUEUE: queue, AUTH_ALLOW_ANONYMOUS: 'false', SERVICE_IDS: 'indexer' }), db, temporal.client);
    try {
      const res = await postJson(`${strict.url}/v1/analyze`, { wallets: [WALLET] });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/Bearer/);
      const ok = await postJson(`${strict.url}/v1/analyze`, { wallets: [WALLET] }, { authorization: `Bearer ${mintServiceToken(testConfig().appSecret, 'indexer')}` });
      expect(ok.status).toBe(202);
    } finally {
      await strict.close();
    }
  });
});
