import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3CardStore } from '../../adapters/stores/card-store';
import { momentId } from '../../domain/detection/moment';
import { startS3DevServer, type S3DevServer } from '../../lib/s3-dev-server';
import { temporalClient, testConfig, testDb } from '../helpers/env';
import { startTestGateway } from '../helpers/gateway';

describe('card storage on a real S3-compatible server (versitygw on 127.0.0.1, region auto like R2)', () => {
  let s3: S3DevServer;
  let raw: S3Client;
  const png = (n: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(n, n % 251)]);

  beforeAll(async () => {
    s3 = await startS3DevServer(mkdtempSync(path.join(os.tmpdir(), 'oof-s3-')));
    raw = new S3Client({ region: 'auto', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    await raw.send(new CreateBucketCommand({ Bucket: 'cards' }));
  }, 120_000);
  afterAll(async () => {
    raw?.destroy();
    await s3?.stop();
  });

  const store = (bucket = 'cards', publicUrl?: string) =>
    new S3CardStore({ endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, bucket, publicUrl });

  it('uploads with the card content type and immutable caching, and reads it back', async () => {
    const key = 'cards/01HV6Z8Q2M0000000000000000-abcdef0123.png';
    await store().put(key, png(5000));
    expect(await store().get(key)).toEqual(png(5000));
    const head = await raw.send(new HeadObjectCommand({ Bucket: 'cards', Key: key }));
    expect(head.ContentType).toBe('image/png');
    expect(head.CacheControl).toBe('public, max-age=31536000, immutable');
  });

  it('overwrites a key in place, and answers undefined for a missing one', async () => {
    const key = 'cards/01HV6Z8Q2M0000000000000001-abcdef0123.png';
    await store().put(key, png(10));
    await store().put(key, png(20));
    expect((await store().get(key))!.length).toBe(24);
    expect(await store().get('cards/01HV6Z8Q2M0000000000000002-0000000000.png')).toBeUndefined();
  });

  it('builds public URLs from R2_PUBLIC_URL', () => {
    expect(store('cards', 'https://cards.oof.example/').publicUrl('cards/a-b.png')).toBe('https://cards.oof.example/cards/a-b.png');
    expect(store().publicUrl('cards/a-b.png')).toBeUndefined();
  });

  it('makes the versioned card URL redirect to its public bucket object once stored, and the unversioned one to the versioned', async () => {
    const db = testDb();
    const temporal = await temporalClient();
    const wallet = '6Yt3Fs8Lm2Qa9Xc4Hv7Nb1Kd5Pr8Wj3Ze6Gu2Tn9Bo4R';
    const id = momentId(Date.parse('2024-03-26T00:00:00Z'), wallet, 'S2E', 'So11111111111111111111111111111111111111112', 'sigS3');
    await db('moments').insert({ id, wallet, kind: 'S2E', mint: 'So11111111111111111111111111111111111111112', signature: 'sigS3', at: '2024-03-26T00:00:00Z', severity: '0.5', missed_usd: '100', pct: '0.4', status: 'final', explain: JSON.stringify({ quantity: '1', tradePrice: '1', peakPrice: '1.4', peakAt: '2024-03-27T00:00:00Z' }) });
    const gw = await startTestGateway(testConfig(), db, temporal.client, undefined, store('cards', 'https://cards.oof.example'));
    try {
      // The unversioned URL moves with the moment: a short-lived redirect to the newest version…
      const latest = await fetch(`${gw.url}/v1/cards/moment/${id}.png`, { redirect: 'manual' });
      expect(latest.status).toBe(302);
      expect(latest.headers.get('cache-control')).toBe('public, max-age=60, must-revalidate');
      const versioned = latest.headers.get('location')!;
      expect(versioned).toMatch(new RegExp(`^/v1/cards/moment/${id}-[0-9a-f]{10}\\.png$`));
      // …whose redirect to the bucket object of that version may be cached for good (the object never changes).
      for (let i = 0; i < 2; i++) { // the first renders and uploads, the second finds the card stored
        const res = await fetch(`${gw.url}${versioned}`, { redirect: 'manual' });
        expect(res.status).toBe(302);
        expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        const location = res.headers.get('location')!;
        expect(location).toBe(`https://cards.oof.example/${versioned.replace('/v1/cards/moment/', 'cards/')}`);
        const key = location.replace('https://cards.oof.example/', '');
        expect((await store().get(key))!.readUInt32BE(16)).toBe(1200);
      }
    } finally {
      await gw.close();
      await temporal.close();
      await db.destroy();
    }
  });

  it('fails clearly when the bucket does not exist', async () => {
    await expect(store('no-such-bucket').put('cards/x-y.png', png(1))).rejects.toThrow(/NoSuchBucket|does not exist/i);
  });
});
