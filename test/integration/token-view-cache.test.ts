import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { upsertTokens } from '../../adapters/stores/token-store';
import { TokenViewCache } from '../../adapters/stores/token-view-cache';
import type { Db } from '../../lib/db';
import { testDb } from '../helpers/env';

describe('TokenViewCache', () => {
  let db: Db;
  beforeAll(() => { db = testDb(); });
  afterAll(async () => { await db?.destroy(); });

  it('answers from memory within its TTL, reads again after it, and names every mint asked for', async () => {
    const [a, b] = [bs58.encode(randomBytes(32)), bs58.encode(randomBytes(32))];
    await upsertTokens(db, [{ mint: a, symbol: 'OLD', verified: false, tags: [], source: 'test' }]);
    let now = 1_000_000;
    const cache = new TokenViewCache(db, { ttlMs: 30_000, now: () => now });
    const first = await cache.get([a, b, a]);
    expect(first.get(a)).toMatchObject({ symbol: 'OLD' });
    // Unknown to the registry: the short mint, as tokensFor degrades it.
    expect(first.get(b)!.symbol).toBe(`${b.slice(0, 4)}…${b.slice(-5)}`);
    await upsertTokens(db, [{ mint: a, symbol: 'NEW', verified: true, tags: [], source: 'test' }]);
    now += 29_999;
    expect((await cache.get([a])).get(a)).toMatchObject({ symbol: 'OLD' });
    now += 2;
    expect((await cache.get([a])).get(a)).toMatchObject({ symbol: 'NEW', verified: true });
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const mints = Array.from({ length: 5 }, () => bs58.encode(randomBytes(32)));
    const cache = new TokenViewCache(db, { ttlMs: 60_000, maxEntries: 3 });
    await cache.get(mints);
    expect((cache as unknown as { entries: Map<string, unknown> }).entries.size).toBe(3);
    expect([...(cache as unknown as { entries: Map<string, unknown> }).entries.keys()]).toEqual(mints.slice(2));
  });
});
