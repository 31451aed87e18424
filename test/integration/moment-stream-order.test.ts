import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { EventSource } from 'eventsource';
import { ulid } from 'ulid';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { momentId, type Moment } from '../../domain/detection/moment';
import { MomentFeed } from '../../gateway/streams/moment-feed';
import { createDb, type Db } from '../../lib/db';
import { eventually, testConfig, testEnv, testLog, useDbAndTemporal } from '../helpers/env';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const SOL = 'So11111111111111111111111111111111111111112';
const RUN = randomBytes(4).toString('hex');
// Wallets of this file alone: the database is shared with test files running beside it.
const A = bs58.encode(randomBytes(32));
const B = bs58.encode(randomBytes(32));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (n: number) => Math.floor(Math.random() * n);

let n = 0;
function moment(wallet: string): Moment {
  n++;
  const at = Date.parse('2025-06-01T00:00:00Z') + n * 60_000;
  const signature = `ord${RUN}${n}`;
  return { id: momentId(at, wallet, 'S2E', SOL, signature), kind: 'S2E', wallet, mint: SOL, signature, at: new Date(at).toISOString().replace('.000Z', 'Z'), pct: '0.5', missedUsd: '50.00', severity: '0.5000', status: 'provisional', explain: {} };
}

interface Client { es: EventSource; got: Array<{ id: number; wallet: string }> }

