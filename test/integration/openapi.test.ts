import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import bs58 from 'bs58';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { createApp, routesOf } from '../../gateway/app';
import { renderApiReference } from '../../gateway/api-reference';
import { momentId } from '../../domain/detection/moment';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { testConfig, testLog, useDbAndTemporal } from '../helpers/env';
import { postJson, startTestGateway, type TestGateway } from '../helpers/gateway';

describe('/openapi.json', () => {
  const services = useDbAndTemporal();
  let gw: TestGateway;
  let doc: any;
  beforeAll(async () => {
    gw = await startTestGateway(testConfig(), services.db, services.client);
    doc = await (await fetch(`${gw.url}/openapi.json`)).json();
  });
  services.beforeClose(() => gw?.close());

  it('documents every route the gateway serves, and nothing it does not', async () => {
    const app = createApp({ config: testConfig(), db: services.db, temporal: services.client, log: testLog });
    const served = routesOf(app).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`).sort();
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    expect(documented).toEqual(served);
    expect(served.length).toBeGreaterThanOrEqual(14);
    // Schemas come from the validators themselves.
    const analyze = doc.paths['/v1/analyze'].post.requestBody.content['application/json'].schema;
    expect(analyze.properties.wallets).toMatchObject({ type: 'array', minItems: 1, maxItems: 25 });
    const params = doc.paths['/v1/moments'].get.parameters.map((p: any) => p.name).sort();
    expect(params).toEqual(['cursor', 'includeSpam', 'kind', 'limit', 'minSeverity', 'since', 'wallet']);
  });

  it('describes the bodies the routes really answer with', async () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: 'oof', components: doc.components });
    const check = (name: string, body: unknown) => {
      const ok = ajv.validate({ $ref: `oof#/components/schemas/${name}` }, body);
      expect({ name, errors: ok ? null : ajv.errors }).toEqual({ name, errors: null });
    };
    const wallet = bs58.encode(randomBytes(32)); // nobody else's moments
    const at = Date.parse('2025-02-01T00:00:00Z');
    await upsertMoments(services.db, [{ id: momentId(at, wallet, 'S2E', 'So11111111111111111111111111111111111111112', 'oapi1'), kind: 'S2E', wallet, mint: 'So11111111111111111111111111111111111111112', signature: 'oapi1', at: '2025-02-01T00:00:00Z', pct: '0.5', missedUsd: '12.50', severity: '0.4000', status: 'final', explain: { tradePrice: '100' } }]);

    const accepted = await postJson(`${gw.url}/v1/analyze`, { wallets: [wallet] });
    expect(accepted.status).toBe(202);
    const a = await accepted.json();
    check('AnalysisAccepted', a);
    check('Analysis', await (await fetch(`${gw.url}${a.links.self}`)).json());
    check('WalletSummary', await (await fetch(`${gw.url}/v1/wallets/${wallet}/summary`)).json());
    const page = await (await fetch(`${gw.url}/v1/moments?wallet=${wallet}`)).json();
    expect(page.moments).toHaveLength(1);
    for (const m of page.moments) check('Moment', m);
    check('Problem', await (await fetch(`${gw.url}/v1/moments?limit=0`)).json());
    const destination = await (await postJson(`${gw.url}/v1/alerts/destinations`, { kind: 'webhook', url: 'http://127.0.0.1:9/hook', wallets: [wallet] })).json();
    check('AlertDestination', destination);
    check('AlertDestination', await (await fetch(`${gw.url}${destination.links.self}`)).json());
    // The schemas bite: a summary without its totals is not one.
    expect(ajv.validate({ $ref: 'oof#/components/schemas/WalletSummary' }, { wallet })).toBe(false);
  });

  it('is what docs/api.md says (run `npm run docs:api` after changing the API)', async () => {
    const written = readFileSync(path.resolve(__dirname, '../../docs/api.md'), 'utf8');
    expect(written).toBe(renderApiReference(doc));
    for (const route of Object.keys(doc.paths)) expect(written).toContain(` ${route}\n`);
  });
});
