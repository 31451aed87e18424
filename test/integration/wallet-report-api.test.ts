import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { momentId, type Moment } from '../../domain/detection/moment';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { oofScore } from '../../domain/report/score';
import type { NormalizedTx } from '../../domain/parsing/normalized';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { startTestWorker, testConfig, uniqueQueue, useDbAndTemporal } from '../helpers/env';
import { FakeDynamic } from '../helpers/dynamic';
import { startGatewayWith, type TestGateway } from '../helpers/gateway';
import { storeHistory } from '../helpers/store-history';
import { runOof } from '../helpers/cli';

const wallet = () => bs58.encode(randomBytes(32));
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const SOL = 'So11111111111111111111111111111111111111112';

/**
 * Alice owns W1 and W2: she buys 10 TOK for $100 in W1, moves 4 to W2, sells those for $60 from W2 and the other 6
 * for $30 from W1; one transaction pays a 5000-lamport fee with SOL at $100. Alone, W1 sent 4 TOK away (at cost $40)
 * and lost $30 on its sale; as one owner she made $20 on the first sale and lost $30 on the second.
 */
describe('wallet report API', () => {
  const dynamic = new FakeDynamic();
  const env = useDbAndTemporal();
  let db: Db;
  let gw: TestGateway;
  let config: Config;
  const W1 = wallet();
  const W2 = wallet();
  const W3 = wallet();
  const TOK = wallet();
  const t = (h: number) => new Date(Date.parse('2025-02-01T00:00:00Z') + h * 3_600_000).toISOString().replace('.000Z', 'Z');
  const tx = (w: string, h: number, sig: string, actions: NormalizedTx['actions'], fee = '0'): NormalizedTx =>
    ({ signature: `${sig}${W1.slice(0, 8)}`, slot: h, blockTime: t(h), wallet: w, failed: false, feeLamports: fee, feePayer: w, actions });
  const history: NormalizedTx[] = [
    tx(W1, 1, 'buy', [{ kind: 'swap', sent: { mint: USDC, amount: '100' }, received: { mint: TOK, amount: '10' } }], '5000'),
    tx(W1, 2, 'move', [{ kind: 'transfer_out', sent: { mint: TOK, amount: '4' }, received: null, counterparty: W2 }]),
    tx(W2, 2, 'move', [{ kind: 'transfer_in', sent: null, received: { mint: TOK, amount: '4' }, counterparty: W1 }]),
    tx(W2, 3, 'sellA', [{ kind: 'swap', sent: { mint: TOK, amount: '4' }, received: { mint: USDC, amount: '60' } }]),
    tx(W1, 4, 'sellB', [{ kind: 'swap', sent: { mint: TOK, amount: '6' }, received: { mint: USDC, amount: '30' } }]),
  ];
  const moment: Moment = { id: momentId(Date.parse(t(3)), W2, 'S2E', TOK, history[3]!.signature), kind: 'S2E', wallet: W2, mint: TOK, signature: history[3]!.signature, at: new Date(Date.parse(t(3))).toISOString(), pct: '0.5', missedUsd: '50.00', severity: '0.6000', status: 'final', explain: {} };
  const as = async (who: 'alice' | 'bob', path: string, init: RequestInit = {}) =>
    fetch(`${gw.url}${path}`, { ...init, headers: { authorization: `Bearer ${await dynamic.token(who === 'alice' ? 'alice-0000-4000-8000-000000000001' : 'bob-00000-4000-8000-000000000002', who === 'alice' ? [W1, W2] : [W3])}`, ...(init.headers as Record<string, string>) } });
  const post = async (who: 'alice' | 'bob', path: string, body: unknown, headers: Record<string, string> = {}) =>
    as(who, path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    await dynamic.addKey('k1');
    await dynamic.start();
    db = env.db;
    config = testConfig({ ...dynamic.config(), TEMPORAL_TASK_QUEUE: uniqueQueue('report') });
    gw = await startGatewayWith({ config, db, temporal: env.client });
    await storeHistory(db, history);
    await db('price_points').insert([{ mint: SOL, ts: t(0), usd: '100', source: 'test' }, { mint: TOK, ts: t(4), usd: '5', source: 'test' }]).onConflict(['mint', 'ts', 'source']).ignore();
    await upsertMoments(db, [moment]);
  });
  env.beforeClose(() => dynamic.stop());
  env.beforeClose(() => gw?.close());

  it('reports one wallet: its transfer to another of her wallets leaves at cost when the report is of that wallet alone', async () => {
    const r = await as('alice', `/v1/wallets/${W1}/report`);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-report-source')).toBe('computed');
    const body = await r.json();
    expect(body.wallets).toEqual([W1]);
    expect(body.totals).toMatchObject({ realizedPnlUsd: '-30', feesUsd: '0.0005', netPnlUsd: '-30.0005', volumeUsd: '130', sells: 1, winningSells: 0, winRate: '0.0000' });
    expect(body.positions.find((p: any) => p.mint === TOK)).toMatchObject({ held: '0', costBasisUsd: '0', priceUsd: '5', realizedPnlUsd: '-30' });
    expect(body.oof).toMatchObject({ score: 0, moments: 0, worstMoment: null });
    expect(body.card.url).toMatch(new RegExp(`^/v1/cards/wallet/${W1}-[0-9a-f]{10}\\.png$`));
    expect(body.chart.at(-1)).toEqual([t(4), '-30.0005']);
    // The same question again: from this process' memory, byte for byte.
    const again = await as('alice', `/v1/wallets/${W1}/report`);
    expect(again.headers.get('x-report-source')).toBe('memory');
    expect(await again.json()).toEqual(body);
  });

  it('reports one owner\'s wallets (her verified ones by default) with one FIFO across them, and her OOF score', async () => {
    const r = await post('alice', '/v1/reports', {});
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.wallets).toEqual([W1, W2].sort());
    expect(body.totals).toMatchObject({ realizedPnlUsd: '-10', feesUsd: '0.0005', netPnlUsd: '-10.0005', volumeUsd: '190', sells: 2, winningSells: 1, winRate: '0.5000' });
    expect(body.oof.moments).toBe(1);
    expect(body.oof.worstMoment).toMatchObject({ id: moment.id, missedUsd: '50', kind: 'S2E' });
    expect(body.oof.score).toBe(oofScore([moment], '190', Date.parse(body.now)).score);
    expect(body.card).toBeNull();
  });

  it('refuses wallets the caller may not read, and bad input, as problem+json', async () => {
    const forbidden = await post('bob', '/v1/reports', { wallets: [W1] });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await as('bob', `/v1/wallets/${W1}/report`)).status).toBe(403);
    for (const [path, init] of [
      [`/v1/wallets/${W1}/report?from=yesterday`, {}],
      [`/v1/wallets/${W1}/report?from=2025-03-01&to=2025-02-01`, {}],
      [`/v1/wallets/${W1}/report?export=trades`, {}],
      ['/v1/wallets/not-an-address/report', {}],
    ] as const) {
      const r = await as('alice', path, init);
      expect({ path, status: r.status, type: r.headers.get('content-type') }).toEqual({ path, status: 400, type: expect.stringMatching(/problem\+json/) });
    }
    const tooMany = await post('alice', '/v1/reports', { wallets: Array.from({ length: 26 }, wallet) });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).detail).toMatch(/at most 25/);
  });

  it('exports the positions and every trade with its lots as CSV', async () => {
    const positions = await as('alice', `/v1/wallets/${W1}/report.csv`);
    expect(positions.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await positions.text()).trim().split('\n');
    expect(lines[0]).toBe('mint,symbol,held,cost_basis_usd,price_usd,value_usd,realized_pnl_usd,unrealized_pnl_usd,unknown_cost_qty');
    // An unknown token is named by its short mint.
    expect(lines).toContain(`${TOK},${TOK.slice(0, 4)}…${TOK.slice(-5)},0,0,5,0,-30,0,0`);
    const viaAccept = await post('alice', '/v1/reports?export=trades', {}, { accept: 'text/csv' });
    expect(viaAccept.status).toBe(200);
    const trades = (await viaAccept.text()).trim().split('\n');
    expect(trades[0]).toBe('date,signature,wallet,mint,kind,qty,proceeds_usd,cost_usd,realized_usd,lot_date,lot_signature');
    const sells = trades.filter((l) => l.includes(',sell,'));
    expect(sells).toEqual([
      `${t(3)},${history[3]!.signature},${W2},${TOK},sell,4,60,40,20,${t(1)},${history[0]!.signature}`,
      `${t(4)},${history[4]!.signature},${W1},${TOK},sell,6,30,60,-30,${t(1)},${history[0]!.signature}`,
    ]);
  });

  it('is computed anew when the history changes, and stores the daily score', async () => {
    const before = await (await as('alice', `/v1/wallets/${W1}/report`)).json();
    await storeHistory(db, [tx(W1, 5, 'buy2', [{ kind: 'swap', sent: { mint: USDC, amount: '10' }, received: { mint: TOK, amount: '2' } }])]);
    const r = await as('alice', `/v1/wallets/${W1}/report`);
    expect(r.headers.get('x-report-source')).toBe('computed');
    const after = await r.json();
    expect(after.totals.volumeUsd).toBe('140');
    expect(after.positions.find((p: any) => p.mint === TOK)).toMatchObject({ held: '2', costBasisUsd: '10', valueUsd: '10', unrealizedPnlUsd: '0' });
    // Nothing the card shows changed (no sale, no unrealized PnL at cost, same moments): the same card version.
    expect(after.card.version).toBe(before.card.version);
    const days = await (await as('alice', `/v1/wallets/${W1}/score-history`)).json();
    expect(days.days.length).toBeGreaterThan(0);
    expect(days.days.at(-1)).toEqual(after.scoreHistory.at(-1));
  });

  it('draws the wallet card (versioned, immutable) and its share page', async () => {
    const view = await (await as('alice', `/v1/wallets/${W1}/report`)).json();
    const png = await fetch(`${gw.url}${view.card.url}`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('cache-control')).toMatch(/immutable/);
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1200, 630]);
    expect(bytes.toString('latin1')).toContain(`OOF score ${view.oof.score}`);
    const latest = await fetch(`${gw.url}${view.card.latestUrl}`, { redirect: 'manual' });
    expect(latest.status).toBe(302);
    expect(latest.headers.get('location')).toBe(view.card.url);
    const page = await fetch(`${gw.url}${view.card.shareUrl}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    // The absolute URL of this version of the card, for every unfurler.
    for (const meta of ['og:image', 'twitter:image']) expect(html).toContain(`"${meta}" content="${gw.url}${view.card.url}"`);
    expect(html).toContain('name="twitter:card" content="summary_large_image"');
    expect(html).toMatch(/name="fc:miniapp" content="[^"]*launch_miniapp/);
    expect(html).toContain('−$30 net');
    expect((await fetch(`${gw.url}/v1/cards/wallet/nope.png`)).status).toBe(400);
  });

  it('oof report --wallet W --csv reads the same exports from the gateway', async () => {
    const token = await dynamic.token('alice-0000-4000-8000-000000000001', [W1, W2]);
    const oof = (args: string[]) => runOof(['report', ...args, '--gateway', gw.url, '--token', token]);
    const [csv, trades, json, refused] = await Promise.all([
      oof(['--wallet', W1, '--csv']),
      oof(['--wallet', W1, '--wallet', W2, '--csv', '--trades']),
      oof(['--wallet', W1]),
      oof(['--wallet', W3, '--csv']),
    ]);
    expect(csv).toMatchObject({ code: 0, stderr: '' });
    expect(csv.stdout).toBe(await (await as('alice', `/v1/wallets/${W1}/report.csv`)).text());
    expect(trades.code).toBe(0);
    expect(trades.stdout).toBe(await (await post('alice', '/v1/reports?export=trades', { wallets: [W1, W2] }, { accept: 'text/csv' })).text());
    expect(trades.stdout.split('\n').filter((l) => l.includes(',sell,'))).toHaveLength(2);
    expect(JSON.parse(json.stdout).totals).toEqual((await (await as('alice', `/v1/wallets/${W1}/report`)).json()).totals);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^oof: report: 403 /);
  });

  it('leaves a large history to the worker (through the typed client) and serves what it stored', async () => {
    const queue = uniqueQueue('report-worker');
    const worker = await startTestWorker(queue, db);
    const big = await startGatewayWith({ config: testConfig({ ...dynamic.config(), TEMPORAL_TASK_QUEUE: queue, REPORT_WORKER_MIN_ACTIONS: '1' }), db, temporal: env.client });
    try {
      const token = await dynamic.token('alice-0000-4000-8000-000000000001', [W1, W2]);
      const r = await fetch(`${big.url}/v1/reports`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ wallets: [W2, W1], to: '2025-02-01T12:00:00Z' }) });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-report-source')).toBe('worker');
      const body = await r.json();
      expect(body.totals.realizedPnlUsd).toBe('-10');
      expect(body.now).toBe('2025-02-01T12:00:00Z');
      const cached = await fetch(`${big.url}/v1/reports`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ wallets: [W1, W2], to: '2025-02-01T12:00:00Z' }) });
      expect(cached.headers.get('x-report-source')).toBe('memory');
    } finally {
      await big.close();
      await worker.stop();
    }
  });
});
