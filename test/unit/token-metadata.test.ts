import { PublicKey } from '@solana/web3.js';
import bs58 from 'bs58';
import { decodeMetaplexMetadata } from '../../domain/tokens/metaplex';
import { findProgramAddress, METAPLEX_METADATA_PROGRAM, metaplexMetadataAddress } from '../../domain/tokens/pda';
import { factsFromDas, factsFromJupiter, factsFromOffchain, factsFromParsedMint } from '../../domain/tokens/sources';
import { displaySymbol, mergeFacts, tokenView } from '../../domain/tokens/token';
import { contentUrl } from '../../domain/tokens/content-url';
import { identiconSvg } from '../../domain/tokens/identicon';
import { isSpamToken, parseDenyList, denied } from '../../domain/tokens/spam';
import { apiFixture } from '../helpers/api-fixtures';
import { USDC } from '../helpers/history';

const MEW = 'MEW1gQWJ3nEXg2qgERiKu7FAFj79PHvQVREQUzScPP5';
const PYUSD = '2b1kV6DkPAnxd5ixfnxCpjxmKwqjjaYmCZfHsFu24GXo';
const G = { ipfs: 'https://gw.example/ipfs/', arweave: 'https://ar.example/' };

describe('Metaplex metadata PDA', () => {
  it('derives the addresses public suites pin (USDC) and external-apis.md derives (MEW)', () => {
    expect(metaplexMetadataAddress(USDC)).toBe('5x38Kp4hvdomTCnCrAny4UtMUt5rQBdB6px2K1Ui45Wq');
    expect(metaplexMetadataAddress(MEW)).toBe('5G95zJ9w6ESv7AFWqLKNfbZAoKBADjpVm9MT1cQm8Dpw');
  });

  it('agrees with @solana/web3.js on many mints, bump included (the off-curve check decides the bump)', () => {
    const program = new PublicKey(METAPLEX_METADATA_PROGRAM);
    let belowMax = 0;
    for (let i = 0; i < 200; i++) {
      const mint = bs58.encode(Uint8Array.from({ length: 32 }, (_, j) => (i * 131 + j * 17 + ((i * j) % 7)) & 255));
      const [ref, bump] = PublicKey.findProgramAddressSync([Buffer.from('metadata'), program.toBuffer(), new PublicKey(mint).toBuffer()], program);
      const ours = findProgramAddress([Buffer.from('metadata'), bs58.decode(METAPLEX_METADATA_PROGRAM), bs58.decode(mint)], METAPLEX_METADATA_PROGRAM);
      expect(ours).toEqual({ address: ref.toBase58(), bump });
      if (bump < 255) belowMax++;
    }
    // About half of all hashes land on the curve: without a real check every bump would be 255.
    expect(belowMax).toBeGreaterThan(50);
  });
});

