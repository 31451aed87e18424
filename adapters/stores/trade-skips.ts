import type { Db } from '../../lib/db';

export interface TradeSkip { signature: string | null; mint: string; kind: string; reason: string }

/**
 * The wallet's trades detection could not judge and why, as of its latest detection: a skip that no longer applies
 * (its price arrived) is removed, so the table says what is still missing.
 */
export async function replaceTradeSkips(db: Db, wallet: string, skips: TradeSkip[]): Promise<void> {
  const rows = skips.filter((s) => s.signature).map((s) => ({ wallet, signature: s.signature!, mint: s.mint, kind: s.kind, reason: s.reason }));
  await db.transaction(async (trx) => {
    await trx('trade_skips').where({ wallet }).del();
    for (let i = 0; i < rows.length; i += 1000) {
      await trx('trade_skips').insert(rows.slice(i, i + 1000).map((r) => ({ ...r, updated_at: trx.fn.now() }))).onConflict(['wallet', 'signature', 'mint', 'kind']).merge(['reason', 'updated_at']);
    }
  });
}

/** Mints of skipped trades younger than `sinceMs`, so the price refresh fetches them too. */
export async function skippedMints(db: Db, sinceMs: number): Promise<string[]> {
  const r = await db('trade_skips').where('updated_at', '>', new Date(sinceMs)).distinct('mint');
  return r.map((x: any) => x.mint as string);
}