describe('the moment stream under concurrent writers', () => {
  const services = useDbAndTemporal();
  let writers: Db;
  let feed: MomentFeed;
  let gw: TestGateway;
  const clients: Client[] = [];

  beforeAll(async () => {
    writers = createDb(testEnv().databaseUrl, { poolMax: 6, applicationName: 'oof-test-writers' });
    feed = new MomentFeed(services.db, testEnv().databaseUrl, testLog);
    await feed.start();
    gw = await startTestGateway(testConfig(), services.db, services.client, undefined, undefined, feed);
  });
  services.beforeClose(async () => {
    for (const c of clients) c.es.close();
    await gw?.close();
    await feed?.stop();
    await writers?.destroy();
  });

  async function connect(query: string): Promise<Client> {
    const c: Client = { es: new EventSource(`${gw.url}/v1/stream/moments${query}`), got: [] };
    for (const type of ['moment.created', 'moment.updated', 'moment.finalized']) {
      c.es.addEventListener(type, (e) => c.got.push({ id: Number(e.lastEventId), wallet: JSON.parse(e.data).wallet }));
    }
    await new Promise<void>((resolve, reject) => {
      c.es.onopen = () => resolve();
      c.es.onerror = (e: any) => reject(new Error(`stream ${query}: ${e.message ?? "error"} ${e.code ?? ""} ${e.cause?.message ?? e.error?.cause?.message ?? ""}`));
    });
    clients.push(c);
    return c;
  }

  /**
   * One writer: a transaction that pauses, upserts a few moments (some new, one then changed again), pauses again
   * and commits — or, now and then, rolls back. Ids are drawn at insert and commits land in any order.
   */
  async function writer(k: number): Promise<void> {
    const wallet = k % 3 === 0 ? B : A;
    await writers.transaction(async (trx) => {
      await sleep(rand(30));
      const fresh = Array.from({ length: 1 + rand(3) }, () => moment(wallet));
      await upsertMoments(trx, fresh);
      if (k % 4 === 1) await upsertMoments(trx, [{ ...fresh[0]!, missedUsd: '75.00', pct: '0.75', severity: '0.7500' }]);
      await sleep(rand(40));
      if (k % 9 === 4) throw new Error('rolled back on purpose');
    }).catch((e: Error) => {
      if (e.message !== 'rolled back on purpose') throw e;
    });
  }

  it('sends every client every event exactly once, in id order, live and on resume, whatever order writers commit in', async () => {
    const liveA = [await connect(`?wallet=${A}`), await connect(`?wallet=${A}`)];
    const liveB = await connect(`?wallet=${B}`);
    const all = await connect('');
    await Promise.all(Array.from({ length: 24 }, (_, k) => writer(k)));
    // A client that comes back with the last id it saw, while more writers commit in any order.
    const seen = liveA[0]!.got[Math.floor(liveA[0]!.got.length / 2)]!.id;
    const [resumed] = await Promise.all([connect(`?wallet=${A}&lastEventId=${seen}`), ...Array.from({ length: 24 }, (_, k) => writer(24 + k))]);

    const rows = await services.db('moment_events as e').join('moments as m', 'm.id', 'e.moment_id').whereIn('m.wallet', [A, B]).orderBy('e.id').select('e.id', 'm.wallet');
    const ids = (w?: string, after = 0) => rows.filter((r: any) => (!w || r.wallet === w) && Number(r.id) > after).map((r: any) => Number(r.id));
    const expected = new Map<Client, number[]>([[liveA[0]!, ids(A)], [liveA[1]!, ids(A)], [liveB, ids(B)], [all, ids()], [resumed!, ids(A, seen)]]);
    const received = (c: Client) => c.got.filter((e) => e.wallet === A || e.wallet === B).map((e) => e.id);
    expect(ids().length).toBeGreaterThan(60);
    try {
      await eventually(async () => ([...expected].every(([c, want]) => received(c).length >= want.length) ? true : undefined), 20_000, 50);
    } catch {
      // Fall through: the comparison below says what is missing.
    }
    await sleep(300); // anything sent twice would arrive by now
    for (const [c, want] of expected) expect(received(c)).toEqual(want);
  }, 60_000);

  it('sends an analysis stream every moment of its wallets before done, whatever order their writers commit in', async () => {
    const wallets = [bs58.encode(randomBytes(32)), bs58.encode(randomBytes(32)), bs58.encode(randomBytes(32))];
    const analysisId = ulid();
    await services.db('analyses').insert({ id: analysisId, wallets, status: 'running', progress: JSON.stringify({ totalWallets: 3, wallets: {} }) });
    const got: number[] = [];
    const es = new EventSource(`${gw.url}/v1/analyses/${analysisId}/stream`);
    clients.push({ es, got: [] });
    es.addEventListener('moment', (e) => got.push(Number(e.lastEventId)));
    const done = new Promise<void>((resolve) => es.addEventListener('done', () => { es.close(); resolve(); }));
    await new Promise<void>((resolve) => { es.onopen = () => resolve(); });
    // The wallets' detections write in parallel, each in its own transaction, committing in any order.
    await Promise.all(Array.from({ length: 30 }, (_, k) => writers.transaction(async (trx) => {
      await sleep(rand(20));
      await upsertMoments(trx, [moment(wallets[k % 3]!)]);
      await sleep(rand(40));
    })));
    await services.db('analyses').where({ id: analysisId }).update({ status: 'completed', finished_at: services.db.fn.now() });
    await done;
    const want = (await services.db('moment_events as e').join('moments as m', 'm.id', 'e.moment_id').whereIn('m.wallet', wallets).orderBy('e.id').select('e.id')).map((r: any) => Number(r.id));
    expect(want).toHaveLength(30);
    expect(got).toEqual(want);
  }, 60_000);

  it('resumes through every page of the outbox after Last-Event-ID before going live, losing nothing meanwhile', async () => {
    const C = bs58.encode(randomBytes(32));
    const backlog = Array.from({ length: 2600 }, () => moment(C));
    for (let i = 0; i < backlog.length; i += 400) await upsertMoments(writers, backlog.slice(i, i + 400));
    const first = Number((await services.db('moment_events as e').join('moments as m', 'm.id', 'e.moment_id').where('m.wallet', C).min({ id: 'e.id' }).first())!.id);
    // The client comes back while new moments keep arriving.
    const live = (async () => {
      for (let i = 0; i < 20; i++) {
        await upsertMoments(writers, [moment(C)]);
        await sleep(rand(15));
      }
    })();
    const c = await connect(`?wallet=${C}&lastEventId=${first - 1}`);
    await live;
    const want = (await services.db('moment_events as e').join('moments as m', 'm.id', 'e.moment_id').where('m.wallet', C).orderBy('e.id').select('e.id')).map((r: any) => Number(r.id));
    expect(want).toHaveLength(2620);
    try {
      await eventually(async () => (c.got.length >= want.length ? true : undefined), 20_000, 50);
    } catch {
      // The comparison below says what is missing.
    }
    await sleep(300);
    expect(c.got.map((e) => e.id)).toEqual(want);
  }, 60_000);
});
