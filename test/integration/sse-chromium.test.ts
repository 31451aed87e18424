import http from 'node:http';
import type { Browser } from 'playwright-core';
import { momentId, type Moment } from '../../domain/detection/moment';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { MomentFeed } from '../../gateway/streams/moment-feed';
import type { Db } from '../../lib/db';
import { eventually, temporalClient, testConfig, testDb, testEnv, testLog } from '../helpers/env';
import { launchChromium } from '../helpers/chromium';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const W = 'Ba7Xc2Vd9Nf4Gh8Jk3Lm6Pq1Rs5Tu8Vw2Xy6Za9Cb4De';

function m(i: number): Moment {
  const at = Date.parse('2025-04-01T00:00:00Z') + i * 60_000;
  return { id: momentId(at, W, 'BHD', 'So11111111111111111111111111111111111111112', `chrome${i}`), kind: 'BHD', wallet: W, mint: 'So11111111111111111111111111111111111111112', signature: `chrome${i}`, at: new Date(at).toISOString().replace('.000Z', 'Z'), pct: '0.4', missedUsd: '40.00', severity: '0.5000', status: 'final', explain: {} };
}

/** The moments stream in a real browser's EventSource (Debian chromium, headless), reconnecting by itself. */
describe('SSE in headless Chromium', () => {
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let feed: MomentFeed;
  let gw: TestGateway;
  let browser: Browser;
  // The page lives on its own origin, as a web app would, and reaches the API through CORS.
  const page = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>oof</title>'));
  let pageUrl = '';

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    feed = new MomentFeed(db, testEnv().databaseUrl, testLog);
    await feed.start();
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    pageUrl = `http://127.0.0.1:${(page.address() as any).port}`;
    gw = await startTestGateway(testConfig({ SSE_HEARTBEAT_MS: '500', CORS_ORIGINS: pageUrl }), db, temporal.client, undefined, undefined, feed);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    page.close();
    await gw?.close();
    await feed?.stop();
    await temporal?.close();
    await db?.destroy();
  });

  it('delivers live moments to a browser EventSource, which resumes by itself with Last-Event-ID', async () => {
    const tab = await browser.newPage();
    await tab.goto(pageUrl);
    await tab.evaluate(([api, wallet]) => {
      const w = globalThis as any;
      w.got = [];
      const es = new EventSource(`${api}/v1/stream/moments?wallet=${wallet}`);
      es.addEventListener('moment.created', (e: any) => w.got.push(Number(e.lastEventId)));
      w.es = es;
    }, [gw.url, W]);
    await tab.waitForFunction(() => (globalThis as any).es.readyState === 1);
    await upsertMoments(db, [m(1), m(2)]);
    await eventually(async () => ((await tab.evaluate(() => (globalThis as any).got.length)) >= 2 ? true : undefined), 10_000, 50);
    // The server drops every stream; the browser reconnects on its own (retry: 3000) and sends Last-Event-ID.
    await gw.server.server.closeAllConnections();
    await upsertMoments(db, [m(3)]);
    await eventually(async () => ((await tab.evaluate(() => (globalThis as any).got.length)) >= 3 ? true : undefined), 15_000, 100);
    const got: number[] = await tab.evaluate(() => (globalThis as any).got);
    expect(got).toHaveLength(3);
    expect(new Set(got).size).toBe(3);
    expect(got).toEqual([...got].sort((a, b) => a - b));
  }, 40_000);
});
