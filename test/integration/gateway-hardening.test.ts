import http from 'node:http';
import net from 'node:net';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { mintServiceToken } from '../../gateway/auth/service-token';
import { MomentFeed } from '../../gateway/streams/moment-feed';
import type { Db } from '../../lib/db';
import { createLogger } from '../../lib/logger';
import { temporalClient, testConfig, testDb, testEnv, testLog } from '../helpers/env';
import { FakeDynamic } from '../helpers/dynamic';
import { startGatewayWith, startTestGateway, type TestGateway } from '../helpers/gateway';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const service = () => ({ authorization: `Bearer ${mintServiceToken(SECRET, 'ops')}` });
const isProblem = async (res: Response, status: number) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await res.json()).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
};

/** A local HTTP server that counts the requests it answers (a stand-in for RPC, Jupiter, the JWKS). */
async function countingServer(body = '{"jsonrpc":"2.0","id":1,"result":"ok"}'): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server = http.createServer((_q, r) => { hits++; r.writeHead(200, { 'content-type': 'application/json' }).end(body); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, close: () => new Promise((r) => server.close(() => r())) };
}

describe('gateway hardening (issue #17)', () => {
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
  });
  afterAll(async () => {
    await temporal?.close();
    await db?.destroy();
  });
  const gateway = (env: Record<string, string> = {}) => startTestGateway(testConfig({ SERVICE_IDS: 'ops', ...env }), db, temporal.client);

  describe('/health/detailed', () => {
    it('is for operators only, and a burst of hits costs one call to each dependency', async () => {
      const rpc = await countingServer();
      const jupiter = await countingServer('{}');
      const dynamic = new FakeDynamic();
      await dynamic.addKey('k1');
      await dynamic.start();
      const gw = await gateway({ ...dynamic.config(), ADMIN_USER_IDS: 'the-admin', RPC_PRIMARY: rpc.url, JUPITER_BASE_URL: jupiter.url, HEALTH_CACHE_MS: '60000' });
      try {
        await isProblem(await fetch(`${gw.url}/health/detailed`), 401);
        const user = await dynamic.token('a-user', []);
        await isProblem(await fetch(`${gw.url}/health/detailed`, { headers: { authorization: `Bearer ${user}` } }), 403);
        const admin = await dynamic.token('the-admin', []);
        const first = await fetch(`${gw.url}/health/detailed`, { headers: { authorization: `Bearer ${admin}` } });
        expect(first.status).toBe(200);
        expect((await first.json()).checks.rpc.ok).toBe(true);
        const jwksBefore = dynamic.fetches;
        const burst = await Promise.all(Array.from({ length: 50 }, () => fetch(`${gw.url}/health/detailed`, { headers: service() })));
        expect(burst.map((r) => r.status)).toEqual(Array(50).fill(200));
        expect(rpc.hits()).toBe(1);
        expect(jupiter.hits()).toBe(1);
        expect(dynamic.fetches - jwksBefore).toBe(0); // the JWKS check ran with the first, cached call
        // The probes stay public and never touch the third parties.
        expect((await fetch(`${gw.url}/health`)).status).toBe(200);
        expect((await fetch(`${gw.url}/health/ready`)).status).toBe(200);
        expect(rpc.hits()).toBe(1);
      } finally {
        await gw.close();
        await Promise.all([rpc.close(), jupiter.close(), dynamic.stop()]);
      }
    });
  });

  describe('/metrics', () => {
    it('labels unmatched paths "unmatched" and answers only operators or the metrics token', async () => {
      const gw = await gateway({ METRICS_TOKEN: 'scrape-token-0123456789' });
      try {
        for (let i = 0; i < 200; i++) await fetch(`${gw.url}/v1/junk-${i}`);
        await isProblem(await fetch(`${gw.url}/metrics`), 401);
        await isProblem(await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-wrong-wrong' } }), 401);
        const res = await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(text).not.toContain('junk');
        expect(text).toMatch(/oof_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 200/);
        expect((await fetch(`${gw.url}/metrics`, { headers: service() })).status).toBe(200);
      } finally {
        await gw.close();
      }
    });
  });

  describe('rate limits', () => {
    it('slows failed authentication down per address: 429 with Retry-After, even for a right guess', async () => {
      const gw = await gateway({ AUTH_ALLOW_ANONYMOUS: 'false', AUTH_FAILURES_PER_MINUTE: '3' });
      try {
        const bad = () => fetch(`${gw.url}/v1/moments`, { headers: { authorization: `Bearer ops.${Math.floor(Date.now() / 1000)}.${'A'.repeat(43)}` } });
        expect([(await bad()).status, (await bad()).status, (await bad()).status]).toEqual([401, 401, 401]);
        const refused = await bad();
        expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
        await isProblem(refused, 429);
        await isProblem(await fetch(`${gw.url}/v1/moments`, { headers: service() }), 429);
        await isProblem(await fetch(`${gw.url}/health/detailed`, { headers: service() }), 429);
      } finally {
        await gw.close();
      }
    });

    it('limits cards and the public documents per address', async () => {
      const gw = await gateway({ RATE_LIMIT_PUBLIC_PER_MINUTE: '3' });
      try {
        const statuses = [];
        for (const path of ['/openapi.json', '/v1/cards/moment/01ARZ3NDEKTSV4RRFFQ69G5FAV.png', '/', '/openapi.json']) statuses.push((await fetch(`${gw.url}${path}`)).status);
        expect(statuses).toEqual([200, 404, 200, 429]);
        const refused = await fetch(`${gw.url}/v1/cards/moment/01ARZ3NDEKTSV4RRFFQ69G5FAV.png`);
        expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
        await isProblem(refused, 429);
        expect((await fetch(`${gw.url}/health`)).status).toBe(200);
      } finally {
        await gw.close();
      }
    });
  });

  describe('refusals are problem documents', () => {
    it('answers a chunked webhook body over the limit with a 413 problem, not a connection reset', async () => {
      const gw = await gateway({ HELIUS_WEBHOOK_AUTH: 'Bearer hook-secret-1', WEBHOOK_MAX_BYTES: '2048' });
      try {
        const { status, type, body } = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
          const req = http.request(`${gw.url}/webhooks/helius`, { method: 'POST', headers: { authorization: 'Bearer hook-secret-1', 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
            let text = '';
            res.on('data', (c) => { text += c; });
            res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: text }));
            res.on('error', reject);
          });
          req.on('error', reject);
          req.write('[');
          let sent = 0;
          const more = () => {
            if (sent++ > 64) return req.end('{}]');
            req.write(`{"signature":"${'x'.repeat(1000)}"},`, () => setImmediate(more));
          };
          more();
        });
        expect(status).toBe(413);
        expect(type).toMatch(/problem\+json/);
        expect(JSON.parse(body)).toMatchObject({ status: 413, title: 'Payload Too Large' });
      } finally {
        await gw.close();
      }
    });

    it('answers methods no route implements with a 405 problem', async () => {
      const gw = await gateway();
      try {
        for (const [method, path] of [['PATCH', '/v1/moments'], ['DELETE', '/health'], ['PATCH', '/v1/wallets/So11111111111111111111111111111111111111112/privacy']]) {
          await isProblem(await fetch(`${gw.url}${path}`, { method }), 405);
        }
      } finally {
        await gw.close();
      }
    });

    it.each([
      ['headers', (port: number) => `GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      ['a URL', (port: number) => `GET /v1/moments?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, 431],
      ['malformed HTTP', () => 'GET / HTTP/1.1\r\nBad Header Line\r\n\r\n', 400],
    ])('answers too large or malformed %s with a problem document', async (_what, request, expected) => {
      const gw = await gateway();
      try {
        const raw = await new Promise<string>((resolve, reject) => {
          const socket = net.connect(gw.server.port, '127.0.0.1', () => socket.write(request(gw.server.port)));
          let text = '';
          socket.on('data', (c) => { text += c; });
          socket.on('end', () => resolve(text));
          socket.on('error', reject);
        });
        const [head, body] = raw.split('\r\n\r\n');
        expect(head).toMatch(new RegExp(`^HTTP/1.1 ${expected} `));
        expect(head).toMatch(/content-type: application\/problem\+json/i);
        expect(JSON.parse(body!)).toMatchObject({ status: expected, type: expect.any(String), title: expect.any(String) });
      } finally {
        await gw.close();
      }
    });
  });

  describe('access_token in the query', () => {
    it('is accepted on the EventSource routes only, and never reaches a log line', async () => {
      const lines: string[] = [];
      const log = createLogger('oof-gateway', 'trace', new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } }));
      const feed = new MomentFeed(db, testEnv().databaseUrl, testLog);
      await feed.start();
      const token = mintServiceToken(SECRET, 'ops');
      let gw: TestGateway | undefined;
      try {
        gw = await startGatewayWith({ config: testConfig({ SERVICE_IDS: 'ops', AUTH_ALLOW_ANONYMOUS: 'false' }), db, temporal: temporal.client, log, feed });
        const q = `access_token=${encodeURIComponent(token)}`;
        for (const path of [`/v1/moments?${q}`, `/v1/wallets/So11111111111111111111111111111111111111112/summary?${q}`, `/v1/analyses/01ARZ3NDEKTSV4RRFFQ69G5FAV?${q}`, `/metrics?${q}`, `/health/detailed?${q}`]) {
          const res = await fetch(`${gw.url}${path}`);
          expect([path, res.status]).toEqual([path, 400]);
          expect((await res.json()).detail).toMatch(/only on the EventSource routes/);
        }
        const ac = new AbortController();
        const stream = await fetch(`${gw.url}/v1/stream/moments?${q}`, { signal: ac.signal });
        expect(stream.status).toBe(200);
        ac.abort();
        expect((await fetch(`${gw.url}/v1/analyses/01ARZ3NDEKTSV4RRFFQ69G5FAV/stream?${q}`)).status).toBe(404); // authenticated, then not found
        expect((await fetch(`${gw.url}/v1/stream/moments?wallet=nope&${q}`)).status).toBe(400);
        expect((await fetch(`${gw.url}/v1/stream/moments?access_token=not-a-token`)).status).toBe(401);
        expect((await fetch(`${gw.url}/v1/moments`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      } finally {
        await gw?.close();
        await feed.stop();
      }
      const text = lines.join('');
      expect(lines.length).toBeGreaterThan(10);
      expect(text).not.toContain(token);
      expect(text).not.toContain(encodeURIComponent(token));
      expect(text).not.toContain(token.split('.')[2]!);
      expect(text).not.toContain('not-a-token');
    });
  });
});
