import Decimal from 'decimal.js';
import type { NormalizedTx } from '../../domain/parsing/normalized';

const WSOL = 'So11111111111111111111111111111111111111112';

/**
 * The wallet's real balance change per mint in a getTransaction result, computed here from the raw balances alone
 * (independently of the parser): lamports of the wallet and of the token accounts it owns, fee added back; token
 * amounts of its non-wSOL token accounts.
 */
export function rawWalletChanges(tx: any, wallet: string): Map<string, Decimal> {
  const message = tx.transaction.message;
  const keys: string[] = typeof message.accountKeys[0] === 'object'
    ? message.accountKeys.map((k: any) => k.pubkey)
    : [...message.accountKeys, ...(tx.meta.loadedAddresses?.writable ?? []), ...(tx.meta.loadedAddresses?.readonly ?? [])];
  const owner = new Map<number, string>();
  const tokenDelta = new Map<number, { mint: string; decimals: number; raw: bigint }>();
  for (const [list, sign] of [[tx.meta.preTokenBalances ?? [], -1n], [tx.meta.postTokenBalances ?? [], 1n]] as const) {
    for (const b of list) {
      if (b.owner) owner.set(b.accountIndex, b.owner);
      const cur = tokenDelta.get(b.accountIndex) ?? { mint: b.mint, decimals: b.uiTokenAmount.decimals, raw: 0n };
      cur.raw += sign * BigInt(b.uiTokenAmount.amount);
      tokenDelta.set(b.accountIndex, cur);
    }
  }
  const out = new Map<string, Decimal>();
  const add = (mint: string, v: Decimal) => out.set(mint, (out.get(mint) ?? new Decimal(0)).plus(v));
  if (tx.meta.err) return out;
  let lamports = 0n;
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (seen.has(k)) return;
    const pre = tx.meta.preBalances[i];
    const post = tx.meta.postBalances[i];
    if (pre === undefined || post === undefined) return;
    if (k === wallet || owner.get(i) === wallet) {
      seen.add(k);
      lamports += BigInt(post) - BigInt(pre);
    }
  });
  if (keys[0] === wallet) lamports += BigInt(tx.meta.fee);
  add(WSOL, new Decimal(lamports.toString()).div(1e9));
  for (const [i, t] of tokenDelta) {
    if (owner.get(i) !== wallet || t.mint === WSOL) continue;
    add(t.mint, new Decimal(t.raw.toString()).div(new Decimal(10).pow(t.decimals)));
  }
  for (const [m, v] of out) if (v.isZero()) out.delete(m);
  return out;
}

/** Σ received − Σ sent per mint over the actions. */
export function actionChanges(n: NormalizedTx): Map<string, Decimal> {
  const out = new Map<string, Decimal>();
  const add = (mint: string, v: Decimal) => out.set(mint, (out.get(mint) ?? new Decimal(0)).plus(v));
  for (const a of n.actions) {
    if (a.sent) add(a.sent.mint, new Decimal(a.sent.amount).neg());
    if (a.received) add(a.received.mint, new Decimal(a.received.amount));
  }
  for (const [m, v] of out) if (v.isZero()) out.delete(m);
  return out;
}

export function asPlain(m: Map<string, Decimal>): Record<string, string> {
  return Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v.toFixed()]));
}
