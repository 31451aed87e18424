import type { Db } from '../../lib/db';
import { temporalClient, testConfig, testDb } from '../helpers/env';
import { FakeDynamic } from '../helpers/dynamic';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const W = '7qvWUFx2yJzGAWhWNQ6ae51TRTrEPYGadByHXpQienKF';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Dynamic JWKS cache: bounded age, revocation, outages', () => {
  const dynamic = new FakeDynamic();
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let gw: TestGateway;
  const call = async (token: string) => (await fetch(`${gw.url}/v1/moments?wallet=${W}`, { headers: { authorization: `Bearer ${token}` } })).status;

  beforeAll(async () => {
    await dynamic.addKey('k1');
    await dynamic.addKey('k2');
    await dynamic.start();
    db = testDb();
    temporal = await temporalClient();
    gw = await startTestGateway(testConfig({ ...dynamic.config(), DYNAMIC_JWKS_MAX_AGE_MS: '1000', DYNAMIC_JWKS_COOLDOWN_MS: '0' }), db, temporal.client);
  });
  afterAll(async () => {
    await gw?.close();
    await temporal?.close();
    await db?.destroy();
    await dynamic.stop();
  });

  it('stops trusting a key once Dynamic no longer publishes it and the key set has aged', async () => {
    const signedWithK2 = await dynamic.token('user-1', [W], 'k2');
    expect(await call(signedWithK2)).toBe(200);
    dynamic.published = ['k1']; // k2 revoked
    expect(await call(signedWithK2)).toBe(200); // the cached set is still young
    await sleep(1100);
    expect(await call(signedWithK2)).toBe(401);
    expect(await call(await dynamic.token('user-1', [W], 'k1'))).toBe(200);
  });

  it('keeps serving the keys it knows while the JWKS endpoint is down, without asking it on every token', async () => {
    const token = await dynamic.token('user-1', [W], 'k1');
    expect(await call(token)).toBe(200);
    dynamic.down = true;
    try {
      await sleep(1100); // the set is stale: the next lookup tries a refresh, which fails
      const before = dynamic.fetches;
      const statuses = [];
      for (let i = 0; i < 10; i++) statuses.push(await call(token));
      expect(statuses).toEqual(Array(10).fill(200));
      expect(dynamic.fetches - before).toBeLessThanOrEqual(2);
    } finally {
      dynamic.down = false;
    }
  });
});
