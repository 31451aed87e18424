import bs58 from 'bs58';
import { randomBytes } from 'node:crypto';
import dns from 'node:dns';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import sharp from 'sharp';
import { SolanaRpcClient } from '../../adapters/chain/solana-rpc';
import type { OutboundPolicy } from '../../adapters/net/ssrf-guard';
import { CardTokenCache } from '../../adapters/rendering/card-tokens';
import { renderCard } from '../../adapters/rendering/render';
import { readPngText } from '../../adapters/rendering/png-text';
import { DiskCardStore } from '../../adapters/stores/card-store';
import { tokenRows, tokensFor, upsertTokens } from '../../adapters/stores/token-store';
import { HeliusDasClient } from '../../adapters/tokens/helius-das';
import { JupiterTokensClient } from '../../adapters/tokens/jupiter-tokens';
import { LogoStore } from '../../adapters/tokens/logo-store';
import { TokenRegistry } from '../../adapters/tokens/registry';
import { momentId, type Moment } from '../../domain/detection/moment';
import { metaplexMetadataAddress } from '../../domain/tokens/pda';
import type { Db } from '../../lib/db';
import { ContentReplayServer } from '../../lib/replay/content-server';
import { MarketReplayServer } from '../../lib/replay/market-server';
import { SolanaRpcReplayServer } from '../../lib/replay/solana-rpc-server';
import { apiFixture } from '../helpers/api-fixtures';
import { testDb } from '../helpers/env';

const JUP = 'JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN';
const SOL = 'So11111111111111111111111111111111111111112';
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const USDT = 'Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB';
const AOLMAN = '5YUMaw3fFCRMySvuYMgZJ6nB2te3wvo9QGdP3tNNpump';
const MEW = 'MEW1gQWJ3nEXg2qgERiKu7FAFj79PHvQVREQUzScPP5';
const PYUSD = '2b1kV6DkPAnxd5ixfnxCpjxmKwqjjaYmCZfHsFu24GXo';
const NOBODY = 'Nobody1111111111111111111111111111111111111';

// Every host resolves to 127.0.0.1: static.jup.ag, raw.githubusercontent.com and paxos answer nothing (refused),
// so nothing leaves the machine; IPFS and Arweave go through the configured local gateway.
const lookup = ((_h: string, o: any, cb: any) => (o?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4))) as unknown as typeof dns.lookup;
const policy: OutboundPolicy = { requireHttps: false, allowLoopback: true, lookup };

