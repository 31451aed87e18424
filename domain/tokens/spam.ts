import { FALLBACK_SYMBOLS } from './token';

/** SOL and the major stablecoins arriving by transfer are deposits, not airdrops. */
export const NEVER_UNSOLICITED: ReadonlySet<string> = new Set(Object.keys(FALLBACK_SYMBOLS));

/** A deny list entry is a mint, or a /regular expression/ (case-insensitive) matched against symbol and name. */
export interface DenyList { mints: Set<string>; patterns: RegExp[] }

export function parseDenyList(entries: string[]): DenyList {
  const mints = new Set<string>();
  const patterns: RegExp[] = [];
  for (const e of entries) {
    const m = /^\/(.+)\/$/.exec(e);
    if (m) patterns.push(new RegExp(m[1]!, 'i'));
    else mints.add(e);
  }
  return { mints, patterns };
}

export function denied(deny: DenyList, t: { mint: string; symbol?: string | null; name?: string | null }): boolean {
  if (deny.mints.has(t.mint)) return true;
  return deny.patterns.some((p) => (t.symbol && p.test(t.symbol)) || (t.name && p.test(t.name)));
}

/**
 * Spam (issue #19): denied, or arrived unsolicited and is neither verified nor priced anywhere. A token the wallet
 * bought is never spam for it, nor is a verified one sent to it.
 */
export function isSpamToken(t: { unsolicited: boolean; verified: boolean; hasMarket?: boolean | null; denied: boolean }): boolean {
  return t.denied || (t.unsolicited && !t.verified && !t.hasMarket);
}
