import http from 'node:http';
import { EventSource } from 'eventsource';
import { momentId, type Moment } from '../../domain/detection/moment';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { createApp } from '../../gateway/app';
import { listen, type RunningServer } from '../../gateway/server';
import { MomentFeed } from '../../gateway/streams/moment-feed';
import { freePort } from '../../lib/temporal-dev-server';
import { eventually, testConfig, testEnv, testLog, useDbAndTemporal } from '../helpers/env';

const W = 'Cq4Zt8Wn2Lp6Xv9Bs3Hm7Jd1Fk5Ry8Ta2Ue6Go4Ni9Vc';
const m = (i: number, pad = ''): Moment => {
  const at = Date.parse('2025-03-01T00:00:00Z') + i * 60_000;
  return { id: momentId(at, W, 'S2E', 'So11111111111111111111111111111111111111112', `sseres${i}`), kind: 'S2E', wallet: W, mint: 'So11111111111111111111111111111111111111112', signature: `sseres${i}`, at: new Date(at).toISOString().replace('.000Z', 'Z'), pct: '0.5', missedUsd: '50.00', severity: '0.5000', status: 'final', explain: { pad } };
};

describe('SSE resilience', () => {
  const services = useDbAndTemporal();

  async function gateway(port: number, extra: Record<string, string> = {}): Promise<{ server: RunningServer; feed: MomentFeed }> {
    const feed = new MomentFeed(services.db, testEnv().databaseUrl, testLog);
    await feed.start();
    const app = createApp({ config: testConfig({ PORT: String(port), SSE_HEARTBEAT_MS: '200', METRICS_TOKEN: 'metrics-token-0123456789', ...extra }), db: services.db, temporal: services.client, log: testLog, feed });
    return { server: await listen(app, port, '127.0.0.1'), feed };
  }

  it('a client reconnecting after a gateway restart gets every event exactly once', async () => {
    const port = await freePort();
    let gw = await gateway(port);
    const got: number[] = [];
    const es = new EventSource(`http://127.0.0.1:${port}/v1/stream/moments?wallet=${W}`);
    es.addEventListener('moment.created', (e) => got.push(Number(e.lastEventId)));
    await new Promise<void>((r) => { es.onopen = () => r(); });
    try {
      await upsertMoments(services.db, [m(1), m(2)]);
      await eventually(async () => (got.length >= 2 ? true : undefined), 10_000, 20);
      await gw.server.close(100);
      await gw.feed.stop();
      await upsertMoments(services.db, [m(3)]); // published while no gateway runs
      gw = await gateway(port);
      await upsertMoments(services.db, [m(4)]);
      await eventually(async () => (got.length >= 4 ? true : undefined), 15_000, 50);
      await new Promise((r) => setTimeout(r, 300));
      expect(got).toHaveLength(4);
      expect(new Set(got).size).toBe(4);
      expect(got).toEqual([...got].sort((a, b) => a - b));
    } finally {
      es.close();
      await gw.server.close(100);
      await gw.feed.stop();
    }
  }, 30_000);

  it('drops a client that stops reading, without slowing the others', async () => {
    const port = await freePort();
    const gw = await gateway(port, { SSE_MAX_BUFFERED_BYTES: '4096' });
    const fast: number[] = [];
    const es = new EventSource(`http://127.0.0.1:${port}/v1/stream/moments?wallet=${W}`);
    es.addEventListener('moment.created', (e) => fast.push(Number(e.lastEventId)));
    await new Promise<void>((r) => { es.onopen = () => r(); });
    // A client that connects and then never reads: its socket buffers fill, the server gives up on it.
    let slowClosed = false;
    const req = http.get(`http://127.0.0.1:${port}/v1/stream/moments?wallet=${W}`, (res) => {
      res.pause();
      res.socket.pause();
      res.on('close', () => { slowClosed = true; });
      res.on('aborted', () => { slowClosed = true; });
    });
    req.on('error', () => { slowClosed = true; });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const big = 'x'.repeat(1_000_000); // 30 MB in all: more than loopback socket buffers absorb
      for (let i = 10; i < 40; i++) await upsertMoments(services.db, [m(i, big)]);
      await eventually(async () => (fast.length >= 30 ? true : undefined), 20_000, 50);
      expect(fast).toHaveLength(30);
      // The server let go of the one that stopped reading (a paused client cannot even notice): one stream is left.
      const streams = async () => Number(/oof_sse_clients (\d+)/.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).text())?.[1]);
      await eventually(async () => ((await streams()) === 1 ? true : undefined), 10_000, 100);
      void slowClosed;
    } finally {
      es.close();
      req.destroy();
      await gw.server.close(100);
      await gw.feed.stop();
    }
  }, 40_000);
});