describe('decoding the real samples', () => {
  it('Borsh-decodes MEW\'s metadata account, trailing NULs stripped, though the capture is shorter than space', () => {
    const f = apiFixture('solana-getAccountInfo-metaplex-metadata.json');
    const data = Buffer.from(f.result.value.data[0], 'base64');
    expect(data.length).toBeLessThan(f.result.value.space);
    expect(decodeMetaplexMetadata(data)).toEqual({
      updateAuthority: '4JuRBGQHVBgNECy1msYwKBngpcn1BkXbvngLyM9Hc5y7', mint: MEW, name: 'cat in a dogs world', symbol: 'MEW',
      uri: 'https://bafkreieuo5b7aavvm4u2eaffwhzn53g7t45ac26isovfwluv653lvc5u4i.ipfs.nftstorage.link/', isMutable: false,
    });
  });

  it('refuses an account that is not MetadataV1 or is cut inside a field', () => {
    const data = Buffer.from(apiFixture('solana-getAccountInfo-metaplex-metadata.json').result.value.data[0], 'base64');
    expect(() => decodeMetaplexMetadata(Buffer.concat([Buffer.from([5]), data.subarray(1)]))).toThrow(/MetadataV1/);
    expect(() => decodeMetaplexMetadata(data.subarray(0, 90))).toThrow(/ends at byte 90/);
  });

  it('reads Token-2022 tokenMetadata from the jsonParsed PYUSD mint (pointer names the mint itself)', () => {
    const value = apiFixture('solana-getAccountInfo-token2022-metadata-ext.json').result.value;
    expect(factsFromParsedMint(PYUSD, value)).toEqual({
      decimals: 6, tokenProgram: 'token-2022', symbol: 'PYUSD', name: 'PayPal USD',
      metadataUri: 'https://token-metadata.paxos.com/pyusd_metadata/prod/solana/pyusd_metadata.json',
    });
    // A pointer to another account: the extension here is not this mint's metadata.
    const elsewhere = structuredClone(value);
    elsewhere.data.parsed.info.extensions.find((e: any) => e.extension === 'metadataPointer').state.metadataAddress = MEW;
    expect(factsFromParsedMint(PYUSD, elsewhere)).toEqual({ decimals: 6, tokenProgram: 'token-2022' });
  });

  it('maps Jupiter V2 entries: verified, icon, organic score, market', () => {
    const [jup] = apiFixture('jupiter-tokens-v2-search.json');
    expect(factsFromJupiter(jup)).toEqual({
      symbol: 'JUP', name: 'Jupiter', decimals: 6, tokenProgram: 'spl-token', logoUrl: 'https://static.jup.ag/jup/icon.png',
      verified: true, tags: ['community', 'strict', 'verified'], organicScore: '97.98', hasMarket: true,
    });
    const sus = { ...jup, audit: { ...jup.audit, isSus: false }, usdPrice: null, liquidity: 0 };
    expect(factsFromJupiter(sus)).toMatchObject({ verified: false, hasMarket: false, tags: ['community', 'strict', 'verified', 'sus'] });
  });

  it('maps DAS assets: symbol falls back to content.metadata, image from links, no market claim without price_info', () => {
    const pump = apiFixture('helius-das-getAsset-fungible-pumpfun.json').result;
    expect(factsFromDas(pump)).toEqual({
      symbol: 'AOLMAN', name: 'first internet runner', decimals: 6, tokenProgram: 'spl-token',
      logoUrl: 'https://ipfs.io/ipfs/bafybeidbvsqxlcdypbdp55qt5g2jvsuaymglod37idvmwkkbqlri3jqrv4',
      metadataUri: 'https://ipfs.io/ipfs/bafkreifurn24nrjh7nu55ra2m3ltx2qrdtfi34q47c6qebt6rc6uzhtg6u',
    });
    const [usdc, usdt] = apiFixture('helius-das-getAssetBatch.json').result;
    expect(factsFromDas(usdc)).toMatchObject({ symbol: 'USDC', name: 'USD Coin', hasMarket: true });
    expect(factsFromDas(usdt)!.logoUrl).toMatch(/logo\.svg$/);
    // The Metaplex reference answer (no token_info, links {}): name and symbol only.
    expect(factsFromDas(apiFixture('das-reference-getAsset-token2022-pyusd.json'))).toMatchObject({ symbol: 'PYUSD', name: 'PayPal USD', logoUrl: undefined, decimals: undefined });
    expect(factsFromDas({ ...usdc, interface: 'V1_NFT' })).toBeUndefined();
  });

  it('takes only the image from an off-chain JSON', () => {
    expect(factsFromOffchain(apiFixture('metaplex-offchain-metadata.json'))).toEqual({ logoUrl: 'https://arweave.net/hQiPZOsRZXGXBJd_82PhVdlM_hACsT_q6wqwf5cSY7I' });
    expect(factsFromOffchain({ name: 'x' })).toBeUndefined();
    expect(factsFromOffchain('not json')).toBeUndefined();
  });
});

