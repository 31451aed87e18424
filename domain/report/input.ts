import { z } from 'zod';
import { PriceSeries, toPoints } from '../detection/price-series';
import type { NormalizedTx } from '../parsing/normalized';
import type { ReportInput } from './types';

const decimal = z.string().regex(/^\d+(\.\d{1,18})?$/, 'must be a decimal string with at most 18 decimals');
const leg = z.object({ mint: z.string().min(1), amount: decimal }).nullable();

/** The input of `oof report`: `{ wallets, transactions: [design §5 …, each with its wallet], prices, now? }`. */
export const reportInputSchema = z.object({
  wallets: z.array(z.string().min(1)).min(1, 'name at least one wallet'),
  transactions: z.array(z.object({
    signature: z.string().min(1),
    slot: z.number().int().nonnegative().default(0),
    blockTime: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO time').nullable(),
    wallet: z.string().min(1).optional(),
    failed: z.boolean().default(false),
    feeLamports: z.string().regex(/^\d+$/, 'must be a whole number of lamports as a string').default('0'),
    feePayer: z.string().optional(),
    actions: z.array(z.object({
      kind: z.enum(['swap', 'transfer_in', 'transfer_out', 'other']),
      sent: leg.default(null),
      received: leg.default(null),
      source: z.string().optional(),
      counterparty: z.string().optional(),
    })).default([]),
  })),
  prices: z.record(z.string(), z.array(z.tuple([z.union([z.string(), z.number()]), z.union([z.string(), z.number()])]))).default({}),
  now: z.union([z.string(), z.number()]).optional(),
});

export type RawReportInput = z.infer<typeof reportInputSchema>;

export class ReportInputError extends Error {}

/** Checks what the schema cannot (wallet membership, duplicates, times) and builds the domain input. */
export function toReportInput(raw: RawReportInput, defaultNowMs: number): ReportInput {
  const wallets = [...new Set(raw.wallets)];
  const own = new Set(wallets);
  const nowMs = raw.now === undefined ? defaultNowMs : typeof raw.now === 'number' ? raw.now * 1000 : Date.parse(raw.now);
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
  const prices = new Map<string, PriceSeries>();
  for (const [mint, points] of Object.entries(raw.prices)) {
    try {
      prices.set(mint, new PriceSeries(toPoints(points)));
    } catch (e) {
      throw new ReportInputError(`prices.${mint}: ${(e as Error).message}`);
    }
  }
  return { wallets, transactions, prices, nowMs };
}
