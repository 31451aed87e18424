import Redis from 'ioredis';
import type { Context } from 'koa';
import { createLimits } from '../../gateway/rate-limits';
import { Problem } from '../../gateway/problem';
import type { Db } from '../../lib/db';
import { testDb } from '../helpers/env';

/** The Redis store of the limits, against the real Redis on 127.0.0.1:6379. */
describe('rate limits with Redis counters', () => {
  let redis: Redis;
  let db: Db;
  beforeAll(() => {
    redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    db = testDb();
  });
  afterAll(async () => {
    redis?.disconnect();
    await db?.destroy();
  });

  const ctx = (ip: string): Context => {
    const headers: Record<string, string> = {};
    return { ip, state: {}, set: (k: string, v: string) => { headers[k] = v; }, headers } as unknown as Context;
  };

  it('counts per address across two gateways sharing Redis, and refuses with a 429 problem past the limit', async () => {
    const ns = `t${Date.now().toString(36)}`;
    const a = createLimits(db, { namespace: ns, ipPerMinute: 3, userPerMinute: 100, walletAnalysesPerHour: 100, analysesPerUserPerDay: 100 }, redis);
    const b = createLimits(db, { namespace: ns, ipPerMinute: 3, userPerMinute: 100, walletAnalysesPerHour: 100, analysesPerUserPerDay: 100 }, redis);
    await a.perAddress(ctx('10.9.9.9'));
    await b.perAddress(ctx('10.9.9.9'));
    await a.perAddress(ctx('10.9.9.9'));
    const refused = await b.perAddress(ctx('10.9.9.9')).catch((e) => e);
    expect(refused).toBeInstanceOf(Problem);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['Retry-After'])).toBeGreaterThan(0);
    await expect(a.perAddress(ctx('10.9.9.8'))).resolves.toBeUndefined(); // another address has its own count
  });
});
