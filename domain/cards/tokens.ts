import { displaySymbol, FALLBACK_SYMBOLS } from '../tokens/token';

export { FALLBACK_SYMBOLS };

/** What a card shows of a token: its symbol and, when known, its logo as a data: URI of a PNG. */
export interface CardToken { symbol: string; logo?: string }
export type CardTokens = Readonly<Record<string, CardToken>>;

/** The tokens to name a moment by: the renderer's, else the registry view the moment carries itself. */
export function momentTokens(m: { mint: string; token?: { symbol: string } }, tokens?: CardTokens): CardTokens | undefined {
  return tokens ?? (m.token ? { [m.mint]: { symbol: m.token.symbol } } : undefined);
}

/** The registry's symbol (passed in by the renderer), the built-in fallback, or the short mint. */
export function tokenLabel(mint: string, tokens?: CardTokens): string {
  return displaySymbol(mint, tokens?.[mint]?.symbol);
}
