import fc from 'fast-check';
import { createApp, routesOf } from '../../gateway/app';
import type { Db } from '../../lib/db';
import { temporalClient, testConfig, testDb, testLog, uniqueQueue } from '../helpers/env';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('fuzzed requests on every route: never a 5xx, never a stack trace', () => {
  let db: Db;
  let gw: TestGateway;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let routes: Array<{ method: string; path: string }> = [];
  const config = () => testConfig({ TEMPORAL_TASK_QUEUE: uniqueQueue('fuzz'), HELIUS_WEBHOOK_AUTH: 'Bearer fuzz-secret-123', RATE_LIMIT_IP_PER_MINUTE: '100000', RATE_LIMIT_USER_PER_MINUTE: '100000', RATE_LIMIT_WALLET_ANALYSES_PER_HOUR: '100000', ANALYSES_PER_USER_PER_DAY: '100000' });

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    gw = await startTestGateway(config(), db, temporal.client);
    routes = routesOf(createApp({ config: config(), db, temporal: temporal.client, log: testLog })).filter((r) => !r.path.includes('stream'));
  });
  afterAll(async () => {
    await gw?.close();
    await temporal?.close();
    await db?.destroy();
  });

  const segment = fc.oneof(fc.string(), fc.constantFrom('01ARZ3NDEKTSV4RRFFQ69G5FAV', '01ARZ3NDEKTSV4RRFFQ69G5FAV.png', 'So11111111111111111111111111111111111111112', '%', '..', '%00', 'a'.repeat(3000)));
  const query = fc.dictionary(fc.constantFrom('wallet', 'kind', 'limit', 'cursor', 'minSeverity', 'since', 'x', 'access_token'), fc.oneof(fc.string(), fc.constantFrom('-1', '1e309', 'S2E', '0.5', 'null', '[]')), { maxKeys: 4 });
  const body = fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string(), fc.constant('{"wallets":["So11111111111111111111111111111111111111112"],"from":"2025-13-45T99:99:99Z"}'), fc.constant('[' + '{}'.repeat(3) + ']'));
  const headers = fc.record({
    authorization: fc.oneof(fc.constant(''), fc.string().map((s) => `Bearer ${s}`), fc.constant('Bearer a.b.c'), fc.constant('Bearer fuzz-secret-123'), fc.constant('Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.')),
    'content-type': fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', ''),
    'last-event-id': fc.oneof(fc.constant(''), fc.string({ maxLength: 30 })),
    'idempotency-key': fc.oneof(fc.constant(''), fc.string({ maxLength: 300 })),
  });

  it('holds for random paths, queries, headers and bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), segment, query, headers, body, async (i, seg, q, h, b) => {
        const route = routes[i % routes.length]!;
        const path = route.path.replace(/:\w+/g, encodeURIComponent(seg));
        const qs = new URLSearchParams(q).toString();
        const hdrs: Record<string, string> = {};
        for (const [k, v] of Object.entries(h)) if (v && /^[\x20-\x7e]*$/.test(v)) hdrs[k] = v;
        const res = await fetch(`${gw.url}${path}${qs ? `?${qs}` : ''}`, { method: route.method, headers: hdrs, ...(route.method === 'POST' ? { body: b } : {}) });
        const text = await res.text();
        expect([route.method, route.path, res.status]).toEqual([route.method, route.path, expect.any(Number)]);
        expect(res.status).toBeLessThan(500);
        expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
      }),
      { numRuns: 400 },
    );
  }, 120_000);
});
