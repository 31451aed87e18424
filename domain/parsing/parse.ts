import { ParseError } from './amounts';
import { toViews } from './input';
import type { NormalizedTx } from './normalized';
import type { TxView } from './tx-view';
import { walletActions } from './wallet-actions';

export { ParseError };

/** Parses one transaction (or an array) for the given wallet, or for each transaction's fee payer when none is given. */
export function parseTransactions(input: unknown, wallet?: string): NormalizedTx[] {
  return toViews(input).map((v) => walletActions(v, wallet ?? v.feePayer));
}

export function parseView(view: TxView, wallet?: string): NormalizedTx {
  return walletActions(view, wallet ?? view.feePayer);
}

/** Every wallet whose balances a transaction changes: fee payer, signers, owners of changed token accounts. */
export function walletsTouched(view: TxView): string[] {
  const set = new Set<string>([view.feePayer, ...view.signers]);
  for (const t of view.tokens.values()) if (t.owner && t.delta !== 0n) set.add(t.owner);
  return [...set];
}

/**
 * Every account a transaction could matter to: walletsTouched plus any account whose lamports changed (a plain SOL
 * receiver). Callers intersect this with the wallets they follow.
 */
export function accountsTouched(view: TxView): string[] {
  const set = new Set(walletsTouched(view));
  for (const [account, delta] of view.lamportDelta) if (delta !== null && delta !== 0n && !view.tokens.has(account)) set.add(account);
  return [...set];
}
