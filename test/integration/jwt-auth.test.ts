import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { createHmac } from 'node:crypto';
import { momentId } from '../../domain/detection/moment';
import { upsertMoments } from '../../adapters/stores/moments-store';
import type { Db } from '../../lib/db';
import { temporalClient, testConfig, testDb } from '../helpers/env';
import { readJson } from '../helpers/fixtures';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const ENV = '5a1d0c3e-7b2f-4c6a-9e8d-1f2a3b4c5d6e';
const MINE = '7qvWUFx2yJzGAWhWNQ6ae51TRTrEPYGadByHXpQienKF';
const THEIRS = '3Rz8Kp5Wm2Xn7Qb4Vt9Ld6Hc1Fs8Gj3Ye5Ua2Ro7Pk4N';
const shape = readJson('apis/dynamic-jwt-claims-solana.json'); // shape only: our own ids and values below

type Keys = { kid: string; privateKey: KeyLike; publicKey: KeyLike; jwk: JWK };
async function keys(kid: string): Promise<Keys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

describe('Dynamic.xyz JWT authentication: the attack suite, against a local JWKS server', () => {
  let db: Db;
  let gw: TestGateway;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let k1: Keys;
  let k2: Keys;
  let published: JWK[] = [];
  let down = false;
  let fetches = 0;
  const jwks = http.createServer((req, res) => {
    fetches++;
    if (down) return void res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
  });
  let jwksUrl = '';

  const claims = (over: Record<string, unknown> = {}) => ({
    ...shape, kid: undefined, iss: `app.dynamicauth.com/${ENV}`, environment_id: ENV, sub: 'b7c1f1e2-0000-4000-8000-000000000001',
    scope: 'user:basic', email: 'tester@oof.invalid', verified_credentials: [{ ...shape.verified_credentials[0], address: MINE, public_identifier: MINE }], ...over,
  });
  const sign = (k: Keys, over: Record<string, unknown> = {}, header: Record<string, unknown> = {}, exp = '1h') =>
    new SignJWT(claims(over) as any).setProtectedHeader({ alg: 'RS256', kid: k.kid, ...header }).setIssuedAt().setExpirationTime(exp).sign(k.privateKey);
  const get = (token: string, path = `/v1/moments?wallet=${MINE}`) => fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const reason = async (r: Response) => [r.status, (await r.json()).detail];

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    k1 = await keys('key-1');
    k2 = await keys('key-2');
    published = [k1.jwk];
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/api/v0/sdk/${ENV}/.well-known/jwks`;
    gw = await startTestGateway(testConfig({ AUTH_ALLOW_ANONYMOUS: 'false', DYNAMIC_ENVIRONMENT_ID: ENV, DYNAMIC_JWKS_URL: jwksUrl, DYNAMIC_JWKS_COOLDOWN_MS: '0', METRICS_TOKEN: 'metrics-token-0123456789' }), db, temporal.client);
    const at = Date.parse('2025-02-01T00:00:00Z');
    const mk = (wallet: string) => ({ id: momentId(at, wallet, 'S2E', 'So11111111111111111111111111111111111111112', `jwt${wallet.slice(0, 5)}`), kind: 'S2E' as const, wallet, mint: 'So11111111111111111111111111111111111111112', signature: `jwt${wallet.slice(0, 5)}`, at: '2025-02-01T00:00:00Z', pct: '0.5', missedUsd: '50.00', severity: '0.6667', status: 'final' as const, explain: {} });
    await upsertMoments(db, [mk(MINE), mk(THEIRS)]);
  });
  afterAll(async () => {
    await gw?.close();
    await new Promise<void>((r) => jwks.close(() => r()));
    await temporal?.close();
    await db?.destroy();
  });

  it('accepts a valid token and shows the user only their own wallets', async () => {
    const res = await get(await sign(k1));
    expect(res.status).toBe(200);
    const all = await (await get(await sign(k1), '/v1/moments')).json();
    expect(all.moments.map((m: any) => m.wallet)).toEqual([MINE]);
    expect((await get(await sign(k1), `/v1/moments?wallet=${THEIRS}`)).status).toBe(403);
    expect((await get(await sign(k1), `/v1/wallets/${THEIRS}/summary`)).status).toBe(403);
  });

  it('accepts both issuer forms', async () => {
    expect((await get(await sign(k1, { iss: `app.dynamic.xyz/${ENV}` }))).status).toBe(200);
  });

  it('rejects alg none', async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT', kid: k1.kid })}.${b64({ ...claims(), exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    expect((await get(none)).status).toBe(401);
  });

  it('rejects HS256 signed with the public key (algorithm confusion)', async () => {
    const pem = await exportSPKI(k1.publicKey);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = b64({ alg: 'HS256', typ: 'JWT', kid: k1.kid });
    const body = b64({ ...claims(), exp: Math.floor(Date.now() / 1000) + 600 });
    const sig = createHmac('sha256', pem).update(`${head}.${body}`).digest('base64url');
    expect(await reason(await get(`${head}.${body}.${sig}`))).toEqual([401, expect.stringMatching(/algorithm not allowed/)]);
  });

  it.each([
    ['expired', (k: Keys) => sign(k, {}, {}, Math.floor(Date.now() / 1000) - 120 as any), /expired/],
    ['not yet valid', (k: Keys) => sign(k, { nbf: Math.floor(Date.now() / 1000) + 600 }), /not yet valid/],
    ['a wrong issuer', (k: Keys) => sign(k, { iss: 'evil.example/abc' }), /wrong issuer/],
    ['a wrong environment', (k: Keys) => sign(k, { environment_id: '00000000-0000-4000-8000-000000000000' }), /wrong environment/],
    ['no user:basic scope', (k: Keys) => sign(k, { scope: '' }), /missing scope/],
    ['pending MFA', (k: Keys) => sign(k, { scope: 'user:basic requiresAdditionalAuth' }), /additional auth required/],
    ['a bad signature', async (k: Keys) => (await sign(k)).replace(/.{6}$/, 'AAAAAA'), /bad signature/],
  ])('rejects a token with %s', async (_why, make, detail) => {
    expect(await reason(await get(await make(k1)))).toEqual([401, expect.stringMatching(detail)]);
  });

  it('refetches the JWKS once for a rotated key, and rejects a kid that is nowhere', async () => {
    published = [k1.jwk, k2.jwk];
    expect((await get(await sign(k2))).status).toBe(200);
    const before = fetches;
    expect(await reason(await get(await sign({ ...k2, kid: 'key-3' })))).toEqual([401, expect.stringMatching(/unknown key/)]);
    expect(fetches - before).toBe(1);
  });

  it('keeps accepting known keys from its cache while the JWKS is down; a cold gateway cannot', async () => {
    down = true;
    try {
      expect((await get(await sign(k1))).status).toBe(200);
      const cold = await startTestGateway(testConfig({ AUTH_ALLOW_ANONYMOUS: 'false', DYNAMIC_ENVIRONMENT_ID: ENV, DYNAMIC_JWKS_URL: jwksUrl }), db, temporal.client);
      try {
        const r = await fetch(`${cold.url}/v1/moments?wallet=${MINE}`, { headers: { authorization: `Bearer ${await sign(k1)}` } });
        expect(r.status).toBe(401);
      } finally {
        await cold.close();
      }
    } finally {
      down = false;
    }
  });

  it('counts JWKS cache hits and fetches in /metrics', async () => {
    await get(await sign(k1));
    await get(await sign(k1)); // the second lookup, at least, is served from the cache
    const text = await (await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).text();
    expect(Number(/oof_jwks_lookups_total\{result="hit"\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
    expect(Number(/oof_jwks_lookups_total\{result="fetch"\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
  });

  it('checks the audience when one is configured', async () => {
    const strict = await startTestGateway(testConfig({ AUTH_ALLOW_ANONYMOUS: 'false', DYNAMIC_ENVIRONMENT_ID: ENV, DYNAMIC_JWKS_URL: jwksUrl, DYNAMIC_AUDIENCES: 'https://oof.app' }), db, temporal.client);
    try {
      const call = async (aud: string) => (await fetch(`${strict.url}/v1/moments?wallet=${MINE}`, { headers: { authorization: `Bearer ${await sign(k1, { aud })}` } })).status;
      expect(await call('https://oof.app')).toBe(200);
      expect(await call('http://localhost:5173')).toBe(401);
    } finally {
      await strict.close();
    }
  });
});