describe('merging and showing', () => {
  it('lets the earlier source win field by field and records who contributed', () => {
    const r = mergeFacts(MEW, [['jupiter', undefined], ['helius-das', { symbol: 'MEW', decimals: 5 }], ['metaplex', { symbol: 'mew', name: 'cat in a dogs world', metadataUri: 'u' }], ['offchain', { logoUrl: 'img' }]]);
    expect(r).toMatchObject({ mint: MEW, symbol: 'MEW', name: 'cat in a dogs world', decimals: 5, logoUrl: 'img', verified: false, source: 'helius-das+metaplex+offchain' });
    expect(mergeFacts(MEW, []).source).toBe('none');
  });

  it('strips control and bidi characters from names', () => {
    expect(mergeFacts(MEW, [['x', { symbol: 'M\u202eEW\u0000', name: ' cat\u200b ' }]])).toMatchObject({ symbol: 'MEW', name: 'cat' });
  });

  it('degrades an unknown mint to its short form, and keeps the built-in quote legs', () => {
    expect(tokenView(MEW)).toEqual({ symbol: 'MEW1…ScPP5', name: 'MEW1…ScPP5', logoUrl: `/v1/tokens/${MEW}/logo.png`, verified: false });
    expect(tokenView(USDC).symbol).toBe('USDC');
    expect(displaySymbol(MEW, 'AVERYLONGSYMBOLNAME')).toBe('AVERYLONGSY…');
  });

  it('routes IPFS and Arweave links through the configured gateways, whatever host was baked in', () => {
    const cid = 'bafkreieuo5b7aavvm4u2eaffwhzn53g7t45ac26isovfwluv653lvc5u4i';
    expect(contentUrl(`https://${cid}.ipfs.nftstorage.link/`, G)).toBe(`https://gw.example/ipfs/${cid}`);
    expect(contentUrl(`https://ipfs.io/ipfs/${cid}`, G)).toBe(`https://gw.example/ipfs/${cid}`);
    expect(contentUrl(`ipfs://${cid}/logo.png`, G)).toBe(`https://gw.example/ipfs/${cid}/logo.png`);
    expect(contentUrl('https://arweave.net/hQiPZOsRZXGXBJd_82PhVdlM_hACsT_q6wqwf5cSY7I', G)).toBe('https://ar.example/hQiPZOsRZXGXBJd_82PhVdlM_hACsT_q6wqwf5cSY7I');
    expect(contentUrl('ar://hQiPZOsRZXGXBJd_82PhVdlM_hACsT_q6wqwf5cSY7I', G)).toBe('https://ar.example/hQiPZOsRZXGXBJd_82PhVdlM_hACsT_q6wqwf5cSY7I');
    expect(contentUrl('https://static.jup.ag/jup/icon.png', G)).toBe('https://static.jup.ag/jup/icon.png');
    expect(contentUrl('', G)).toBeUndefined();
    expect(contentUrl('javascript:alert(1)', G)).toBeUndefined();
    expect(contentUrl('file:///etc/passwd', G)).toBeUndefined();
  });

  it('draws the same identicon for the same mint and different ones for different mints', () => {
    expect(identiconSvg(MEW)).toBe(identiconSvg(MEW));
    expect(identiconSvg(MEW)).not.toBe(identiconSvg(PYUSD));
    expect(identiconSvg(MEW)).toMatch(/^<svg [^>]*width="96"/);
  });
});

describe('spam', () => {
  it('is an unsolicited, unverified, unpriced token, or a denied one', () => {
    const airdrop = 'Airdrop1111111111111111111111111111111111111';
    const bought = 'Bought11111111111111111111111111111111111111';
    expect(isSpamToken({ unsolicited: true, verified: false, hasMarket: false, denied: false })).toBe(true);
    expect(isSpamToken({ unsolicited: true, verified: false, hasMarket: undefined, denied: false })).toBe(true);
    expect(isSpamToken({ unsolicited: true, verified: true, hasMarket: false, denied: false })).toBe(false);
    expect(isSpamToken({ unsolicited: true, verified: false, hasMarket: true, denied: false })).toBe(false);
    expect(isSpamToken({ unsolicited: false, verified: false, hasMarket: false, denied: false })).toBe(false);
    expect(isSpamToken({ unsolicited: false, verified: true, hasMarket: true, denied: true })).toBe(true);
    const deny = parseDenyList([bought, '/claim|\\.com/']);
    expect(denied(deny, { mint: bought })).toBe(true);
    expect(denied(deny, { mint: airdrop, name: 'Visit solgift.com to claim' })).toBe(true);
    expect(denied(deny, { mint: airdrop, symbol: 'MEW', name: 'cat in a dogs world' })).toBe(false);
  });
});
