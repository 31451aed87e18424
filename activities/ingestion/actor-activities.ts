import { Context } from '@temporalio/activity';
import type { Db } from '../../lib/db';
import type { SolanaRpcClient } from '../../adapters/chain/solana-rpc';
import { knownSignatures, storeTransactions, type IngestedTx } from '../../adapters/stores/transactions-store';
import { WSOL_MINT } from '../../domain/parsing/constants';
import { ingest } from './ingest';

export interface NewSwap {
  signature: string;
  blockTime: string | null;
  sent: { mint: string; amount: string; decimals: number };
  received: { mint: string; amount: string; decimals: number };
  source?: string;
}

export interface ActorIngestResult {
  stored: number;
  alreadyKnown: number;
  /** Signatures neither stored nor found on the RPC endpoint (yet): the actor tries them again later. */
  missing: string[];
  swaps: NewSwap[];
  /** The signatures linked to the wallet by this call: what incremental detection folds next. */
  storedSignatures: string[];
  /** Every mint those transactions' actions name (what the token registry is asked about, instead of the history's). */
  mints: string[];
}

export function createActorActivities({ db, rpc }: { db: Db; rpc?: SolanaRpcClient }) {
  return {
    /**
     * Links the wallet to transactions a webhook stored (or, for ones not stored, that the RPC endpoint returns),
     * parsed for this wallet. Idempotent: signatures the wallet already has are skipped.
     */
    async ingestWalletTransactions(wallet: string, signatures: string[]): Promise<ActorIngestResult> {
      const known = await knownSignatures(db, wallet, signatures);
      const todo = signatures.filter((s) => !known.has(s));
      const stored = todo.length ? await db('transactions').whereIn('signature', todo).select('signature', 'raw', 'source') : [];
      const bySig = new Map(stored.map((r: any) => [r.signature as string, r]));
      const items: IngestedTx[] = [];
      const missing: string[] = [];
      for (const sig of todo) {
        const row = bySig.get(sig);
        if (row) {
          items.push(ingest(row.raw, [wallet], row.source));
          continue;
        }
        const raw = rpc ? await rpc.getTransaction(sig, 'json', Context.current().cancellationSignal) : null;
        if (raw) items.push(ingest(raw, [wallet], 'rpc'));
        else missing.push(sig);
      }
      await storeTransactions(db, items, { keepDetectionState: true });
      const swaps: NewSwap[] = [];
      const mints = new Set<string>();
      for (const item of items) {
        const n = item.wallets[0]?.normalized;
        for (const a of n?.actions ?? []) for (const leg of [a.sent, a.received]) if (leg) mints.add(leg.mint);
        // Decimals for quoting in raw units: from the transaction's own token balances (SOL is 9).
        const decimalsOf = (mint: string) => (mint === WSOL_MINT ? 9 : [...item.view.tokens.values()].find((t) => t.mint === mint)?.decimals ?? 0);
        for (const a of n?.actions ?? []) {
          if (a.kind === 'swap' && a.sent && a.received) {
            swaps.push({
              signature: n!.signature, blockTime: n!.blockTime, source: a.source,
              sent: { ...a.sent, decimals: decimalsOf(a.sent.mint) }, received: { ...a.received, decimals: decimalsOf(a.received.mint) },
            });
          }
        }
      }
      return { stored: items.length, alreadyKnown: known.size, missing, swaps, storedSignatures: items.map((i) => i.view.signature), mints: [...mints] };
    },
  };
}
