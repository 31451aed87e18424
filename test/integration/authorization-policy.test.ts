import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { mintServiceToken } from '../../gateway/auth/service-token';
import { MomentFeed } from '../../gateway/streams/moment-feed';
import { momentId, type Moment } from '../../domain/detection/moment';
import { upsertMoments } from '../../adapters/stores/moments-store';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { temporalClient, testConfig, testDb, testEnv, testLog, uniqueQueue } from '../helpers/env';
import { FakeDynamic } from '../helpers/dynamic';
import { postJson, startGatewayWith, type TestGateway } from '../helpers/gateway';

const wallet = () => bs58.encode(randomBytes(32));
const SOL = 'So11111111111111111111111111111111111111112';

/**
 * The authorization matrix of docs/architecture.md with two users and a service: Alice owns W_A, Bob owns W_B; Bob
 * analyses W_A; Alice makes W_A private; a service reads and analyses everything.
 */
describe('authorization policy: owners, analysts, privacy and services', () => {
  const dynamic = new FakeDynamic();
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let feed: MomentFeed;
  let gw: TestGateway;
  const W_A = wallet();
  const W_B = wallet();
  const moment = (w: string): Moment => {
    const at = Date.parse('2025-03-01T00:00:00Z');
    const signature = `pol${w.slice(0, 12)}`;
    return { id: momentId(at, w, 'S2E', SOL, signature), kind: 'S2E', wallet: w, mint: SOL, signature, at: '2025-03-01T00:00:00.000Z', pct: '0.5', missedUsd: '50.00', severity: '0.6667', status: 'final', explain: {} };
  };
  const MA = moment(W_A);
  const MB = moment(W_B);
  const tokens: Record<'alice' | 'bob' | 'service', () => Promise<string>> = {
    alice: () => dynamic.token('alice-0000-4000-8000-000000000001', [W_A]),
    bob: () => dynamic.token('bob-00000-4000-8000-000000000002', [W_B]),
    service: async () => mintServiceToken(config.appSecret, 'reports'),
  };
  let config: Config;
  const as = async (who: keyof typeof tokens, path: string, init: RequestInit = {}) =>
    fetch(`${gw.url}${path}`, { ...init, headers: { authorization: `Bearer ${await tokens[who]()}`, ...(init.headers as Record<string, string>) } });
  const status = async (who: keyof typeof tokens, path: string) => (await as(who, path)).status;
  const analyse = async (who: keyof typeof tokens, wallets: string[]) => postJson(`${gw.url}/v1/analyze`, { wallets }, { authorization: `Bearer ${await tokens[who]()}` });
  const setPrivate = async (who: keyof typeof tokens, w: string, value: boolean) =>
    as(who, `/v1/wallets/${w}/privacy`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ private: value }) });
  /** What a caller gets from every route that reads W. */
  const reads = async (who: keyof typeof tokens, w: string, m: Moment) => ({
    moments: await status(who, `/v1/moments?wallet=${w}`),
    summary: await status(who, `/v1/wallets/${w}/summary`),
    moment: await status(who, `/v1/moments/${m.id}`),
    listed: await listed(who, m.id),
    stream: await streamStatus(who, w),
  });
  // Every page of the caller's unfiltered list: other suites share the database, so an operator sees their moments too.
  const listed = async (who: keyof typeof tokens, id: string): Promise<boolean> => {
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const body: { moments: Moment[]; nextCursor: string | null } = await (await as(who, `/v1/moments?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json();
      if (body.moments.some((x) => x.id === id)) return true;
      cursor = body.nextCursor;
      if (!cursor) return false;
    }
    return false;
  };
  const streamStatus = async (who: keyof typeof tokens, w: string) => {
    const ac = new AbortController();
    const res = await fetch(`${gw.url}/v1/stream/moments?wallet=${w}&access_token=${await tokens[who]()}`, { signal: ac.signal });
    ac.abort();
    return res.status;
  };
  const allowed = { moments: 200, summary: 200, moment: 200, listed: true, stream: 200 };
  const refused = { moments: 403, summary: 403, moment: 404, listed: false, stream: 403 };

  beforeAll(async () => {
    await dynamic.addKey('k1');
    await dynamic.start();
    // No worker listens on this queue: analyses are accepted and wait, which is all the policy needs.
    config = testConfig({ ...dynamic.config(), SERVICE_IDS: 'reports', TEMPORAL_TASK_QUEUE: uniqueQueue('policy'), RATE_LIMIT_WALLET_ANALYSES_PER_HOUR: '1000' });
    db = testDb();
    temporal = await temporalClient();
    feed = new MomentFeed(db, testEnv().databaseUrl, testLog);
    await feed.start();
    await upsertMoments(db, [MA, MB]);
    gw = await startGatewayWith({ config, db, temporal: temporal.client, feed });
  });
  afterAll(async () => {
    await gw?.close();
    await feed?.stop();
    await temporal?.close();
    await db?.destroy();
    await dynamic.stop();
  });

  it('lets owners read their wallets and services read all, and nobody else until they analyse', async () => {
    expect(await reads('alice', W_A, MA)).toEqual(allowed);
    expect(await reads('bob', W_B, MB)).toEqual(allowed);
    expect(await reads('bob', W_A, MA)).toEqual(refused);
    expect(await reads('alice', W_B, MB)).toEqual(refused);
    expect(await reads('service', W_A, MA)).toEqual(allowed);
    expect((await fetch(`${gw.url}/v1/moments?wallet=${W_A}`)).status).toBe(401);
  });

  it('gives an analyst read access to what they analysed, and keeps each analysis its requester\'s', async () => {
    const res = await analyse('bob', [W_A]);
    expect(res.status).toBe(202);
    const { analysisId } = await res.json();
    expect(await reads('bob', W_A, MA)).toEqual(allowed);
    expect(await status('bob', `/v1/analyses/${analysisId}`)).toBe(200);
    expect(await status('alice', `/v1/analyses/${analysisId}`)).toBe(404);
    expect(await status('service', `/v1/analyses/${analysisId}`)).toBe(200);
    // Bob's access is his, not everyone's.
    expect(await reads('alice', W_B, MB)).toEqual(refused);
  });

  it('lets only a verified owner change a wallet\'s privacy', async () => {
    expect((await setPrivate('bob', W_A, true)).status).toBe(403);
    expect((await setPrivate('service', W_A, true)).status).toBe(403);
    expect((await as('bob', `/v1/wallets/${W_A}/privacy`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"private":"yes"}' })).status).toBe(400);
    expect(await (await as('alice', `/v1/wallets/${W_A}/privacy`)).json()).toEqual({ wallet: W_A, private: false });
  });

  it('private: refuses others\' analyses, ends their access (open streams too), and leaves owners and services theirs', async () => {
    // Bob is following W_A when Alice makes it private.
    const res = await fetch(`${gw.url}/v1/stream/moments?wallet=${W_A}&access_token=${await tokens.bob()}`);
    expect(res.status).toBe(200);
    const text = res.text();
    expect((await setPrivate('alice', W_A, true)).status).toBe(200);
    expect(await text).toMatch(/event: error\ndata: \{[^\n]*"status":403/);

    expect(await reads('bob', W_A, MA)).toEqual(refused);
    const again = await analyse('bob', [W_B, W_A]);
    expect(again.status).toBe(403);
    expect((await again.json()).detail).toContain(W_A);
    expect((await fetch(`${gw.url}/v1/cards/moment/${MA.id}.png`)).status).toBe(404);
    expect(await reads('alice', W_A, MA)).toEqual(allowed);
    expect((await analyse('alice', [W_A])).status).toBe(202);
    expect(await reads('service', W_A, MA)).toEqual(allowed);
    expect((await analyse('service', [W_A])).status).toBe(202);
  });

  it('public again: earlier grants stay ended until the wallet is analysed anew', async () => {
    expect((await setPrivate('alice', W_A, false)).status).toBe(200);
    expect(await reads('bob', W_A, MA)).toEqual(refused);
    expect((await analyse('bob', [W_A])).status).toBe(202);
    expect(await reads('bob', W_A, MA)).toEqual(allowed);
  });

  /** Moves every record of `principal`'s analyses of `w` back by `days`, as if that much time had passed since. */
  const passDays = async (principal: string, w: string, days: number) => {
    const back = db.raw('interval \'1 day\' * ?', [days]);
    await db('analyses').where({ requested_by: principal }).whereRaw('? = any(wallets)', [w]).update({ created_at: db.raw('created_at - ?', [back]) });
    await db('wallet_access_grants').where({ principal, wallet: w }).update({ granted_at: db.raw('granted_at - ?', [back]), expires_at: db.raw('expires_at - ?', [back]) });
  };

  it('ends an analyst\'s access WALLET_ACCESS_DAYS (30) after their latest analysis', async () => {
    const bob = 'bob-00000-4000-8000-000000000002';
    await passDays(bob, W_A, 29);
    expect(await reads('bob', W_A, MA)).toEqual(allowed);
    await passDays(bob, W_A, 2);
    expect(await reads('bob', W_A, MA)).toEqual(refused);
    expect(await reads('alice', W_A, MA)).toEqual(allowed);
  });
});
