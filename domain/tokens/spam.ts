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

/**
 * The mints a history received by transfer and never by a swap: what "arrived unsolicited" means for spam. Over one
 * owner's wallets a token bought in one and moved to another was bought; SOL, the majors and `exempt` never count.
 */
export function unsolicitedMints(txs: Iterable<{ actions: ReadonlyArray<{ kind: string; received: { mint: string } | null }> }>, exempt: Iterable<string> = []): Set<string> {
  const received = new Set<string>();
  const bought = new Set<string>();
  for (const tx of txs) {
    for (const a of tx.actions) {
      if (!a.received) continue;
      if (a.kind === 'transfer_in') received.add(a.received.mint);
      else if (a.kind === 'swap') bought.add(a.received.mint);
    }
  }
  const never = new Set([...NEVER_UNSOLICITED, ...exempt]);
  return new Set([...received].filter((m) => !bought.has(m) && !never.has(m)));
}
