import type { Db } from '../../lib/db';
import type { NormalizedTx, WalletAction } from '../../domain/parsing/normalized';
import { D } from '../../domain/money';
import { WSOL_MINT } from '../../domain/parsing/constants';

const dec = (v: string | null): string | null => (v === null ? null : new D(v).toFixed());

/**
 * A wallet's stored history back in the normalized form of design §5, oldest first. With `mint`, only the
 * transactions that move that mint (all of them for SOL, whose fees every transaction pays): what judging one trade
 * of that mint needs, its FIFO lot included. With `signatures`, only those transactions of it (what incremental
 * detection reads per batch).
 */
export async function loadWalletHistory(db: Db, wallet: string, o: { mint?: string; signatures?: string[] } = {}): Promise<NormalizedTx[]> {
  const only = o.mint && o.mint !== WSOL_MINT ? o.mint : null;
  const signatures = o.signatures;
  if (signatures && signatures.length === 0) return [];
  const rows = await db.raw(
    `select t.signature, t.slot, t.block_time, t.failed, wt.fee_lamports,
            a.idx, a.kind, a.sent_mint, a.sent_amount, a.received_mint, a.received_amount, a.counterparty, a.program_source
       from wallet_transactions wt
       join transactions t on t.signature = wt.signature
       left join actions a on a.signature = wt.signature and a.wallet = wt.wallet
      where wt.wallet = ?${signatures ? ' and wt.signature = any(?)' : ''}
        and (?::text is null or exists (select 1 from actions x where x.signature = wt.signature and x.wallet = wt.wallet
                                         and (x.sent_mint = ? or x.received_mint = ?)))
      order by t.block_time nulls first, t.slot, t.signature, a.idx`,
    signatures ? [wallet, signatures, only, only, only] : [wallet, only, only, only],
  );
  const out: NormalizedTx[] = [];
  let cur: NormalizedTx | undefined;
  for (const r of rows.rows) {
    if (!cur || cur.signature !== r.signature) {
      cur = {
        signature: r.signature, slot: Number(r.slot), wallet, failed: r.failed, feeLamports: String(r.fee_lamports ?? 0), feePayer: '',
        blockTime: r.block_time ? new Date(r.block_time).toISOString().replace('.000Z', 'Z') : null, actions: [],
      };
      out.push(cur);
    }
    if (r.kind) {
      const a: WalletAction = {
        kind: r.kind,
        sent: r.sent_mint ? { mint: r.sent_mint, amount: dec(r.sent_amount)! } : null,
        received: r.received_mint ? { mint: r.received_mint, amount: dec(r.received_amount)! } : null,
      };
      if (r.program_source) a.source = r.program_source;
      if (r.counterparty) a.counterparty = r.counterparty;
      cur.actions.push(a);
    }
  }
  return out;
}
