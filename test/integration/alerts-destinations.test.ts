import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { testConfig, useDbAndTemporal } from '../helpers/env';
import { postJson, startTestGateway, type TestGateway } from '../helpers/gateway';

const ENV = '0b6c2f4e-1a3d-4e5f-8a9b-0c1d2e3f4a5b';
const ALICE_WALLET = 'Ah8kFmKzUq2V3Lr7x8ZcJtYwPbN4sD9gE6hR1oT5uV2x';
const BOB_WALLET = 'Bz7mQp3Wn6Xc9Vb2Lt5Kd8Hf1Gs4Jj7Ye2Ua5Ro8Pk1N';
const KEY = randomBytes(32).toString('hex');
const BOT = '555555555:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ';

/** Destinations through the API: validation, the outbound policy at registration, secrets sealed, owners kept apart. */
describe('/v1/alerts/destinations', () => {
  const t = useDbAndTemporal();
  let gw: TestGateway;
  let staging: TestGateway;
  let privateKey: KeyLike;
  let jwk: JWK;
  const jwks = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  const token = (sub: string, wallet: string) => new SignJWT({
    iss: `app.dynamicauth.com/${ENV}`, environment_id: ENV, sub, scope: 'user:basic',
    verified_credentials: [{ format: 'blockchain', chain: 'solana', address: wallet, wallet_name: 'phantom' }],
  }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt().setExpirationTime('1h').sign(privateKey);
  let alice: Record<string, string>;
  let bob: Record<string, string>;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const auth = { AUTH_ALLOW_ANONYMOUS: 'false', DYNAMIC_ENVIRONMENT_ID: ENV, DYNAMIC_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`, ALERTS_ENCRYPTION_KEY: KEY };
    gw = await startTestGateway(testConfig(auth), t.db, t.client);
    // Staging applies production's outbound policy: public https only.
    staging = await startTestGateway(testConfig({ ...auth, ENVIRONMENT: 'staging' }), t.db, t.client);
    alice = { authorization: `Bearer ${await token('alice-0001', ALICE_WALLET)}` };
    bob = { authorization: `Bearer ${await token('bob-0002', BOB_WALLET)}` };
  });
  t.beforeClose(async () => {
    await gw?.close();
    await staging?.close();
    await new Promise((r) => jwks.close(r));
  });

  const problem = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), detail: (await res.json()).detail as string });

  it('keeps secrets sealed at rest and never returns them; the signing secret is shown once', async () => {
    const url = `http://127.0.0.1:9/hook/${randomBytes(8).toString('hex')}?token=sekrit`;
    const res = await postJson(`${gw.url}/v1/alerts/destinations`, { kind: 'webhook', url, wallets: [ALICE_WALLET], label: 'my bot' }, alice);
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(res.headers.get('location')).toBe(`/v1/alerts/destinations/${created.id}`);
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ kind: 'webhook', label: 'my bot', target: 'http://127.0.0.1:9/…', filters: { wallets: [ALICE_WALLET], kinds: null, minSeverity: '0.0000', statuses: ['provisional', 'final'] }, status: { state: 'active' } });
    const tg = await (await postJson(`${gw.url}/v1/alerts/destinations`, { kind: 'telegram', botToken: BOT, chatId: '42', wallets: [ALICE_WALLET] }, alice)).json();
    expect(tg.target).toBe('telegram chat 42 via bot 555555555');
    expect(tg.signingSecret).toBeUndefined();
    const listed = await (await fetch(`${gw.url}/v1/alerts/destinations`, { headers: alice })).text();
    const one = await (await fetch(`${gw.url}/v1/alerts/destinations/${created.id}`, { headers: alice })).text();
    for (const text of [listed, one, JSON.stringify(tg)]) {
      expect(text).not.toContain('sekrit');
      expect(text).not.toContain(created.signingSecret);
      expect(text).not.toContain(BOT.split(':')[1]);
    }
    const rows = await t.db('alert_destinations').whereIn('id', [created.id, tg.id]).select('secrets');
    for (const r of rows) {
      expect(r.secrets).toMatch(/^v1\.[A-Za-z0-9+/=]+$/);
      expect(r.secrets).not.toContain('sekrit');
      expect(Buffer.from(r.secrets.slice(3), 'base64').toString('latin1')).not.toContain('127.0.0.1');
    }
  });

  it('keeps owners apart: another user cannot see, change, delete or aim alerts at them', async () => {
    const mine = await (await postJson(`${gw.url}/v1/alerts/destinations`, { kind: 'discord', url: 'http://127.0.0.1:9/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz', wallets: [ALICE_WALLET] }, alice)).json();
    const bobs = await (await fetch(`${gw.url}/v1/alerts/destinations`, { headers: bob })).json();
    expect(bobs.destinations.map((d: any) => d.id)).not.toContain(mine.id);
    expect((await fetch(`${gw.url}/v1/alerts/destinations/${mine.id}`, { headers: bob })).status).toBe(404);
    expect((await postJson(`${gw.url}/v1/alerts/destinations/${mine.id}/resume`, {}, bob)).status).toBe(404);
    expect((await fetch(`${gw.url}/v1/alerts/destinations/${mine.id}`, { method: 'DELETE', headers: bob })).status).toBe(404);
    // Alice's moments cannot be sent to Bob: he may not name her wallet.
    const aimed = await postJson(`${gw.url}/v1/alerts/destinations`, { kind: 'webhook', url: 'http://127.0.0.1:9/bob', wallets: [ALICE_WALLET] }, bob);
    expect(await problem(aimed)).toEqual({ status: 403, type: 'application/problem+json', detail: `alerts can only be set for your own wallets and wallets you analysed; not ${ALICE_WALLET}` });
    expect((await fetch(`${gw.url}/v1/alerts/destinations/${mine.id}`, { headers: alice })).status).toBe(200);
    expect((await fetch(`${gw.url}/v1/alerts/destinations/${mine.id}`, { method: 'DELETE', headers: alice })).status).toBe(204);
    expect((await fetch(`${gw.url}/v1/alerts/destinations/${mine.id}`, { headers: alice })).status).toBe(404);
    expect((await fetch(`${gw.url}/v1/alerts/destinations`)).status).toBe(401);
  });

  it('answers bad input with a problem that names the field', async () => {
    const post = (body: unknown) => postJson(`${gw.url}/v1/alerts/destinations`, body, alice).then(problem);
    expect(await post({ kind: 'sms', wallets: [ALICE_WALLET] })).toMatchObject({ status: 400, detail: expect.stringMatching(/^invalid body: kind: /) });
    expect(await post({ kind: 'webhook', url: 'http://127.0.0.1:9/x', wallets: [] })).toMatchObject({ status: 400, detail: 'invalid body: wallets: name at least one wallet' });
    expect(await post({ kind: 'webhook', url: 'http://127.0.0.1:9/x', wallets: ['nope'] })).toMatchObject({ status: 400, detail: 'invalid body: wallets.0: "nope" is not a Solana address' });
    expect(await post({ kind: 'webhook', url: 'ftp://example.com/x', wallets: [ALICE_WALLET] })).toMatchObject({ status: 400, detail: 'invalid body: url: ftp: URLs are not allowed' });
    expect(await post({ kind: 'webhook', url: 'http://127.0.0.1:9/x', wallets: [ALICE_WALLET], minSeverity: '1.5' })).toMatchObject({ status: 400, detail: expect.stringContaining('minSeverity') });
    expect(await post({ kind: 'discord', url: 'http://127.0.0.1:9/not-a-webhook', wallets: [ALICE_WALLET] })).toMatchObject({ status: 400, detail: expect.stringContaining('not a Discord webhook URL') });
    expect(await post({ kind: 'telegram', botToken: 'nope', chatId: '1', wallets: [ALICE_WALLET] })).toMatchObject({ status: 400, detail: expect.stringContaining('botToken') });
    expect(await post({ kind: 'webhook', url: 'http://127.0.0.1:9/x', wallets: [ALICE_WALLET], extra: 1 })).toMatchObject({ status: 400 });
    expect((await fetch(`${gw.url}/v1/alerts/destinations/not-an-id`, { headers: alice })).status).toBe(400);
    const text = await fetch(`${gw.url}/v1/alerts/destinations`, { method: 'POST', headers: { ...alice, 'content-type': 'text/plain' }, body: 'x' });
    expect(text.status).toBe(415);
  });

  it('refuses, where production rules apply, URLs that are not public https', async () => {
    const post = (url: string, kind = 'webhook') => postJson(`${staging.url}/v1/alerts/destinations`, { kind, url, wallets: [ALICE_WALLET] }, alice).then(problem);
    expect(await post('http://example.com/hook')).toMatchObject({ status: 400, detail: 'invalid body: url: http: URLs are not allowed (https only)' });
    expect(await post('https://127.0.0.1/hook')).toMatchObject({ status: 400, detail: 'invalid body: url: 127.0.0.1 is a loopback address' });
    expect(await post('https://169.254.169.254/latest/meta-data')).toMatchObject({ status: 400, detail: 'invalid body: url: 169.254.169.254 is not a public address' });
    expect(await post('https://[::ffff:10.0.0.1]/hook')).toMatchObject({ status: 400, detail: expect.stringContaining('not a public address') });
    expect(await post('https://localhost/hook')).toMatchObject({ status: 400, detail: 'invalid body: url: localhost is a loopback name' });
    // A name is resolved at registration too (and again at every delivery, at connect time).
    expect(await post('https://localtest.me/hook')).toMatchObject({ status: 400, detail: expect.stringMatching(/^invalid body: url: localtest\.me (resolves to a refused address|does not resolve)/) });
    expect(await post('https://example.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz', 'discord')).toMatchObject({ status: 400, detail: expect.stringMatching(/example\.com (is not a Discord host|does not resolve)/) });
  });
});
