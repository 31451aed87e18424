import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db } from '../../lib/db';
import { RpcError, type SolanaRpcClient } from '../../adapters/chain/solana-rpc';
import { knownSignatures, storeTransactions, type IngestedTx } from '../../adapters/stores/transactions-store';
import { ingest } from './ingest';
import { heartbeatIfActivity } from '../heartbeat';

export interface IngestionDeps {
  db: Db;
  /** Undefined when no RPC_PRIMARY is configured: backfills then have nothing to read. */
  rpc?: SolanaRpcClient;
}

export interface SignaturePage {
  configured: boolean;
  signatures: Array<{ signature: string; slot: number; blockTime: number | null }>;
}

export interface IngestResult {
  requested: number;
  alreadyKnown: number;
  stored: number;
  missing: number;
  actions: number;
}


function rpcFailure(e: unknown): never {
  if (e instanceof RpcError && !e.retryable) throw ApplicationFailure.nonRetryable(e.message, 'RpcRejected');
  throw e;
}

export function createIngestionActivities({ db, rpc }: IngestionDeps) {
  return {
    /** One page of a wallet's signatures, newest first, strictly older than `before`. */
    async listSignatures(wallet: string, opts: { before?: string; until?: string; limit: number }): Promise<SignaturePage> {
      if (!rpc) return { configured: false, signatures: [] };
      const page = await rpc.getSignaturesForAddress(wallet, opts, Context.current().cancellationSignal).catch(rpcFailure);
      return { configured: true, signatures: page.map((s) => ({ signature: s.signature, slot: s.slot, blockTime: s.blockTime })) };
    },

    /**
     * Fetches, parses and stores the wallet's transactions for these signatures; ones it already has are skipped,
     * so a retry after a crash only does what is left. Heartbeats as it goes.
     */
    async ingestSignatures(wallet: string, signatures: string[]): Promise<IngestResult> {
      if (!rpc) throw ApplicationFailure.nonRetryable('RPC_PRIMARY is not configured', 'NotConfigured');
      const known = await knownSignatures(db, wallet, signatures);
      const todo = signatures.filter((s) => !known.has(s));
      const signal = Context.current().cancellationSignal;
      const result: IngestResult = { requested: signatures.length, alreadyKnown: known.size, stored: 0, missing: 0, actions: 0 };
      const chunk = 50;
      for (let i = 0; i < todo.length; i += chunk) {
        const part = todo.slice(i, i + chunk);
        const raws = await Promise.all(part.map((sig) => rpc.getTransaction(sig, 'json', signal).catch(rpcFailure)));
        const items: IngestedTx[] = [];
        raws.forEach((raw) => {
          if (raw === null) result.missing++;
          else items.push(ingest(raw, [wallet], 'rpc'));
        });
        const stored = await storeTransactions(db, items);
        result.stored += items.length;
        result.actions += stored.actions;
        heartbeatIfActivity({ done: i + part.length, of: todo.length });
      }
      return result;
    },

    async trackWallet(wallet: string): Promise<void> {
      await db('tracked_wallets').insert({ wallet }).onConflict('wallet').ignore();
    },

    async countWalletTransactions(wallet: string): Promise<number> {
      const row = await db('wallet_transactions').where({ wallet }).count({ count: '*' }).first();
      return Number(row?.count ?? 0);
    },
  };
}
