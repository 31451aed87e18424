import type { Db } from '../../lib/db';
import type { NormalizedTx } from '../../domain/parsing/normalized';
import type { TxView } from '../../domain/parsing/tx-view';

export interface IngestedTx {
  view: TxView;
  raw: unknown;
  source: 'rpc' | 'helius-webhook-enhanced' | 'helius-webhook-raw' | 'helius-enhanced';
  /** The wallets' normalized views; a wallet whose view failed to parse carries the error instead. */
  wallets: Array<{ wallet: string; normalized?: NormalizedTx; error?: string }>;
}

// NUMERIC(38,18): at most 20 integer digits; more decimals than 18 would be rounded silently, so refuse both.
const FITS_NUMERIC = /^\d{1,20}(\.\d{1,18})?$/;

function toBlockTime(view: TxView): Date | null {
  return view.blockTime === null ? null : new Date(view.blockTime * 1000);
}

/**
 * Idempotent writes of ingested transactions: a transaction row once per signature, a wallet link once per
 * (wallet, signature), actions replaced per (signature, wallet). Retried activities and duplicated webhooks change
 * nothing. Returns how many (wallet, signature) links were new.
 */
export async function storeTransactions(db: Db, items: IngestedTx[], opts: { keepDetectionState?: boolean } = {}): Promise<{ newLinks: number; actions: number }> {
  if (items.length === 0) return { newLinks: 0, actions: 0 };
  return db.transaction(async (trx) => {
    const txRows = items.map((i) => ({
      signature: i.view.signature,
      slot: i.view.slot,
      block_time: toBlockTime(i.view),
      fee_lamports: i.view.fee.toString(),
      failed: i.view.failed,
      source: i.source,
      raw: JSON.stringify(i.raw),
      // Stored by a worker that also links the wallets itself: nothing left for the webhook dispatcher.
      dispatched_at: new Date(),
    }));
    // Sorted so concurrent batches take row locks in the same order and cannot deadlock.
    txRows.sort((a, b) => (a.signature < b.signature ? -1 : 1));
    await trx('transactions').insert(txRows).onConflict('signature').ignore();

    const links = items.flatMap((i) => i.wallets.map((w) => ({
      wallet: w.wallet, signature: i.view.signature, parse_error: w.error ?? null,
      fee_lamports: i.view.feePayer === w.wallet ? i.view.fee.toString() : '0',
    })));
    links.sort((a, b) => (a.wallet + a.signature < b.wallet + b.signature ? -1 : 1));
    const inserted = await trx('wallet_transactions').insert(links).onConflict(['wallet', 'signature']).merge(['parse_error']).returning(trx.raw('(xmax = 0) as inserted'));
    const newLinks = inserted.filter((r: any) => r.inserted).length;
    // Incremental detection folds what its caller hands it after its last transaction; anything linked by another
    // path (a backfill, a gap fill) makes the wallet's stored fold incomplete, so it is dropped in the same
    // transaction and the next detection rebuilds it from the history. The live actor folds its own links itself.
    if (newLinks && !opts.keepDetectionState) {
      await trx('wallet_detection_state').whereIn('wallet', [...new Set(links.map((l) => l.wallet))]).del();
    }

    const actionRows = [];
    for (const i of items) {
      for (const w of i.wallets) {
        if (!w.normalized) continue;
        for (const [idx, a] of w.normalized.actions.entries()) {
          for (const leg of [a.sent, a.received]) {
            if (leg && !FITS_NUMERIC.test(leg.amount)) throw new Error(`amount ${leg.amount} of ${leg.mint} in ${i.view.signature} does not fit NUMERIC(38,18)`);
          }
          actionRows.push({
            signature: i.view.signature, wallet: w.wallet, idx, kind: a.kind,
            sent_mint: a.sent?.mint ?? null, sent_amount: a.sent?.amount ?? null,
            received_mint: a.received?.mint ?? null, received_amount: a.received?.amount ?? null,
            counterparty: a.counterparty ?? null, program_source: a.source ?? null, block_time: toBlockTime(i.view),
          });
        }
      }
    }
    // A re-parse may yield fewer actions than before: clear this wallet's rows for these signatures first.
    const pairs = items.flatMap((i) => i.wallets.filter((w) => w.normalized).map((w) => [i.view.signature, w.wallet]));
    if (pairs.length) await trx('actions').whereIn(['signature', 'wallet'], pairs).del();
    for (let i = 0; i < actionRows.length; i += 1000) await trx('actions').insert(actionRows.slice(i, i + 1000));
    return { newLinks, actions: actionRows.length };
  });
}

/** The signatures of `signatures` this wallet already has. */
export async function knownSignatures(db: Db, wallet: string, signatures: string[]): Promise<Set<string>> {
  if (signatures.length === 0) return new Set();
  const rows = await db('wallet_transactions').where({ wallet }).whereIn('signature', signatures).select('signature');
  return new Set(rows.map((r: any) => r.signature));
}
