import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { createApp, routesOf } from '../../gateway/app';
import { mintServiceToken } from '../../gateway/auth/service-token';
import { MomentFeed } from '../../gateway/streams/moment-feed';
import type { Db } from '../../lib/db';
import { temporalClient, testConfig, testDb, testEnv, testLog, uniqueQueue } from '../helpers/env';
import { startGatewayWith, type TestGateway } from '../helpers/gateway';
import { asText, fuzzOf } from '../helpers/schema-arbitrary';

const APP_SECRET = 'test-secret-test-secret-test-secret-0123';
const HOOK = 'Bearer fuzz-secret-123';
/** What an answer must never show: our secrets, stack traces, file paths, SQL. */
const LEAKS = [/\n\s+at .+:\d+:\d+/, new RegExp(APP_SECRET), /\/work\//, /node_modules/, /\.ts:\d+/, /\bselect .* from\b/i, /syntax error at/i, /\bknex\b/i, /ECONNREFUSED/];

describe('fuzzed requests on every route: never a 5xx, never a stack trace', () => {
  let db: Db;
  let gw: TestGateway;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let feed: MomentFeed;
  let routes: Array<{ method: string; path: string }> = [];
  const config = () => testConfig({
    TEMPORAL_TASK_QUEUE: uniqueQueue('fuzz'), HELIUS_WEBHOOK_AUTH: HOOK, SERVICE_IDS: 'fuzz', METRICS_TOKEN: 'metrics-token-0123456789',
    RATE_LIMIT_IP_PER_MINUTE: '100000', RATE_LIMIT_USER_PER_MINUTE: '100000', RATE_LIMIT_WALLET_ANALYSES_PER_HOUR: '100000', ANALYSES_PER_USER_PER_DAY: '100000',
    AUTH_FAILURES_PER_MINUTE: '100000', RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
    // /health/detailed checks Jupiter: a closed local port, never the real host.
    JUPITER_BASE_URL: 'http://127.0.0.1:9',
  });

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    feed = new MomentFeed(db, testEnv().databaseUrl, testLog);
    await feed.start();
    gw = await startGatewayWith({ config: config(), db, temporal: temporal.client, feed });
    routes = routesOf(createApp({ config: config(), db, temporal: temporal.client, log: testLog })).filter((r) => !r.path.includes('stream'));
  });
  afterAll(async () => {
    await gw?.close();
    await feed?.stop();
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

  it('holds for requests built from /openapi.json: every error a problem document, every success as documented, nothing leaked', async () => {
    const doc = await (await fetch(`${gw.url}/openapi.json`)).json();
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: 'oof', components: doc.components });
    const rebase = (schema: unknown) => JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"oof#/components/'));
    const operations = Object.entries<Record<string, any>>(doc.paths).flatMap(([path, ops]) => Object.entries<any>(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
    expect(operations.length).toBeGreaterThanOrEqual(16);
    const credentials = fc.constantFrom<Record<string, string>>(
      {}, { authorization: `Bearer ${mintServiceToken(APP_SECRET, 'fuzz')}` }, { authorization: `Bearer ${mintServiceToken(APP_SECRET, 'intruder')}` },
      { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.' }, { authorization: HOOK }, { authorization: 'Bearer metrics-token-0123456789' }, { authorization: 'Basic Zm9vOmJhcg==' },
    );
    const request = fc.nat({ max: operations.length - 1 }).chain((i) => {
      const { path, method, op } = operations[i]!;
      const params: any[] = op.parameters ?? [];
      const inPath = params.filter((p) => p.in === 'path');
      const inQuery = params.filter((p) => p.in === 'query');
      const inHeader = params.filter((p) => p.in === 'header');
      const body = op.requestBody?.content?.['application/json']?.schema;
      return fc.record({
        i: fc.constant(i),
        path: fc.tuple(...inPath.map((p) => fuzzOf(p.schema, doc).map(asText)), fc.constant('')).map((vals) => inPath.reduce((acc, p, k) => acc.replace(`{${p.name}}`, encodeURIComponent(vals[k]!) || '%20'), path)),
        query: fc.record(Object.fromEntries([...inQuery, { name: 'access_token', schema: { type: 'string' } }].map((p) => [p.name, fuzzOf(p.schema, doc).map(asText)])), { requiredKeys: [] }),
        headers: fc.record(Object.fromEntries(inHeader.map((p) => [p.name.toLowerCase(), fuzzOf(p.schema, doc).map(asText)])), { requiredKeys: [] }),
        credentials,
        body: body ? fuzzOf(body, doc).map((v) => JSON.stringify(v) ?? 'null') : fc.constant(undefined),
        contentType: fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded'),
      }).map((r) => ({ ...r, method, op, template: path }));
    });

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { ...r.credentials };
        for (const [k, v] of Object.entries(r.headers)) if (/^[\x21-\x7e][\x20-\x7e]*$/.test(v as string)) headers[k] = v as string;
        if (r.body !== undefined) headers['content-type'] = r.contentType;
        const qs = new URLSearchParams(r.query as Record<string, string>).toString();
        const ac = new AbortController();
        const res = await fetch(`${gw.url}${r.path}${qs ? `?${qs}` : ''}`, { method: r.method, headers, body: r.body, signal: ac.signal, redirect: 'manual' });
        const where = `${r.method} ${r.template} → ${res.status}`;
        const type = res.headers.get('content-type') ?? '';
        if (type.startsWith('text/event-stream')) {
          ac.abort();
          expect([where, res.status]).toEqual([where, 200]);
          return;
        }
        const text = await res.text();
        expect([where, res.status < 500]).toEqual([where, true]);
        for (const leak of LEAKS) expect([where, leak.test(text)]).toEqual([where, false]);
        if (res.status >= 400) {
          expect([where, type]).toEqual([where, expect.stringMatching(/^application\/problem\+json/)]);
          expect(JSON.parse(text)).toMatchObject({ status: res.status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String) });
          return;
        }
        const schema = r.op.responses?.[String(res.status)]?.content?.['application/json']?.schema;
        if (schema && type.startsWith('application/json')) {
          const ok = ajv.validate(rebase(schema), JSON.parse(text));
          expect([where, ok ? null : ajv.errors]).toEqual([where, null]);
        }
      }),
      { numRuns: 500 },
    );
  }, 180_000);
});
