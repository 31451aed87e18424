import { z } from 'zod';
import { normalizedTxSchema, nowMsOf, nowSchema, priceSeriesOf, priceTableSchema } from '../parsing/history-input';
import type { NormalizedTx } from '../parsing/normalized';
import type { ReportInput } from './types';

/** The input of `oof report`: `{ wallets, transactions: [design §5 …, each with its wallet], prices, now? }`. */
export const reportInputSchema = z.object({
  wallets: z.array(z.string().min(1)).min(1, 'name at least one wallet'),
  transactions: z.array(normalizedTxSchema),
  prices: priceTableSchema,
  now: nowSchema,
});

export type RawReportInput = z.infer<typeof reportInputSchema>;

export class ReportInputError extends Error {}

/** Checks what the schema cannot (wallet membership, duplicates, times) and builds the domain input. */
export function toReportInput(raw: RawReportInput, defaultNowMs: number): ReportInput {
  const wallets = [...new Set(raw.wallets)];
  const own = new Set(wallets);
  const nowMs = nowMsOf(raw.now, defaultNowMs);
  if (!Number.isFinite(nowMs)) throw new ReportInputError(`now: "${raw.now}" is not an ISO time or unix seconds`);
  const seen = new Set<string>();
  const transactions: NormalizedTx[] = raw.transactions.map((t, i) => {
    const wallet = t.wallet ?? (wallets.length === 1 ? wallets[0]! : undefined);
    if (wallet === undefined) throw new ReportInputError(`transactions.${i}.wallet: required when there is more than one wallet`);
    if (!own.has(wallet)) throw new ReportInputError(`transactions.${i}.wallet: "${wallet}" is not one of wallets`);
    const key = `${t.signature}|${wallet}`;
    // The same transaction of the same wallet twice would count twice.
    if (seen.has(key)) throw new ReportInputError(`transactions.${i}: ${t.signature} of ${wallet} is given twice`);
    seen.add(key);
    return { ...t, wallet, feePayer: t.feePayer ?? wallet } as NormalizedTx;
  });
  const prices = priceSeriesOf(raw.prices, (message) => new ReportInputError(message));
  return { wallets, transactions, prices, nowMs };
}