const squarePng = (color: string) => Buffer.from(new Resvg(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="30" fill="${color}"/></svg>`).render().asPng());

describe('token registry against local Jupiter, Helius DAS, Solana RPC and IPFS/Arweave servers (real samples)', () => {
  let db: Db;
  const market = new MarketReplayServer();
  const rpc = new SolanaRpcReplayServer();
  const content = new ContentReplayServer();
  const store = new DiskCardStore(mkdtempSync(path.join(os.tmpdir(), 'oof-logos-')));
  let logos: LogoStore;
  let registry: TokenRegistry;
  const errors: string[] = [];

  beforeAll(async () => {
    db = testDb();
    await db('tokens').whereIn('mint', [JUP, SOL, USDC, USDT, AOLMAN, MEW, PYUSD, NOBODY]).del();
    market.tokenEntries.set(JUP, apiFixture('jupiter-tokens-v2-search.json')[0]);
    market.tokenEntries.set(SOL, apiFixture('jupiter-tokens-v2-docs-example-sol.json')[0]);
    for (const a of apiFixture('helius-das-getAssetBatch.json').result) rpc.assets.set(a.id, a);
    rpc.assets.set(AOLMAN, apiFixture('helius-das-getAsset-fungible-pumpfun.json').result);
    rpc.dasKey = 'das-key';
    // MEW: only on chain. Its metadata PDA holds the captured account; its uri's JSON is the real off-chain sample
    // (BONK's document, whose image is on Arweave).
    rpc.accounts.set(metaplexMetadataAddress(MEW), { base64: apiFixture('solana-getAccountInfo-metaplex-metadata.json').result.value });
    rpc.accounts.set(PYUSD, { jsonParsed: apiFixture('solana-getAccountInfo-token2022-metadata-ext.json').result.value });
    content.set('/ipfs/bafybeidbvsqxlcdypbdp55qt5g2jvsuaymglod37idvmwkkbqlri3jqrv4', { body: squarePng('#f5a524'), type: 'image/png' });
    content.set('/ipfs/bafkreieuo5b7aavvm4u2eaffwhzn53g7t45ac26isovfwluv653lvc5u4i', { body: JSON.stringify(apiFixture('metaplex-offchain-metadata.json')), type: 'application/json' });
    // Arweave: no file extension and no content type; the bytes are WebP.
    content.set('/ar/hQiPZOsRZXGXBJd_82PhVdlM_hACsT_q6wqwf5cSY7I', { body: await sharp(squarePng('#9353d3')).webp().toBuffer() });
    await Promise.all([market.start(), rpc.start(), content.start()]);
    const gateways = { ipfs: `${content.url}/ipfs/`, arweave: `${content.url}/ar/` };
    logos = new LogoStore({ store, policy, gateways, timeoutMs: 2000 });
    registry = new TokenRegistry({
      db, policy, gateways, logos, refreshAfterMs: 3_600_000,
      jupiter: new JupiterTokensClient({ baseUrl: market.url, requestsPerMinute: 6000 }),
      das: new HeliusDasClient({ url: rpc.url, apiKey: 'das-key', requestsPerMinute: 6000, retryBaseMs: 10 }),
      rpc: new SolanaRpcClient({ url: rpc.url, retryBaseMs: 10 }),
      onSourceError: (source, e) => errors.push(`${source}: ${(e as Error).message}`),
    });
  });
  afterAll(async () => {
    await Promise.all([market.stop(), rpc.stop(), content.stop()]);
    await db?.destroy();
  });

  it('resolves every mint from the first source that knows it, in one batch per source, and stores each logo once', async () => {
    const r = await registry.register([JUP, SOL, USDC, USDT, AOLMAN, MEW, PYUSD, NOBODY, 'not-a-mint']);
    expect(r).toMatchObject({ asked: 8, fetched: 8, logos: 2 });
    expect(market.calls['/tokens/v2/search']).toBe(1);
    expect(rpc.calls.getAssetBatch).toBe(1);
    // Plain RPC only for what Jupiter and DAS left open: one jsonParsed and one base64 getMultipleAccounts.
    expect(rpc.calls.getMultipleAccounts).toBe(2);
    const rows = await tokenRows(db, [JUP, SOL, USDC, USDT, AOLMAN, MEW, PYUSD, NOBODY]);
    const pick = (m: string) => {
      const x = rows.get(m)!;
      return [x.symbol, x.name, x.decimals, x.tokenProgram, x.verified, x.hasMarket, x.source, x.logoStatus];
    };
    expect(pick(JUP)).toEqual(['JUP', 'Jupiter', 6, 'spl-token', true, true, 'jupiter', 'failed']);
    expect(rows.get(JUP)!.organicScore).toBe('97.98');
    expect(pick(SOL)).toEqual(['SOL', 'Wrapped SOL', 9, 'spl-token', true, true, 'jupiter', 'failed']);
    expect(pick(USDC)).toEqual(['USDC', 'USD Coin', 6, 'spl-token', false, true, 'helius-das', 'failed']);
    expect(pick(USDT)).toEqual(['USDT', 'USDT', 6, 'spl-token', false, true, 'helius-das', 'failed']);
    expect(pick(AOLMAN)).toEqual(['AOLMAN', 'first internet runner', 6, 'spl-token', false, false, 'helius-das', 'stored']);
    expect(pick(MEW)).toEqual(['MEW', 'cat in a dogs world', undefined, undefined, false, false, 'metaplex+offchain', 'stored']);
    expect(pick(PYUSD)).toEqual(['PYUSD', 'PayPal USD', 6, 'token-2022', false, false, 'token-2022', 'none']);
    expect(pick(NOBODY)).toEqual([undefined, undefined, undefined, undefined, false, false, 'none', 'none']);
    // The logos came through the local IPFS and Arweave gateway, resized to 96×96 PNGs beside the cards.
    expect(content.calls['/ipfs/bafybeidbvsqxlcdypbdp55qt5g2jvsuaymglod37idvmwkkbqlri3jqrv4']).toBe(1);
    expect(content.calls['/ar/hQiPZOsRZXGXBJd_82PhVdlM_hACsT_q6wqwf5cSY7I']).toBe(1);
    for (const m of [AOLMAN, MEW]) {
      const png = await store.get(`logos/${m}.png`);
      expect(await sharp(png!).metadata()).toMatchObject({ format: 'png', width: 96, height: 96 });
    }
    // The unreachable hosts were tried and failed quietly (connection refused), never an error for the caller.
    expect(errors.filter((e) => e.startsWith('logo')).length).toBe(4);
  });

  it('is idempotent: a second registration asks no source anything', async () => {
    const before = { ...market.calls, ...rpc.calls, content: content.total };
    const r = await registry.register([JUP, USDC, AOLMAN, MEW, PYUSD, NOBODY]);
    expect(r).toMatchObject({ asked: 6, fetched: 0, logos: 0 });
    expect({ ...market.calls, ...rpc.calls, content: content.total }).toEqual(before);
  });

  it('turns mints into token objects, unknown ones degraded to the short mint', async () => {
    const views = await tokensFor(db, [AOLMAN, NOBODY]);
    expect(views.get(AOLMAN)).toEqual({ symbol: 'AOLMAN', name: 'first internet runner', logoUrl: `/v1/tokens/${AOLMAN}/logo.png`, verified: false });
    expect(views.get(NOBODY)).toEqual({ symbol: 'Nobo…11111', name: 'Nobo…11111', logoUrl: `/v1/tokens/${NOBODY}/logo.png`, verified: false });
  });

  it('puts the real symbol and logo on the card, the identicon for an unknown mint, and asks nothing once warm', async () => {
    const cache = new CardTokenCache(db, logos);
    const wallet = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';
    const at = Date.parse('2024-03-26T00:00:00Z');
    const card = (mint: string): Moment => ({
      id: momentId(at, wallet, 'S2E', mint, 'sig'), kind: 'S2E', wallet, mint, signature: 'sig', at: '2024-03-26T00:00:00Z', pct: '0.8', missedUsd: '2135.90', severity: '0.8', status: 'final',
      explain: { quantity: '1000', tradePrice: '2.684', peakPrice: '4.8199', peakAt: '2024-03-31T09:00:00Z' },
    });
    const storedLogo = (await store.get(`logos/${AOLMAN}.png`))!.toString('base64');
    const a = await renderCard(card(AOLMAN), { tokens: await cache.tokens([AOLMAN]) });
    // tEXt is Latin-1: the ellipsis of the short wallet becomes '?'.
    expect(readPngText(a.png).Title).toBe('sold too early: $2.1K on AOLMAN (FvTq?GnVJ5)');
    expect(a.svg).toContain(storedLogo.slice(0, 200));
    const u = await renderCard(card(NOBODY), { tokens: await cache.tokens([NOBODY]) });
    expect(readPngText(u.png).Title).toContain('on Nobo?11111');
    expect(u.svg).toContain(logos.identicon(NOBODY).toString('base64').slice(0, 200));
    const misses = cache.misses;
    const requests = { ...market.calls, ...rpc.calls, content: content.total };
    for (let i = 0; i < 20; i++) await cache.tokens([AOLMAN, NOBODY]);
    expect(cache.misses).toBe(misses);
    expect({ ...market.calls, ...rpc.calls, content: content.total }).toEqual(requests);
  });

  it('asks again soon about a mint it had no row for, so the next card names it once it is registered', async () => {
    const late = 'LateMint1111111111111111111111111111111111';
    await db('tokens').where({ mint: late }).del();
    const cache = new CardTokenCache(db, logos, 600_000, 10_000, 300);
    expect((await cache.tokens([late]))[late]!.symbol).toBe('');
    await upsertTokens(db, [{ mint: late, symbol: 'LATE', tags: [], verified: false, source: 'jupiter' }]);
    expect((await cache.tokens([late]))[late]!.symbol).toBe('');
    await new Promise((r) => setTimeout(r, 350));
    expect((await cache.tokens([late]))[late]!.symbol).toBe('LATE');
    // A known mint stays for the long TTL.
    await db('tokens').where({ mint: late }).update({ symbol: 'RENAMED' });
    await new Promise((r) => setTimeout(r, 350));
    expect((await cache.tokens([late]))[late]!.symbol).toBe('LATE');
  });

  it('degrades, never fails, when every source is down', async () => {
    const down = new TokenRegistry({
      db, policy, gateways: { ipfs: 'http://127.0.0.1:9/ipfs/', arweave: 'http://127.0.0.1:9/' }, logos, refreshAfterMs: 3_600_000,
      jupiter: new JupiterTokensClient({ baseUrl: 'http://127.0.0.1:9', maxRetries: 0, requestsPerMinute: 6000 }),
      das: new HeliusDasClient({ url: 'http://127.0.0.1:9', apiKey: 'x', maxRetries: 0 }),
      rpc: new SolanaRpcClient({ url: 'http://127.0.0.1:9', maxRetries: 0 }),
    });
    const lonely = 'Strayy1111111111111111111111111111111111111';
    await db('tokens').where({ mint: lonely }).del();
    await expect(down.register([lonely])).resolves.toMatchObject({ fetched: 1 });
    expect((await tokenRows(db, [lonely])).get(lonely)).toMatchObject({ source: 'none', verified: false });
    expect((await tokensFor(db, [lonely])).get(lonely)!.symbol).toBe('Stra…11111');
  });

  it('asks id by id when a DAS batch fails whole for one unknown id, and refreshes rows past their age', async () => {
    rpc.dasBatchFailsOnUnknown = true;
    const calls = rpc.calls.getAsset ?? 0;
    await registry.register([USDC, NOBODY], { force: true });
    expect((rpc.calls.getAsset ?? 0) - calls).toBe(2);
    expect((await tokenRows(db, [USDC])).get(USDC)).toMatchObject({ symbol: 'USDC', source: 'helius-das' });
    rpc.dasBatchFailsOnUnknown = false;
  });

  it('sends the Helius key, and a bad key is a source error, not a crash', async () => {
    const bad = new TokenRegistry({
      db, policy, gateways: { ipfs: `${content.url}/ipfs/`, arweave: `${content.url}/ar/` }, refreshAfterMs: 3_600_000,
      das: new HeliusDasClient({ url: rpc.url, apiKey: 'wrong', maxRetries: 0 }),
      onSourceError: (s, e) => errors.push(`${s}: ${(e as Error).message}`),
    });
    await bad.register([USDT], { force: true });
    expect(errors.at(-1)).toMatch(/^helius-das: RPC error -32001/);
  });

  it('asks the sources once for a mint that concurrent registrations both lack', async () => {
    // Live batches of one wallet register the same new mints side by side; behind a paced source (Jupiter's
    // requests per minute) each duplicate lookup is another wait.
    const fresh = bs58.encode(randomBytes(32));
    const before = market.calls['/tokens/v2/search'] ?? 0;
    const results = await Promise.all(Array.from({ length: 5 }, () => registry.register([fresh])));
    expect(market.calls['/tokens/v2/search']! - before).toBe(1);
    expect(results.reduce((n, r) => n + r.fetched, 0)).toBe(1);
    expect((await tokenRows(db, [fresh])).get(fresh)).toMatchObject({ source: 'none' });
  });
});
