import { EventSource } from 'eventsource';
import { momentId, type Moment } from '../../domain/detection/moment';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { cardUrl } from '../../domain/cards/card-url';
import { MomentFeed } from '../../gateway/streams/moment-feed';
import type { Db } from '../../lib/db';
import { eventually, temporalClient, testConfig, testDb, testEnv, testLog } from '../helpers/env';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const A = '9Fx2Lm7Qw4Nd8Kp3Vb6Hs1Tc5Zr2Jg9Ye4Ua7Wo3Mk8P';
const B = '2Ab5Cd8Ef3Gh6Jk9Lm4Np7Qr1St5Uv8Wx2Yz6Ac9Be3D';
const MINT = 'So11111111111111111111111111111111111111112';

function m(wallet: string, i: number, over: Partial<Moment> = {}): Moment {
  const at = Date.parse('2025-01-01T00:00:00Z') + i * 3_600_000;
  const signature = `apisig${wallet.slice(0, 4)}${i}`;
  return {
    id: momentId(at, wallet, 'S2E', MINT, signature), kind: 'S2E', wallet, mint: MINT, signature, at: new Date(at).toISOString().replace('.000Z', 'Z'),
    pct: '0.5', missedUsd: `${100 + i}.00`, severity: (Math.min(1, i / 10)).toFixed(4), status: 'final', explain: { n: i }, ...over,
  };
}

