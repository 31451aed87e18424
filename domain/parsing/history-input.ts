import { z } from 'zod';
import { PriceSeries, toPoints } from '../detection/price-series';

// The input format `oof detect` and `oof report` share (design §5: normalized transactions, price tables, `now`).

const decimal = z.string().regex(/^\d+(\.\d{1,18})?$/, 'must be a decimal string with at most 18 decimals');
const leg = z.object({ mint: z.string().min(1), amount: decimal }).nullable();

/** One normalized transaction (design §5), as `oof parse` prints it. */
export const normalizedTxSchema = z.object({
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
});

/** `{ mint: [[ISO time or unix seconds, usd], …] }`. */
export const priceTableSchema = z.record(z.string(), z.array(z.tuple([z.union([z.string(), z.number()]), z.union([z.string(), z.number()])]))).default({});

/** An ISO time or unix seconds. */
export const nowSchema = z.union([z.string(), z.number()]).optional();

/** `now` in ms (NaN when it is neither an ISO time nor unix seconds), or the default when it is left out. */
export function nowMsOf(now: string | number | undefined, defaultMs: number): number {
  return now === undefined ? defaultMs : typeof now === 'number' ? now * 1000 : Date.parse(now);
}

/** The price table as series; a bad table throws `fail(message)` naming its mint. */
export function priceSeriesOf(table: Record<string, Array<[string | number, string | number]>>, fail: (message: string) => Error): Map<string, PriceSeries> {
  const prices = new Map<string, PriceSeries>();
  for (const [mint, points] of Object.entries(table)) {
    try {
      prices.set(mint, new PriceSeries(toPoints(points)));
    } catch (e) {
      throw fail(`prices.${mint}: ${(e as Error).message}`);
    }
  }
  return prices;
}
