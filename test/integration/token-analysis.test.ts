import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import sharp from 'sharp';
import { createCardService } from '../../adapters/rendering/card-service';
import { CardTokenCache } from '../../adapters/rendering/card-tokens';
import { readPngText } from '../../adapters/rendering/png-text';
import { DiskCardStore } from '../../adapters/stores/card-store';
import { isSpam } from '../../adapters/stores/token-store';
import { logoStoreFor } from '../../adapters/tokens/create-registry';
import { metaplexMetadataAddress } from '../../domain/tokens/pda';
import { parseDenyList } from '../../domain/tokens/spam';
import type { Db } from '../../lib/db';
import { ContentReplayServer } from '../../lib/replay/content-server';
import { MarketReplayServer } from '../../lib/replay/market-server';
import { klinePointsFromFile } from '../../lib/replay/price-csv';
import { SolanaRpcReplayServer } from '../../lib/replay/solana-rpc-server';
import { analyzeWallets } from '../../workflows';
import { API_FIXTURES, apiFixture } from '../helpers/api-fixtures';
import { startTestWorker, temporalClient, testConfig, testDb, uniqueQueue } from '../helpers/env';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { recv, swap, tx, USDC } from '../helpers/history';
import { storeHistory } from '../helpers/store-history';

const AOLMAN = '5YUMaw3fFCRMySvuYMgZJ6nB2te3wvo9QGdP3tNNpump';
const MEW = 'MEW1gQWJ3nEXg2qgERiKu7FAFj79PHvQVREQUzScPP5';
const SPAM = 'SpamAirdrop11111111111111111111111111111111';
const WALLET = '7Yq3Hv8Kp2Wm7Xr4Nb9Lc6Ts1Fz8Gy3Je5Ua2Ro7Pk4M';
const WIF_PRICES = path.resolve(API_FIXTURES, '../prices/WIFUSDT_1h_2024-03-05_2024-09-07.csv');

/**
 * Issue #19 end to end: a wallet trading two memecoins the old 16-symbol table never knew (a pump.fun token Helius DAS
 * describes, and MEW, known only from its on-chain Metaplex account and off-chain JSON) and selling an airdrop it never
 * asked for. Analysed through Temporal with the registry's sources on local servers; read back through the API.
 */
