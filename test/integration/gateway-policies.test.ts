import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { Db } from '../../lib/db';
import { mintServiceToken } from '../../gateway/auth/service-token';
import { analysisWorkflowId } from '../../temporal/config';
import { temporalClient, testConfig, testDb, uniqueQueue } from '../helpers/env';
import { postJson, startTestGateway } from '../helpers/gateway';

const W1 = 'DgsG1iyXhZJTKWtczsS2uC2XrkLQCbS5Aw5AkhhGyGka';
const W2 = 'BSckwE8C23KskbMZg6qCKnhbxBPmoYp9zSWUWxzfqe6T';

describe('gateway policies: rate limits, CORS, security headers, Idempotency-Key', () => {
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  // No worker listens on this queue: analyses are accepted and simply wait, which is all these tests need.
  const queue = uniqueQueue('policies');

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
  });
  afterAll(async () => {
    await temporal?.close();
    await db?.destroy();
  });

  it('limits requests per address with 429, Retry-After and RateLimit-* headers', async () => {
    const gw = await startTestGateway(testConfig({ TEMPORAL_TASK_QUEUE: queue, RATE_LIMIT_IP_PER_MINUTE: '5' }), db, temporal.client);
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 7; i++) {
        last = await fetch(`${gw.url}/v1/moments`);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(last!.headers.get('ratelimit-limit')).toBe('5');
      expect(last!.headers.get('ratelimit-remaining')).toBe('0');
      expect(last!.headers.get('content-type')).toMatch(/problem\+json/);
      expect((await fetch(`${gw.url}/health`)).status).toBe(200); // health is never limited
    } finally {
      await gw.close();
    }
  });

  it('limits analyses of one wallet per hour, whatever the caller', async () => {
    const gw = await startTestGateway(testConfig({ TEMPORAL_TASK_QUEUE: queue, RATE_LIMIT_WALLET_ANALYSES_PER_HOUR: '2' }), db, temporal.client);
    try {
      const s = [];
      for (let i = 0; i < 3; i++) s.push((await postJson(`${gw.url}/v1/analyze`, { wallets: [W2] })).status);
      expect(s).toEqual([202, 202, 429]);
    } finally {
      await gw.close();
    }
  });

  it('answers CORS preflights for allowed origins only, and sets security headers', async () => {
    const gw = await startTestGateway(testConfig({ TEMPORAL_TASK_QUEUE: queue, CORS_ORIGINS: 'https://oof.app' }), db, temporal.client);
    try {
      const ok = await fetch(`${gw.url}/v1/analyze`, { method: 'OPTIONS', headers: { origin: 'https://oof.app', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' } });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://oof.app');
      expect(ok.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/);
      const evil = await fetch(`${gw.url}/v1/moments`, { headers: { origin: 'https://evil.example' } });
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
      expect(evil.headers.get('x-content-type-options')).toBe('nosniff');
      expect(evil.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    } finally {
      await gw.close();
    }
  });

  it('gives the same analysis for the same Idempotency-Key and body, even when sent at once, and 422 for another body', async () => {
    const gw = await startTestGateway(testConfig({ TEMPORAL_TASK_QUEUE: queue }), db, temporal.client);
    try {
      const key = `k-${Date.now()}`;
      const answers = await Promise.all(Array.from({ length: 5 }, () => postJson(`${gw.url}/v1/analyze`, { wallets: [W1] }, { 'idempotency-key': key })));
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
      const ids = new Set((await Promise.all(answers.map((a) => a.json()))).map((b) => b.analysisId));
      expect(ids.size).toBe(1);
      const again = await postJson(`${gw.url}/v1/analyze`, { wallets: [W1] }, { 'idempotency-key': key });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect((await again.json()).analysisId).toBe([...ids][0]);
      expect(Number((await db('analyses').where({ id: [...ids][0] }).count({ n: '*' }).first())?.n)).toBe(1);
      const other = await postJson(`${gw.url}/v1/analyze`, { wallets: [W2] }, { 'idempotency-key': key });
      expect(other.status).toBe(422);
      const bad = await postJson(`${gw.url}/v1/analyze`, { wallets: [W1] }, { 'idempotency-key': 'has spaces in it' });
      expect(bad.status).toBe(400);
    } finally {
      await gw.close();
    }
  });

  it('lets a key whose start failed (Temporal down) start anew, and then replays the analysis that did start', async () => {
    // Two replicas on one database: one whose Temporal is unreachable, one whose Temporal works.
    // No gRPC retries: the outage is answered at once instead of after the client's backoff.
    const deadConnection = await Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 200, interceptors: [] });
    const down = await startTestGateway(testConfig({ TEMPORAL_TASK_QUEUE: queue }), db, new Client({ connection: deadConnection }));
    const up = await startTestGateway(testConfig({ TEMPORAL_TASK_QUEUE: queue }), db, temporal.client);
    try {
      const key = `failed-start-${Date.now()}`;
      const since = new Date();
      const failed = await postJson(`${down.url}/v1/analyze`, { wallets: [W1] }, { 'idempotency-key': key });
      expect(failed.status).toBe(503);
      expect(failed.headers.get('retry-after')).toBe('5');
      const dead = await db('analyses').whereRaw('wallets = ?::text[]', [[W1]]).where('created_at', '>=', since).where({ status: 'failed' }).first();
      expect(dead).toBeDefined();
      // The retry starts a new analysis, not a replay of the dead one…
      const retry = await postJson(`${up.url}/v1/analyze`, { wallets: [W1] }, { 'idempotency-key': key });
      expect(retry.status).toBe(202);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      const started = (await retry.json()).analysisId;
      expect(started).not.toBe(dead.id);
      expect((await temporal.client.workflow.getHandle(analysisWorkflowId(started)).describe()).status.name).toBe('RUNNING');
      // …and from then on the key is bound to the analysis that started.
      const again = await postJson(`${up.url}/v1/analyze`, { wallets: [W1] }, { 'idempotency-key': key });
      expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([202, 'true']);
      expect((await again.json()).analysisId).toBe(started);
    } finally {
      await down.close();
      await up.close();
      await deadConnection.close().catch(() => undefined);
    }
  });
});

