import type { NormalizedTx } from '../../domain/parsing/normalized';
import type { Db } from '../../lib/db';

/** Puts a normalized history straight into the tables detection reads, as ingestion would have. */
export async function storeHistory(db: Db, txs: NormalizedTx[]): Promise<void> {
  for (const tx of txs) {
    await db('transactions').insert({ signature: tx.signature, slot: tx.slot, block_time: tx.blockTime, fee_lamports: tx.feeLamports, failed: tx.failed, source: 'rpc', raw: '{}', dispatched_at: new Date() }).onConflict('signature').ignore();
    await db('wallet_transactions').insert({ wallet: tx.wallet, signature: tx.signature, fee_lamports: tx.feeLamports }).onConflict(['wallet', 'signature']).ignore();
    const rows = tx.actions.map((a, idx) => ({
      signature: tx.signature, wallet: tx.wallet, idx, kind: a.kind, sent_mint: a.sent?.mint ?? null, sent_amount: a.sent?.amount ?? null,
      received_mint: a.received?.mint ?? null, received_amount: a.received?.amount ?? null, program_source: a.source ?? null, counterparty: a.counterparty ?? null, block_time: tx.blockTime,
    }));
    if (rows.length) await db('actions').insert(rows).onConflict(['signature', 'wallet', 'idx']).ignore();
  }
}
