import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskCardStore } from '../../adapters/stores/card-store';
import { momentFromRow, upsertMoments } from '../../adapters/stores/moments-store';
import { readPngText } from '../../adapters/rendering/png-text';
import type { Db } from '../../lib/db';
import { detectMoments } from '../../domain/detection/detect';
import { temporalClient, testConfig, testDb } from '../helpers/env';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { prices, swap, T0, DAY, tx, USDC } from '../helpers/history';
import { runOof } from '../helpers/cli';

const MINT = 'CardTokenMint111111111111111111111111111111';
const WALLET = '4Hq9Xv2Ns7Kd3Pw8Ly6Bt1Mc5Rf9Zj2Ga7Ue4Wk8Qo3V';

describe('GET /v1/cards/moment/:id-:version.png and :id.png', () => {
  let db: Db;
  let gw: TestGateway;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oof-cards-'));
  let id = '';

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    gw = await startTestGateway(testConfig({ DATA_DIR: dir }), db, temporal.client);
    const sell = { ...tx(T0, [swap(MINT, '1000', USDC, '1000')]), wallet: WALLET };
    const { moments } = detectMoments({ wallet: WALLET, transactions: [sell], prices: prices({ [MINT]: [[T0 + DAY, '3']] }), nowMs: T0 + 30 * DAY });
    await upsertMoments(db, moments);
    id = moments[0]!.id;
  });
  afterAll(async () => {
    await gw?.close();
    await temporal?.close();
    await db?.destroy();
  });

  const VERSIONED = (mid: string) => new RegExp(`^/v1/cards/moment/${mid}-[0-9a-f]{10}\\.png$`);
  const maxAge = (res: Response) => Number(/max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1]);

  it('names the card version in the API cardUrl, and serves that URL once, immutable, rendered on demand', async () => {
    const { cardUrl } = await (await fetch(`${gw.url}/v1/moments/${id}`)).json();
    expect(cardUrl).toMatch(VERSIONED(id));
    const res = await fetch(`${gw.url}${cardUrl}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.readUInt32BE(16)).toBe(1200);
    expect(readPngText(png)['Moment-Id']).toBe(id);
    const row = await db('moments').where({ id }).first();
    expect(row.card_key).toMatch(new RegExp(`^cards/${id}-[0-9a-f]{10}\\.png$`));
    expect(cardUrl).toBe(`/v1/${row.card_key.replace('cards/', 'cards/moment/')}`);
    expect(await new DiskCardStore(dir).get(row.card_key)).toEqual(png);
    const again = await fetch(`${gw.url}${cardUrl}`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('revalidates the unversioned URL (short max-age, ETag) and redirects it to the newest version', async () => {
    const { cardUrl } = await (await fetch(`${gw.url}/v1/moments/${id}`)).json();
    const latest = await fetch(`${gw.url}/v1/cards/moment/${id}.png`, { redirect: 'manual' });
    expect(latest.status).toBe(302);
    expect(latest.headers.get('location')).toBe(cardUrl);
    expect(latest.headers.get('cache-control')).not.toMatch(/immutable/);
    expect(maxAge(latest)).toBeGreaterThan(0);
    expect(maxAge(latest)).toBeLessThanOrEqual(300);
    const etag = latest.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{10}"$/);
    expect((await fetch(`${gw.url}/v1/cards/moment/${id}.png`, { headers: { 'if-none-match': etag }, redirect: 'manual' })).status).toBe(304);
  });

  it('gives a changed moment a new version everywhere; the old version keeps its card, the unversioned URL moves on', async () => {
    const before = (await (await fetch(`${gw.url}/v1/moments/${id}`)).json()).cardUrl;
    const oldPng = Buffer.from(await (await fetch(`${gw.url}${before}`)).arrayBuffer());
    const row = await db('moments').where({ id }).first();
    const changed = { ...momentFromRow(row), missedUsd: '4000.00', pct: '3', status: 'final' as const };
    delete (changed as any).cardUrl;
    await upsertMoments(db, [changed]);
    const after = (await (await fetch(`${gw.url}/v1/moments/${id}`)).json()).cardUrl;
    expect(after).toMatch(VERSIONED(id));
    expect(after).not.toBe(before);
    // The event the streams send names the new version too.
    const event = await db('moment_events').where({ moment_id: id }).orderBy('id', 'desc').first();
    expect(event.payload.cardUrl).toBe(after);
    const redirected = await fetch(`${gw.url}/v1/cards/moment/${id}.png`, { redirect: 'manual' });
    expect(redirected.headers.get('location')).toBe(after);
    const fresh = await fetch(`${gw.url}${after}`);
    expect([fresh.status, fresh.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);
    expect(Buffer.from(await fresh.arrayBuffer())).not.toEqual(oldPng);
    // An immutable URL never changes: the old version still answers with the old card…
    const old = await fetch(`${gw.url}${before}`);
    expect([old.status, old.headers.get('cache-control')]).toEqual([200, 'public, max-age=31536000, immutable']);
    expect(Buffer.from(await old.arrayBuffer())).toEqual(oldPng);
    // …even once its stored PNG is gone (drawn again from the outbox event of that version), without taking the
    // moment's current card key.
    rmSync(path.join(dir, before.replace('/v1/cards/moment/', 'cards/')));
    const redrawn = await fetch(`${gw.url}${before}`);
    expect(redrawn.status).toBe(200);
    expect(readPngText(Buffer.from(await redrawn.arrayBuffer()))['Moment-Id']).toBe(id);
    expect(`/v1/${(await db('moments').where({ id }).first()).card_key.replace('cards/', 'cards/moment/')}`).toBe(after);
    // A version this moment never had is not served as immutable: it points at the newest.
    const unknown = await fetch(`${gw.url}/v1/cards/moment/${id}-0000000000.png`, { redirect: 'manual' });
    expect([unknown.status, unknown.headers.get('location')]).toEqual([302, after]);
    expect(unknown.headers.get('cache-control')).not.toMatch(/immutable/);
  });

  it('is public, and answers 400 / 404 problems for bad and unknown ids', async () => {
    const strict = await startTestGateway(testConfig({ DATA_DIR: dir, AUTH_ALLOW_ANONYMOUS: 'false' }), db, temporal.client);
    try {
      expect((await fetch(`${strict.url}/v1/cards/moment/${id}.png`)).status).toBe(200);
      const bad = await fetch(`${strict.url}/v1/cards/moment/nope.png`);
      expect([bad.status, bad.headers.get('content-type')]).toEqual([400, 'application/problem+json']);
      expect((await fetch(`${strict.url}/v1/cards/moment/${id}.jpg`)).status).toBe(400);
      const unknown = await fetch(`${strict.url}/v1/cards/moment/01ARZ3NDEKTSV4RRFFQ69G5FAV.png`);
      expect(unknown.status).toBe(404);
    } finally {
      await strict.close();
    }
  });

  it('oof render writes the same kind of card from a moment file', async () => {
    const row = await db('moments').where({ id }).first();
    const out = path.join(dir, 'cli.png');
    const moment = { id, kind: row.kind, wallet: row.wallet, mint: row.mint, signature: row.signature, at: new Date(row.at).toISOString(), pct: '2', missedUsd: '2000.00', severity: '1.0000', status: 'final', explain: row.explain };
    expect((await runOof(['render', '-', '--out', out], JSON.stringify([moment]))).code).toBe(0);
    const png = readFileSync(out);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
    expect(readPngText(png).Title).toContain('sold too early');
  });
});
