import { createApp, routesOf } from '../../gateway/app';
import { testConfig, testLog, useDbAndTemporal } from '../helpers/env';
import { startTestGateway } from '../helpers/gateway';

describe('/openapi.json', () => {
  const services = useDbAndTemporal();

  it('documents every route the gateway serves, and nothing it does not', async () => {
    const app = createApp({ config: testConfig(), db: services.db, temporal: services.client, log: testLog });
    const served = routesOf(app).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`).sort();
    const gw = await startTestGateway(testConfig(), services.db, services.client);
    try {
      const doc = await (await fetch(`${gw.url}/openapi.json`)).json();
      expect(doc.openapi).toBe('3.1.0');
      const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
      expect(documented).toEqual(served);
      expect(served.length).toBeGreaterThanOrEqual(14);
      // Schemas come from the validators themselves.
      const analyze = doc.paths['/v1/analyze'].post.requestBody.content['application/json'].schema;
      expect(analyze.properties.wallets).toMatchObject({ type: 'array', minItems: 1, maxItems: 25 });
      const params = doc.paths['/v1/moments'].get.parameters.map((p: any) => p.name).sort();
      expect(params).toEqual(['cursor', 'kind', 'limit', 'minSeverity', 'since', 'wallet']);
    } finally {
      await gw.close();
    }
  });
});