describe('memecoins get their names and logos, an airdrop stays out of the moments', () => {
  let db: Db;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let gw: TestGateway;
  const market = new MarketReplayServer();
  const rpc = new SolanaRpcReplayServer();
  const content = new ContentReplayServer();
  const store = new DiskCardStore(mkdtempSync(path.join(os.tmpdir(), 'oof-token-cards-')));
  const queue = uniqueQueue('tokens');

  beforeAll(async () => {
    db = testDb();
    temporal = await temporalClient();
    await db('tokens').whereIn('mint', [AOLMAN, MEW, SPAM]).del();
    const wif = klinePointsFromFile(WIF_PRICES);
    for (const m of [AOLMAN, MEW, SPAM]) market.setToken(m, { decimals: 6, history: wif });
    rpc.assets.set(AOLMAN, apiFixture('helius-das-getAsset-fungible-pumpfun.json').result);
    rpc.dasKey = 'das-key';
    rpc.accounts.set(metaplexMetadataAddress(MEW), { base64: apiFixture('solana-getAccountInfo-metaplex-metadata.json').result.value });
    const logo = Buffer.from(new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="30" fill="#f5a524"/></svg>').render().asPng());
    content.set('/ipfs/bafybeidbvsqxlcdypbdp55qt5g2jvsuaymglod37idvmwkkbqlri3jqrv4', { body: logo, type: 'image/png' });
    content.set('/ipfs/bafkreieuo5b7aavvm4u2eaffwhzn53g7t45ac26isovfwluv653lvc5u4i', { body: JSON.stringify(apiFixture('metaplex-offchain-metadata.json')), type: 'application/json' });
    content.set('/ar/hQiPZOsRZXGXBJd_82PhVdlM_hACsT_q6wqwf5cSY7I', { body: await sharp(logo).webp().toBuffer() });
    await Promise.all([market.start(), rpc.start(), content.start()]);
    const tokens = { environment: 'test', heliusApiKey: 'das-key', heliusDasUrl: rpc.url, ipfsGateway: `${content.url}/ipfs/`, arweaveGateway: `${content.url}/ar/` };
    const cards = createCardService({ db, store, tokens: new CardTokenCache(db, logoStoreFor(store, tokens)) });
    worker = await startTestWorker(queue, db, { rpcUrl: rpc.url, jupiterUrl: market.url, historyUrl: market.url, cards, cardStore: store, tokens });
    gw = await startTestGateway(testConfig({ TOKEN_IPFS_GATEWAY: tokens.ipfsGateway, TOKEN_ARWEAVE_GATEWAY: tokens.arweaveGateway }), db, temporal.client, undefined, store);
    const sold = (mint: string) => [
      { ...tx(Date.parse('2024-03-20T00:00:00Z'), [swap(USDC, '2500', mint, '1000')]), wallet: WALLET },
      { ...tx(Date.parse('2024-03-26T00:00:00Z'), [swap(mint, '1000', USDC, '2684')]), wallet: WALLET },
    ];
    await storeHistory(db, [
      ...sold(AOLMAN), ...sold(MEW),
      // The airdrop: received, never bought, then dumped at the same price as the others.
      { ...tx(Date.parse('2024-03-21T00:00:00Z'), [recv(SPAM, '1000')]), wallet: WALLET },
      { ...tx(Date.parse('2024-03-26T00:00:00Z'), [swap(SPAM, '1000', USDC, '2684')]), wallet: WALLET },
    ]);
    const summary = await temporal.client.workflow.execute(analyzeWallets, { taskQueue: queue, workflowId: `analysis/01TOKENS00000000000000000A`, args: [{ analysisId: '01TOKENS00000000000000000A', wallets: [WALLET], options: { now: '2024-05-01T00:00:00Z' } }] });
    expect(summary).toMatchObject({ status: 'completed' });
  });
  afterAll(async () => {
    await gw?.close();
    await worker?.stop();
    await Promise.all([market.stop(), rpc.stop(), content.stop()]);
    await temporal?.close();
    await db?.destroy();
  });

  const moments = async (query = '') => {
    const res = await fetch(`${gw.url}/v1/moments?wallet=${WALLET}${query}`);
    expect(res.status).toBe(200);
    return (await res.json()).moments as any[];
  };

  it('lists the memecoins\' moments with their real symbols and logos, and no airdrop', async () => {
    // The buys also paid more than the market (BadRoute, on the USDC leg); the sales are the S2E moments.
    const list = (await moments()).filter((m) => m.kind === 'S2E');
    expect(list.map((m) => [m.kind, m.token.symbol]).sort()).toEqual([['S2E', 'AOLMAN'], ['S2E', 'MEW']]);
    const aol = list.find((m) => m.mint === AOLMAN);
    expect(aol.token).toEqual({ symbol: 'AOLMAN', name: 'first internet runner', logoUrl: `/v1/tokens/${AOLMAN}/logo.png`, verified: false });
    expect(list.find((m) => m.mint === MEW).token).toMatchObject({ symbol: 'MEW', name: 'cat in a dogs world' });
    // The cards the worker rendered name the tokens.
    for (const m of list) {
      const png = Buffer.from(await (await fetch(`${gw.url}${m.cardUrl}`)).arrayBuffer());
      expect(readPngText(png).Title).toContain(` on ${m.token.symbol} `);
    }
    // Each logo was fetched once, through the local IPFS / Arweave gateway.
    expect(content.calls['/ipfs/bafybeidbvsqxlcdypbdp55qt5g2jvsuaymglod37idvmwkkbqlri3jqrv4']).toBe(1);
    expect(content.calls['/ar/hQiPZOsRZXGXBJd_82PhVdlM_hACsT_q6wqwf5cSY7I']).toBe(1);
  });

  it('brings the airdrop back with includeSpam=true, flagged, and keeps it out of the summary', async () => {
    const all = await moments('&includeSpam=true');
    const spam = all.find((m) => m.mint === SPAM);
    expect(spam).toMatchObject({ kind: 'S2E', spam: true, token: { symbol: 'Spam…11111', verified: false } });
    expect(all.filter((m) => m.spam)).toHaveLength(1);
    const summary = await (await fetch(`${gw.url}/v1/wallets/${WALLET}/summary`)).json();
    expect(summary.byKind.S2E.count).toBe(2);
    expect(summary.worst.map((m: any) => m.mint)).not.toContain(SPAM);
    expect((await (await fetch(`${gw.url}/v1/wallets/${WALLET}/summary?includeSpam=true`)).json()).byKind.S2E.count).toBe(3);
    // The outbox events (what the streams send) carry the flag and the token.
    const events = await db('moment_events as e').join('moments as m', 'm.id', 'e.moment_id').where({ 'm.wallet': WALLET, 'm.kind': 'S2E' }).select('e.payload');
    expect(events.map((e: any) => [e.payload.token.symbol, e.payload.spam]).sort()).toEqual([['AOLMAN', false], ['MEW', false], ['Spam…11111', true]]);
  });

  it('answers isSpam for alerts: the airdrop is, a bought memecoin is not, a denied one always is', async () => {
    const none = parseDenyList([]);
    expect(await isSpam(db, { mint: SPAM, wallet: WALLET }, none)).toBe(true);
    expect(await isSpam(db, { mint: AOLMAN, wallet: WALLET }, none)).toBe(false);
    expect(await isSpam(db, { mint: AOLMAN, wallet: WALLET }, parseDenyList([AOLMAN]))).toBe(true);
    expect(await isSpam(db, { mint: MEW, wallet: WALLET }, parseDenyList(['/dogs world/']))).toBe(true);
  });

  it('serves GET /v1/tokens/:mint, a problem for a bad mint, and logos (stored or identicon)', async () => {
    const t = await (await fetch(`${gw.url}/v1/tokens/${MEW}`)).json();
    expect(t).toMatchObject({ mint: MEW, symbol: 'MEW', name: 'cat in a dogs world', known: true, verified: false, source: 'metaplex+offchain', tags: [] });
    const unknown = await (await fetch(`${gw.url}/v1/tokens/So11111111111111111111111111111111111111113`)).json();
    expect(unknown).toMatchObject({ known: false, symbol: 'So11…11113', source: 'none' });
    const bad = await fetch(`${gw.url}/v1/tokens/not-a-mint`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await bad.json()).detail).toMatch(/not a mint address/);
    const logo = await fetch(`${gw.url}/v1/tokens/${AOLMAN}/logo.png`);
    expect(logo.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await logo.arrayBuffer());
    expect(png.equals((await store.get(`logos/${AOLMAN}.png`))!)).toBe(true);
    const identicon = Buffer.from(await (await fetch(`${gw.url}/v1/tokens/${SPAM}/logo.png`)).arrayBuffer());
    expect(await sharp(identicon).metadata()).toMatchObject({ format: 'png', width: 96, height: 96 });
    expect(identicon.equals(png)).toBe(false);
    expect((await fetch(`${gw.url}/v1/tokens/not-a-mint/logo.png`)).status).toBe(400);
  });
});