describe('observability', () => {
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
  });
  afterAll(async () => {
    await temporal?.close();
    await db?.destroy();
  });

  it('exposes Prometheus metrics labelled by route pattern, never by raw path', async () => {
    const gw = await startTestGateway(testConfig({ METRICS_TOKEN: 'metrics-token-0123456789' }), db, temporal.client);
    try {
      await fetch(`${gw.url}/v1/moments`);
      await fetch(`${gw.url}/v1/moments/01ARZ3NDEKTSV4RRFFQ69G5FAV`);
      await fetch(`${gw.url}/v1/moments/01ARZ3NDEKTSV4RRFFQ69G5FAW`);
      const text = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).text();
      expect(text).toMatch(/oof_http_request_duration_seconds_count\{method="GET",route="\/v1\/moments",status="200"\} 1/);
      expect(text).toMatch(/oof_http_request_duration_seconds_count\{method="GET",route="\/v1\/moments\/:id",status="404"\} 2/);
      expect(text).not.toContain('01ARZ3NDEKTSV4RRFFQ69G5FAV');
      expect(text).toMatch(/oof_auth_decisions_total\{method="anonymous",accepted="true"\} 3/);
      expect(text).toMatch(/oof_sse_clients 0/);
    } finally {
      await gw.close();
    }
  });

  it('reports every dependency with its latency in /health/detailed', async () => {
    const rpc = http.createServer((_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":"ok"}'));
    await new Promise<void>((r) => rpc.listen(0, '127.0.0.1', r));
    const port = (rpc.address() as any).port;
    const config = testConfig({ RPC_PRIMARY: `http://127.0.0.1:${port}`, JUPITER_BASE_URL: 'http://127.0.0.1:1', SERVICE_IDS: 'ops' });
    const gw = await startTestGateway(config, db, temporal.client);
    try {
      const res = await fetch(`${gw.url}/health/detailed`, { headers: { authorization: `Bearer ${mintServiceToken(config.appSecret, 'ops')}` } });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.status).toBe('degraded'); // Jupiter points at a closed port
      expect(body.checks.postgres).toMatchObject({ ok: true, latencyMs: expect.any(Number) });
      expect(body.checks.temporal.ok).toBe(true);
      expect(body.checks.rpc.ok).toBe(true);
      expect(body.checks.jupiter).toMatchObject({ ok: false, error: expect.any(String) });
      expect(body.checks.r2).toMatchObject({ ok: true, skipped: 'cards on local disk' });
    } finally {
      await gw.close();
      rpc.close();
    }
  });
});
