import { shortAddress } from '../cards/format';

export type TokenProgram = 'spl-token' | 'token-2022';
export const TOKEN_PROGRAMS: Record<string, TokenProgram> = {
  TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA: 'spl-token',
  TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb: 'token-2022',
};

/** What one source says about a mint; every field optional, as no source is complete (external-apis.md §8). */
export interface TokenFacts {
  symbol?: string;
  name?: string;
  decimals?: number;
  tokenProgram?: TokenProgram;
  /** The logo as published (any host, IPFS, Arweave); fetched, checked and stored by the logo store. */
  logoUrl?: string;
  /** The metadata `uri`: its off-chain JSON names the image when nothing else does. */
  metadataUri?: string;
  verified?: boolean;
  tags?: string[];
  /** Jupiter's organic score, 0–100, as decimal text. */
  organicScore?: string;
  /** True when a source quotes a price or liquidity for it; false when a source that would quote one has none. */
  hasMarket?: boolean;
}

/** The registry's row for a mint. */
export interface TokenRecord extends TokenFacts {
  mint: string;
  tags: string[];
  verified: boolean;
  /** The sources that contributed, in the order they were asked ("jupiter+metaplex"), or "none". */
  source: string;
  /** Key of the resized logo in the card store, once fetched; undefined when there is none (identicon). */
  logoKey?: string;
}

/** The `token` object every moment, position and report line carries. */
export interface TokenView {
  symbol: string;
  name: string;
  logoUrl: string;
  verified: boolean;
}

/** Where the API serves a mint's logo: the stored one, or its identicon. */
export const logoPath = (mint: string) => `/v1/tokens/${mint}/logo.png`;

// Control characters and bidi overrides are a spoofing trick in token names; they never reach a card or a page.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const cleanText = (s: string | undefined) => s?.replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim() || undefined;

/**
 * Merges what the sources said, the earlier source winning field by field: the order they are listed in is the
 * order of trust (Jupiter, DAS, on-chain metadata, the off-chain JSON last, which only ever adds an image).
 */
export function mergeFacts(mint: string, bySource: Array<[string, TokenFacts | undefined]>): TokenRecord {
  const rec: TokenRecord = { mint, tags: [], verified: false, source: 'none' };
  const used: string[] = [];
  for (const [name, f] of bySource) {
    if (!f) continue;
    used.push(name);
    rec.symbol ??= cleanText(f.symbol);
    rec.name ??= cleanText(f.name);
    rec.decimals ??= f.decimals;
    rec.tokenProgram ??= f.tokenProgram;
    rec.logoUrl ??= f.logoUrl || undefined;
    rec.metadataUri ??= f.metadataUri || undefined;
    rec.organicScore ??= f.organicScore;
    if (f.verified) rec.verified = true;
    for (const t of f.tags ?? []) if (!rec.tags.includes(t)) rec.tags.push(t);
    if (f.hasMarket !== undefined) rec.hasMarket = (rec.hasMarket ?? false) || f.hasMarket;
  }
  if (used.length) rec.source = used.join('+');
  return rec;
}

/**
 * The only symbols built in, a fallback for when the registry has no row: the quote legs of nearly every swap story
 * ("for 12.5 SOL"), which the offline CLI (`oof render`, `oof detect`: no database) and a registry whose sources are
 * all down would otherwise print as So11…1112. Every other name comes from the token registry.
 */
export const FALLBACK_SYMBOLS: Readonly<Record<string, string>> = {
  So11111111111111111111111111111111111111112: 'SOL',
  EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v: 'USDC',
  Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB: 'USDT',
};

/** Long symbols are cut so no layout can overflow. */
export function displaySymbol(mint: string, symbol?: string | null): string {
  const s = symbol || FALLBACK_SYMBOLS[mint] || shortAddress(mint);
  return s.length > 12 ? `${s.slice(0, 11)}…` : s;
}

/** The public view of a mint; unknown metadata degrades to the short mint (and the identicon behind logoUrl). */
export function tokenView(mint: string, rec?: Pick<TokenRecord, 'symbol' | 'name' | 'verified'> | null, logoBase = ''): TokenView {
  const symbol = displaySymbol(mint, rec?.symbol);
  return { symbol, name: rec?.name || rec?.symbol || shortAddress(mint), logoUrl: `${logoBase}${logoPath(mint)}`, verified: rec?.verified ?? false };
}
