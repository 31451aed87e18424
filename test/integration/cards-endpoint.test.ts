import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskCardStore } from '../../adapters/stores/card-store';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { readPngText } from '../../adapters/rendering/png-text';
import type { Db } from '../../lib/db';
import { detectMoments } from '../../domain/detection/detect';
import { temporalClient, testConfig, testDb } from '../helpers/env';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { prices, swap, T0, DAY, tx, USDC } from '../helpers/history';

const MINT = 'CardTokenMint111111111111111111111111111111';
const WALLET = '4Hq9Xv2Ns7Kd3Pw8Ly6Bt1Mc5Rf9Zj2Ga7Ue4Wk8Qo3V';

describe('GET /v1/cards/moment/:id.png', () => {
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

  it('renders on demand, stores the card, and answers with long cache headers and an ETag', async () => {
    const res = await fetch(`${gw.url}/v1/cards/moment/${id}.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.readUInt32BE(16)).toBe(1200);
    expect(readPngText(png)['Moment-Id']).toBe(id);
    const row = await db('moments').where({ id }).first();
    expect(row.card_key).toMatch(new RegExp(`^cards/${id}-[0-9a-f]{10}\\.png$`));
    expect(await new DiskCardStore(dir).get(row.card_key)).toEqual(png);

    const etag = res.headers.get('etag')!;
    const again = await fetch(`${gw.url}/v1/cards/moment/${id}.png`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('gives a moment that changed a new ETag (and card key)', async () => {
    const before = (await fetch(`${gw.url}/v1/cards/moment/${id}.png`)).headers.get('etag');
    await db('moments').where({ id }).update({ missed_usd: '4000', status: 'final' });
    const after = await fetch(`${gw.url}/v1/cards/moment/${id}.png`);
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(before);
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
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [path.resolve(__dirname, '../../bin/oof.js'), 'render', '-', '--out', out]);
      child.on('close', resolve);
      child.stdin.end(JSON.stringify([moment]));
    });
    expect(code).toBe(0);
    const png = readFileSync(out);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 630]);
    expect(readPngText(png).Title).toContain('sold too early');
  });
});
