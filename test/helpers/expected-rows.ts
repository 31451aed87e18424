import { parseTransactions } from '../../domain/parsing/parse';
import type { Db } from '../../lib/db';

/** The actions rows a wallet's transactions must produce, straight from the pure parser, sorted like the query below. */
export function expectedActionRows(txs: any[], wallet: string): string[] {
  const rows: string[] = [];
  for (const tx of txs) {
    const [n] = parseTransactions(tx, wallet);
    n!.actions.forEach((a, idx) => rows.push([n!.signature, idx, a.kind, a.sent?.mint ?? '', a.sent?.amount ?? '', a.received?.mint ?? '', a.received?.amount ?? '', a.counterparty ?? '', a.source ?? ''].join('|')));
  }
  return rows.sort();
}

/** The same, from the database, amounts as exact decimals without trailing zeros. */
export async function storedActionRows(db: Db, wallet: string): Promise<string[]> {
  const rows = await db.raw(
    `select signature, idx, kind, coalesce(sent_mint, '') sm, coalesce(trim_scale(sent_amount)::text, '') sa,
            coalesce(received_mint, '') rm, coalesce(trim_scale(received_amount)::text, '') ra,
            coalesce(counterparty, '') cp, coalesce(program_source, '') ps
       from actions where wallet = ?`,
    [wallet],
  );
  return rows.rows.map((r: any) => [r.signature, r.idx, r.kind, r.sm, r.sa, r.rm, r.ra, r.cp, r.ps].join('|')).sort();
}