describe('moments API and the live stream', () => {
  let db: Db;
  let gw: TestGateway;
  let feed: MomentFeed;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    feed = new MomentFeed(db, testEnv().databaseUrl, testLog);
    await feed.start();
    gw = await startTestGateway(testConfig(), db, temporal.client, undefined, undefined, feed);
    await upsertMoments(db, [...Array.from({ length: 7 }, (_, i) => m(A, i)), m(B, 1)]);
  });
  afterAll(async () => {
    await gw?.close();
    await feed?.stop();
    await temporal?.close();
    await db?.destroy();
  });

  it('pages a wallet\'s moments newest first with opaque cursors, none twice', async () => {
    const seen: string[] = [];
    let url = `${gw.url}/v1/moments?wallet=${A}&limit=3`;
    for (let page = 0; page < 5; page++) {
      const body = await (await fetch(url)).json();
      seen.push(...body.moments.map((x: Moment) => x.id));
      if (!body.nextCursor) break;
      url = `${gw.url}/v1/moments?wallet=${A}&limit=3&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => m(A, 6 - i).id));
    const filtered = await (await fetch(`${gw.url}/v1/moments?wallet=${A}&minSeverity=0.5`)).json();
    expect(filtered.moments.map((x: Moment) => x.severity)).toEqual(['0.6000', '0.5000']);
    expect(filtered.moments[0].cardUrl).toBe(cardUrl(filtered.moments[0]));
    expect(filtered.moments[0].cardUrl).toMatch(new RegExp(`^/v1/cards/moment/${filtered.moments[0].id}-[0-9a-f]{10}\\.png$`));
  });

  it.each([
    ['a tampered cursor', `cursor=${Buffer.from('{"at":"2030-01-01","id":"Z"}').toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`, /cursor/],
    ['a bad wallet', 'wallet=nope', /not a Solana address/],
    ['a bad kind', 'kind=OOPS', /kind/],
    ['a bad severity', 'minSeverity=2', /from 0 to 1/],
    ['a limit out of range', 'limit=1000', /limit/],
    ['an unknown parameter', 'colour=red', /colour/],
  ])('answers %s with a 400 problem', async (_why, qs, detail) => {
    const res = await fetch(`${gw.url}/v1/moments?${qs}`);
    expect(res.status).toBe(400);
    expect((await res.json()).detail).toMatch(detail);
  });

  it('serves one moment and the wallet summary', async () => {
    const one = await (await fetch(`${gw.url}/v1/moments/${m(A, 3).id}`)).json();
    expect(one).toMatchObject({ id: m(A, 3).id, missedUsd: '103.00', kind: 'S2E' });
    expect((await fetch(`${gw.url}/v1/moments/01ARZ3NDEKTSV4RRFFQ69G5FAV`)).status).toBe(404);
    const summary = await (await fetch(`${gw.url}/v1/wallets/${A}/summary`)).json();
    expect(summary).toMatchObject({ wallet: A, moments: 7, byKind: { S2E: { count: 7, missedUsd: '721.00' } }, totalMissedUsd: '721.00' });
    expect(summary.worst.map((x: Moment) => x.id)).toEqual([6, 5, 4, 3, 2].map((i) => m(A, i).id));
  });

  it('streams new and updated moments live, per wallet, and resumes from Last-Event-ID with no gap and no repeat', async () => {
    const got: Array<{ id: string; type: string; wallet: string }> = [];
    const open = (lastId?: string) => new EventSource(`${gw.url}/v1/stream/moments?wallet=${A}`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...(lastId ? { 'Last-Event-ID': lastId } : {}) } }),
    });
    let es = open();
    const listen = (src: EventSource) => {
      for (const type of ['moment.created', 'moment.updated', 'moment.finalized']) {
        src.addEventListener(type, (e) => got.push({ id: e.lastEventId, type, wallet: JSON.parse(e.data).wallet }));
      }
    };
    listen(es);
    await new Promise<void>((resolve) => { es.onopen = () => resolve(); });
    await upsertMoments(db, [m(A, 10), m(B, 10)]);
    await upsertMoments(db, [m(A, 10, { missedUsd: '999.00' })]);
    await eventually(async () => (got.length >= 2 ? true : undefined), 10_000, 20);
    expect(got.map((g) => [g.type, g.wallet])).toEqual([['moment.created', A], ['moment.updated', A]]);
    const lastId = got[got.length - 1]!.id;
    es.close();

    await upsertMoments(db, [m(A, 11), m(A, 12)]); // published while the client was away
    es = open(lastId);
    listen(es);
    await eventually(async () => (got.length >= 4 ? true : undefined), 10_000, 20);
    await new Promise((r) => setTimeout(r, 300));
    es.close();
    expect(got.slice(2).map((g) => g.type)).toEqual(['moment.created', 'moment.created']);
    const ids = got.map((g) => Number(g.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('leaves spam out of the list, the summary and the stream unless includeSpam=true', async () => {
    const C = '4Cd5Ef8Gh3Jk6Lm9Np2Qr7St1Uv5Wx8Yz2Ab6Cd9Ef3G';
    const received = (includeSpam: boolean) => {
      const got: Array<{ spam: boolean; n: number }> = [];
      const es = new EventSource(`${gw.url}/v1/stream/moments?wallet=${C}${includeSpam ? '&includeSpam=true' : ''}`);
      es.addEventListener('moment.created', (e) => got.push({ spam: JSON.parse(e.data).spam, n: JSON.parse(e.data).explain.n }));
      return { got, es, open: new Promise<void>((resolve) => { es.onopen = () => resolve(); }) };
    };
    const plain = received(false);
    const all = received(true);
    await Promise.all([plain.open, all.open]);
    await upsertMoments(db, [m(C, 20, { spam: true }), m(C, 21)]);
    await eventually(async () => (all.got.length >= 2 && plain.got.length >= 1 ? true : undefined), 10_000, 20);
    await new Promise((r) => setTimeout(r, 300));
    plain.es.close();
    all.es.close();
    expect(plain.got).toEqual([{ spam: false, n: 21 }]);
    expect(all.got).toEqual([{ spam: true, n: 20 }, { spam: false, n: 21 }]);
    const list = async (qs: string) => (await (await fetch(`${gw.url}/v1/moments?wallet=${C}${qs}`)).json()).moments.map((x: Moment) => x.explain.n);
    expect(await list('')).toEqual([21]);
    expect(await list('&includeSpam=true')).toEqual([21, 20]);
    expect((await (await fetch(`${gw.url}/v1/wallets/${C}/summary`)).json()).moments).toBe(1);
    expect((await fetch(`${gw.url}/v1/moments?includeSpam=yes`)).status).toBe(400);
    expect((await fetch(`${gw.url}/v1/wallets/${C}/summary?includeSpam=1`)).status).toBe(400);
  });

  it('rejects a malformed Last-Event-ID', async () => {
    const res = await fetch(`${gw.url}/v1/stream/moments`, { headers: { 'last-event-id': 'abc' } });
    expect(res.status).toBe(400);
  });
});
