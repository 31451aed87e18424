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
    /** A gateway whose RPC, Jupiter and JWKS are local servers that count the calls they get. */
    const withDependencies = async (run: (gw: TestGateway, deps: { rpc: Awaited<ReturnType<typeof countingServer>>; jupiter: Awaited<ReturnType<typeof countingServer>>; dynamic: FakeDynamic }) => Promise<void>) => {
      const rpc = await countingServer();
      const jupiter = await countingServer('{}');
      const dynamic = new FakeDynamic();
      await dynamic.addKey('k1');
      await dynamic.start();
      const gw = await gateway({ ...dynamic.config(), ADMIN_USER_IDS: 'the-admin', RPC_PRIMARY: rpc.url, JUPITER_BASE_URL: jupiter.url, HEALTH_CACHE_MS: '60000' });
      try {
        await run(gw, { rpc, jupiter, dynamic });
      } finally {
        await gw.close();
        await Promise.all([rpc.close(), jupiter.close(), dynamic.stop()]);
      }
    };

    it('is for operators only: a problem for anonymous callers and users, the checks for admins and services', () => withDependencies(async (gw, { dynamic }) => {
      await isProblem(await fetch(`${gw.url}/health/detailed`), 401);
      const user = await dynamic.token('a-user', []);
      await isProblem(await fetch(`${gw.url}/health/detailed`, { headers: { authorization: `Bearer ${user}` } }), 403);
      const admin = await dynamic.token('the-admin', []);
      const res = await fetch(`${gw.url}/health/detailed`, { headers: { authorization: `Bearer ${admin}` } });
      expect(res.status).toBe(200);
      expect((await res.json()).checks.rpc.ok).toBe(true);
      expect((await fetch(`${gw.url}/health/detailed`, { headers: service() })).status).toBe(200);
    }));

    it('costs one call to each dependency for a burst of operator hits; /health and /health/ready call none', () => withDependencies(async (gw, { rpc, jupiter, dynamic }) => {
      const jwksBefore = dynamic.fetches;
      const burst = await Promise.all(Array.from({ length: 50 }, () => fetch(`${gw.url}/health/detailed`, { headers: service() })));
      expect(burst.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect({ rpc: rpc.hits(), jupiter: jupiter.hits(), jwks: dynamic.fetches - jwksBefore }).toEqual({ rpc: 1, jupiter: 1, jwks: 1 });
      // The probes stay public and never touch the third parties.
      expect((await fetch(`${gw.url}/health`)).status).toBe(200);
      expect((await fetch(`${gw.url}/health/ready`)).status).toBe(200);
      expect({ rpc: rpc.hits(), jupiter: jupiter.hits(), jwks: dynamic.fetches - jwksBefore }).toEqual({ rpc: 1, jupiter: 1, jwks: 1 });
    }));
  });

  describe('/metrics', () => {
    it('labels every unmatched path "unmatched", refused or not found: 200 junk paths add no series of their own', async () => {
      // Without anonymous access a junk /v1 path is refused (401, then 429) before any route matches: those were
      // labelled by their raw path, one series each.
      // (AUTH_FAILURES_PER_MINUTE raised so the 100 failures do not lock this address out of /metrics as well.)
      const gw = await gateway({ AUTH_ALLOW_ANONYMOUS: 'false', AUTH_FAILURES_PER_MINUTE: '1000' });
      try {
        for (let i = 0; i < 100; i++) await fetch(`${gw.url}/v1/junk-${i}`);
        for (let i = 0; i < 100; i++) await fetch(`${gw.url}/junk-${i}`);
        const res = await fetch(`${gw.url}/metrics`, { headers: service() });
        expect(res.status).toBe(200);
        const text = await res.text();
        const unmatched = [...text.matchAll(/^oof_http_request_duration_seconds_count\{[^}]*route="unmatched"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
        expect({ junkLabels: text.split('\n').filter((l) => l.includes('junk')), unmatched }).toEqual({ junkLabels: [], unmatched: 200 });
      } finally {
        await gw.close();
      }
    });

    it('answers only operators or the metrics token', async () => {
      const gw = await gateway({ METRICS_TOKEN: 'scrape-token-0123456789' });
      try {
        await isProblem(await fetch(`${gw.url}/metrics`), 401);
        await isProblem(await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-wrong-wrong' } }), 401);
        expect((await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } })).status).toBe(200);
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

    it('limits token logos per address like the cards: public, and an unknown mint costs an identicon render', async () => {
      const gw = await gateway({ RATE_LIMIT_PUBLIC_PER_MINUTE: '2' });
      try {
        const logo = `${gw.url}/v1/tokens/So11111111111111111111111111111111111111112/logo.png`;
        const statuses = [];
        for (let i = 0; i < 2; i++) statuses.push((await fetch(logo)).status);
        const refused = await fetch(logo);
        expect([...statuses, refused.status]).toEqual([200, 200, 429]);
        expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
        await isProblem(refused, 429);
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
    const token = mintServiceToken(SECRET, 'ops');
    const q = `access_token=${encodeURIComponent(token)}`;
    const W = 'So11111111111111111111111111111111111111112';
    const withGateway = async (run: (gw: TestGateway) => Promise<void>, log = testLog) => {
      const feed = new MomentFeed(db, testEnv().databaseUrl, testLog);
      await feed.start();
      let gw: TestGateway | undefined;
      try {
        gw = await startGatewayWith({ config: testConfig({ SERVICE_IDS: 'ops', AUTH_ALLOW_ANONYMOUS: 'false' }), db, temporal: temporal.client, log, feed });
        await run(gw);
      } finally {
        await gw?.close();
        await feed.stop();
      }
    };

    it('is refused on every route but the EventSource ones, which still take it', () => withGateway(async (gw) => {
      const elsewhere = [`/v1/moments?${q}`, `/v1/wallets/${W}/summary?${q}`, `/v1/analyses/01ARZ3NDEKTSV4RRFFQ69G5FAV?${q}`, `/metrics?${q}`, `/health/detailed?${q}`];
      const answers = [];
      for (const path of elsewhere) {
        const res = await fetch(`${gw.url}${path}`);
        answers.push([path, res.status, ((await res.json().catch(() => ({}))) as { detail?: string }).detail]);
      }
      expect(answers).toEqual(elsewhere.map((path) => [path, 400, expect.stringMatching(/only on the EventSource routes/)]));
      const ac = new AbortController();
      const stream = await fetch(`${gw.url}/v1/stream/moments?${q}`, { signal: ac.signal });
      expect(stream.status).toBe(200);
      ac.abort();
      expect((await fetch(`${gw.url}/v1/analyses/01ARZ3NDEKTSV4RRFFQ69G5FAV/stream?${q}`)).status).toBe(404); // authenticated, then not found
      expect((await fetch(`${gw.url}/v1/stream/moments?wallet=nope&${q}`)).status).toBe(400);
      expect((await fetch(`${gw.url}/v1/stream/moments?access_token=not-a-token`)).status).toBe(401);
      expect((await fetch(`${gw.url}/v1/moments`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }));

    it('never reaches a log line, accepted, refused or invalid', async () => {
      const lines: string[] = [];
      const log = createLogger('oof-gateway', 'trace', new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } }));
      await withGateway(async (gw) => {
        for (const path of [`/v1/stream/moments?${q}`, `/v1/stream/moments?wallet=nope&${q}`, `/v1/moments?${q}`, `/v1/wallets/${W}/summary?${q}`, `/v1/stream/moments?access_token=not-a-token`]) {
          const ac = new AbortController();
          await fetch(`${gw.url}${path}`, { signal: ac.signal });
          ac.abort();
        }
      }, log);
      const text = lines.join('');
      expect(lines.length).toBeGreaterThan(5);
      expect(text).not.toContain(token);
      expect(text).not.toContain(encodeURIComponent(token));
      expect(text).not.toContain(token.split('.')[2]!);
      expect(text).not.toContain('not-a-token');
    });
  });
});
