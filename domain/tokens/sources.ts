import { D } from '../money';
import { TOKEN_PROGRAMS, type TokenFacts } from './token';

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);
const int = (v: unknown) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255 ? (v as number) : undefined);
const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** A Jupiter Tokens V2 entry (§8.2). `isVerified` null or absent is unverified; `audit.isSus` counts by presence. */
export function factsFromJupiter(e: any): TokenFacts {
  const tags: string[] = Array.isArray(e?.tags) ? e.tags.filter((t: unknown) => typeof t === 'string') : [];
  if (e?.audit && 'isSus' in e.audit) tags.push('sus');
  const score = typeof e?.organicScore === 'number' && Number.isFinite(e.organicScore) ? new D(e.organicScore).toDecimalPlaces(4).toFixed() : undefined;
  return {
    symbol: str(e?.symbol), name: str(e?.name), decimals: int(e?.decimals), tokenProgram: TOKEN_PROGRAMS[e?.tokenProgram],
    logoUrl: str(e?.icon), verified: e?.isVerified === true && !tags.includes('sus'), tags, organicScore: score,
    hasMarket: positive(e?.usdPrice) || positive(e?.liquidity),
  };
}

/**
 * A Helius DAS asset (§8.1). Only fungibles belong in the registry; DAS has no verified flag, and `price_info` exists
 * only for the top 10k tokens, so its absence is no proof of "no market" (left undefined).
 */
export function factsFromDas(a: any): TokenFacts | undefined {
  if (a?.interface !== 'FungibleToken' && a?.interface !== 'FungibleAsset') return undefined;
  const info = a.token_info ?? {};
  const meta = a.content?.metadata ?? {};
  const image = str(a.content?.links?.image) ?? str(a.content?.files?.find((f: any) => /^image\//.test(String(f?.mime ?? '')))?.uri);
  return {
    symbol: str(info.symbol) ?? str(meta.symbol), name: str(meta.name), decimals: int(info.decimals), tokenProgram: TOKEN_PROGRAMS[info.token_program],
    logoUrl: image, metadataUri: str(a.content?.json_uri),
    ...(info.price_info && positive(info.price_info.price_per_token) ? { hasMarket: true } : {}),
  };
}

/**
 * A jsonParsed mint account (§8.4): decimals and program always; name, symbol and uri from Token-2022's
 * `tokenMetadata` extension when the metadata pointer names the mint itself (otherwise the metadata lives elsewhere
 * and the Metaplex account is asked instead).
 */
export function factsFromParsedMint(mint: string, value: any): TokenFacts | undefined {
  const parsed = value?.data?.parsed;
  if (parsed?.type !== 'mint') return undefined;
  const info = parsed.info ?? {};
  const program = TOKEN_PROGRAMS[value.owner];
  const ext: any[] = Array.isArray(info.extensions) ? info.extensions : [];
  const pointer = ext.find((e) => e?.extension === 'metadataPointer')?.state;
  const md = ext.find((e) => e?.extension === 'tokenMetadata')?.state;
  const own = md && (!pointer?.metadataAddress || pointer.metadataAddress === mint) && (!md.mint || md.mint === mint);
  return {
    decimals: int(info.decimals), tokenProgram: program,
    ...(own ? { symbol: str(md.symbol), name: str(md.name), metadataUri: str(md.uri) } : {}),
  };
}

/** An off-chain metadata JSON (§8.5): only `image` is taken; chain metadata wins for name and symbol. */
export function factsFromOffchain(doc: any): TokenFacts | undefined {
  const image = str(doc?.image);
  return image ? { logoUrl: image } : undefined;
}
