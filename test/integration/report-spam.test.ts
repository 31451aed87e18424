import { randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { momentId, type Moment } from '../../domain/detection/moment';
import type { NormalizedTx } from '../../domain/parsing/normalized';
import { upsertMoments } from '../../adapters/stores/moments-store';
import { reportScope, reportStamp } from '../../adapters/reports/report-service';
import { upsertTokens } from '../../adapters/stores/token-store';
import type { Db } from '../../lib/db';
import { startTestWorker, testConfig, uniqueQueue, useDbAndTemporal } from '../helpers/env';
import { FakeDynamic } from '../helpers/dynamic';
import { startGatewayWith, type TestGateway } from '../helpers/gateway';
import { storeHistory } from '../helpers/store-history';
import { runOof } from '../helpers/cli';

const address = () => bs58.encode(randomBytes(32));
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';

/**
 * Carol owns W1 and W2. W1 buys TOK and DEN (deny-listed), receives an airdrop AIR (unknown, unverified, unpriced)
 * and a verified one VER, buys GEM and moves one to W2. Issue #19: spam is left out of the report — positions,
 * totals, moments — unless includeSpam=true, and the report says what it left out.
 */
describe('spam in the wallet report', () => {
  const dynamic = new FakeDynamic();
  const env = useDbAndTemporal();
  let db: Db;
  let gw: TestGateway;
  let config: ReturnType<typeof testConfig>;
  const [W1, W2, TOK, DEN, AIR, VER, GEM, OUT] = Array.from({ length: 8 }, address) as [string, string, string, string, string, string, string, string];
  const t = (h: number) => new Date(Date.parse('2025-03-01T00:00:00Z') + h * 3_600_000).toISOString().replace('.000Z', 'Z');
  const tx = (w: string, h: number, sig: string, actions: NormalizedTx['actions']): NormalizedTx =>
    ({ signature: `${sig}${W1.slice(0, 8)}`, slot: h, blockTime: t(h), wallet: w, failed: false, feeLamports: '0', feePayer: w, actions });
  const history: NormalizedTx[] = [
    tx(W1, 1, 'buy', [{ kind: 'swap', sent: { mint: USDC, amount: '100' }, received: { mint: TOK, amount: '10' } }]),
    tx(W1, 1, 'den', [{ kind: 'swap', sent: { mint: USDC, amount: '50' }, received: { mint: DEN, amount: '500' } }]),
    tx(W1, 2, 'drop', [{ kind: 'transfer_in', sent: null, received: { mint: AIR, amount: '1000000' }, counterparty: OUT }]),
    tx(W1, 2, 'ver', [{ kind: 'transfer_in', sent: null, received: { mint: VER, amount: '3' }, counterparty: OUT }]),
    tx(W1, 3, 'gem', [{ kind: 'swap', sent: { mint: USDC, amount: '20' }, received: { mint: GEM, amount: '2' } }]),
    tx(W1, 4, 'move', [{ kind: 'transfer_out', sent: { mint: GEM, amount: '1' }, received: null, counterparty: W2 }]),
    tx(W2, 4, 'move', [{ kind: 'transfer_in', sent: null, received: { mint: GEM, amount: '1' }, counterparty: W1 }]),
  ];
  const moment = (mint: string, sig: number, spam: boolean): Moment => ({
    id: momentId(Date.parse(t(1)), W1, 'BHD', mint, history[sig]!.signature), kind: 'BHD', wallet: W1, mint, signature: history[sig]!.signature,
    at: new Date(Date.parse(t(1))).toISOString(), pct: '0.5', missedUsd: '40.00', severity: '0.5000', status: 'final', explain: {}, spam,
  });
  const as = async (path: string, init: RequestInit = {}) =>
    fetch(`${gw.url}${path}`, { ...init, headers: { authorization: `Bearer ${await dynamic.token('carol-000-4000-8000-000000000003', [W1, W2])}`, ...(init.headers as Record<string, string>) } });
  const report = async (path: string) => {
    const r = await as(path);
    expect(r.status).toBe(200);
    return r.json();
  };

  beforeAll(async () => {
    await dynamic.addKey('k1');
    await dynamic.start();
    db = env.db;
    config = testConfig({ ...dynamic.config(), TEMPORAL_TASK_QUEUE: uniqueQueue('spamreport'), TOKEN_DENYLIST: DEN });
    gw = await startGatewayWith({ config, db, temporal: env.client });
    await storeHistory(db, history);
    await upsertTokens(db, [{ mint: VER, symbol: 'VER', name: 'Verified Drop', verified: true, tags: ['verified'], source: 'test' }]);
    // The moment on the airdrop was stored as detection judged it (spam); the deny list is applied when read.
    await upsertMoments(db, [moment(TOK, 0, false), moment(DEN, 1, false), moment(AIR, 2, true)]);
    // W2 alone received GEM and never bought it: detection, judging W2 alone, flagged its moment spam.
    await upsertMoments(db, [{ ...moment(GEM, 6, true), id: momentId(Date.parse(t(4)), W2, 'BHD', GEM, history[6]!.signature), wallet: W2, at: new Date(Date.parse(t(4))).toISOString() }]);
  });
  env.beforeClose(() => dynamic.stop());
  env.beforeClose(() => gw?.close());

  it('leaves the airdrop and the deny-listed token out of positions, totals and moments, and says so', async () => {
    const body = await report(`/v1/wallets/${W1}/report`);
    expect(body.positions.map((p: any) => p.mint).sort()).toEqual([TOK, VER, GEM].sort());
    // Every position line names its token: the registry's, else the short mint.
    expect(body.positions.find((p: any) => p.mint === VER).token).toMatchObject({ symbol: 'VER', name: 'Verified Drop', verified: true });
    expect(body.positions.find((p: any) => p.mint === TOK).token).toMatchObject({ symbol: `${TOK.slice(0, 4)}…${TOK.slice(-5)}`, verified: false });
    expect(body.spam).toEqual({ included: false, mints: [AIR, DEN].sort() });
    // The $50 paid for DEN was still paid: only the spam token's own legs are left out.
    expect(body.totals).toMatchObject({ volumeUsd: '170', sells: 0 });
    expect(body.unpriced.map((u: any) => u.mint)).not.toContain(AIR);
    expect(body.oof.moments).toBe(1);
    expect(Object.keys(body.tokens)).not.toContain(AIR);
    expect(body.card).not.toBeNull();
    const csv = await (await as(`/v1/wallets/${W1}/report.csv`)).text();
    expect(csv).not.toContain(AIR);
    expect(csv).not.toContain(DEN);
    expect(csv).toContain(TOK);
  });

  it('brings them back with includeSpam=true, as its own cached report without a card', async () => {
    const body = await report(`/v1/wallets/${W1}/report?includeSpam=true`);
    expect(body.positions.map((p: any) => p.mint).sort()).toEqual([TOK, DEN, AIR, VER, GEM].sort());
    expect(body.positions.find((p: any) => p.mint === AIR)).toMatchObject({ held: '1000000', unknownCostQty: '1000000', priceUsd: null });
    expect(body.spam).toEqual({ included: true, mints: [AIR, DEN].sort() });
    expect(body.positions.find((p: any) => p.mint === DEN)).toMatchObject({ held: '500', costBasisUsd: '50' });
    expect(body.totals.volumeUsd).toBe('170');
    expect(body.oof.moments).toBe(3);
    expect(body.card).toBeNull();
    // Each is its own cache entry: asking again answers from memory, and the default is unchanged.
    expect((await as(`/v1/wallets/${W1}/report?includeSpam=true`)).headers.get('x-report-source')).toBe('memory');
    expect((await report(`/v1/wallets/${W1}/report?includeSpam=false`)).spam.included).toBe(false);
  });

  it('judges spam for the owner as a whole: a token bought in one wallet and moved to another is not spam', async () => {
    const alone = await report(`/v1/wallets/${W2}/report`);
    expect(alone.spam.mints).toEqual([GEM]);
    expect(alone.positions).toEqual([]);
    const both = await as('/v1/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ wallets: [W1, W2] }) });
    const owner = await both.json();
    expect(owner.spam.mints).toEqual([AIR, DEN].sort());
    // The owner bought GEM: W2's moment on it counts in her report (TOK's and GEM's), though W2 alone leaves it out.
    expect(owner.oof.moments).toBe(2);
    expect(alone.oof.moments).toBe(0);
    expect(owner.positions.find((p: any) => p.mint === GEM)).toMatchObject({ held: '2', costBasisUsd: '20' });
    const withSpam = await as('/v1/reports?includeSpam=true', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ wallets: [W1, W2] }) });
    expect((await withSpam.json()).positions.map((p: any) => p.mint)).toContain(AIR);
  });

  it('refuses a malformed includeSpam as problem+json', async () => {
    for (const path of [`/v1/wallets/${W1}/report?includeSpam=yes`, `/v1/wallets/${W1}/report.csv?includeSpam=1`]) {
      const r = await as(path);
      expect({ path, status: r.status, type: r.headers.get('content-type') }).toEqual({ path, status: 400, type: expect.stringMatching(/problem\+json/) });
      expect((await r.json()).detail).toMatch(/includeSpam must be true or false/);
    }
  });

  it('oof report --wallet --include-spam asks for it; the worker leaves spam out by the gateway\'s deny list', async () => {
    const token = await dynamic.token('carol-000-4000-8000-000000000003', [W1, W2]);
    const oof = (args: string[]) => runOof(['report', ...args, '--gateway', gw.url, '--token', token]);
    const [plain, withSpam, owner, misplaced] = await Promise.all([
      oof(['--wallet', W1]), oof(['--wallet', W1, '--include-spam']), oof(['--wallet', W1, '--wallet', W2, '--include-spam', '--csv']), oof(['-', '--include-spam']),
    ]);
    expect(JSON.parse(plain.stdout).spam).toEqual({ included: false, mints: [AIR, DEN].sort() });
    expect(JSON.parse(withSpam.stdout).positions.map((p: any) => p.mint)).toEqual(expect.arrayContaining([AIR, DEN]));
    expect(owner).toMatchObject({ code: 0, stderr: '' });
    expect(owner.stdout).toContain(AIR);
    expect(misplaced.code).toBe(1);
    expect(misplaced.stderr).toMatch(/--include-spam go with --wallet/);

    // A history large enough for the worker: the query it is handed carries the deny list.
    const queue = uniqueQueue('spam-worker');
    const worker = await startTestWorker(queue, db);
    const big = await startGatewayWith({ config: testConfig({ ...dynamic.config(), TEMPORAL_TASK_QUEUE: queue, REPORT_WORKER_MIN_ACTIONS: '1', TOKEN_DENYLIST: DEN }), db, temporal: env.client });
    try {
      const r = await fetch(`${big.url}/v1/wallets/${W1}/report?to=2025-03-02`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.headers.get('x-report-source')).toBe('worker');
      const body = await r.json();
      expect(body.spam.mints).toEqual([AIR, DEN].sort());
      expect(body.positions.map((p: any) => p.mint)).not.toContain(DEN);
    } finally {
      await big.close();
      await worker.stop();
    }
  });

  it('computes anew a report cached in the shape from before spam and position tokens', async () => {
    const q = { wallets: [W1], denyList: [DEN] };
    const stamp = (await reportStamp(db, q, Date.now())).replace(/^v2\|/, '');
    await db('wallet_reports').insert({ scope: reportScope(q), wallets: [W1], stamp, body: JSON.stringify({ positions: [] }), actions: 0, computed_at: db.fn.now() })
      .onConflict('scope').merge();
    const fresh = await startGatewayWith({ config, db, temporal: env.client });
    try {
      const r = await fetch(`${fresh.url}/v1/wallets/${W1}/report`, { headers: { authorization: `Bearer ${await dynamic.token('carol-000-4000-8000-000000000003', [W1, W2])}` } });
      expect(r.headers.get('x-report-source')).toBe('computed');
      expect((await r.json()).spam.mints).toEqual([AIR, DEN].sort());
    } finally {
      await fresh.close();
    }
  });

  it('lists an unsolicited token the registry knows a market for, and hides a dumped airdrop as moments do', async () => {
    const MARKET = address();
    const DUMPED = address();
    await storeHistory(db, [
      tx(W1, 5, 'drop2', [{ kind: 'transfer_in', sent: null, received: { mint: MARKET, amount: '7' }, counterparty: OUT }, { kind: 'transfer_in', sent: null, received: { mint: DUMPED, amount: '5' }, counterparty: OUT }]),
      tx(W1, 6, 'dump', [{ kind: 'swap', sent: { mint: DUMPED, amount: '5' }, received: { mint: USDC, amount: '9' } }]),
    ]);
    await upsertTokens(db, [{ mint: MARKET, symbol: 'MKT', verified: false, hasMarket: true, tags: [], source: 'test' }]);
    const body = await report(`/v1/wallets/${W1}/report`);
    expect(body.spam.mints).toEqual([AIR, DEN, DUMPED].sort());
    expect(body.positions.map((p: any) => p.mint)).toContain(MARKET);
    expect(body.positions.map((p: any) => p.mint)).not.toContain(DUMPED);
    // The $9 the dump brought stays in the volume: only the spam token's own leg is left out.
    expect(body.totals.volumeUsd).toBe('179');
  });
});
