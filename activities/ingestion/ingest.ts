import { ParseError } from '../../domain/parsing/amounts';
import { toView } from '../../domain/parsing/input';
import { walletActions } from '../../domain/parsing/wallet-actions';
import type { IngestedTx } from '../../adapters/stores/transactions-store';

/**
 * Parses one raw transaction for the given wallets. A payload that is not a transaction at all throws; a wallet
 * whose view cannot be derived keeps the error next to the stored raw payload, so nothing accepted is dropped.
 */
export function ingest(raw: unknown, wallets: string[], source: IngestedTx['source']): IngestedTx {
  const view = toView(raw);
  return {
    view,
    raw,
    source,
    wallets: wallets.map((wallet) => {
      try {
        return { wallet, normalized: walletActions(view, wallet) };
      } catch (e) {
        if (e instanceof ParseError || e instanceof Error) return { wallet, error: e.message };
        throw e;
      }
    }),
  };
}
