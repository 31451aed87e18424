import type { Db } from '../../lib/db';
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
});
