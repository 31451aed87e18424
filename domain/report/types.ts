import type { Dec } from '../money';
import type { NormalizedTx } from '../parsing/normalized';
import type { PriceSeries } from '../detection/price-series';

/** What a report is computed from: one owner's wallets, their normalized histories (design §5) and prices. */
export interface ReportInput {
  wallets: string[];
  /** Every transaction with the wallet it belongs to; one per (signature, wallet). */
  transactions: NormalizedTx[];
  prices: Map<string, PriceSeries>;
  nowMs: number;
  /** Realized PnL, fees, volume and sells count from this instant on; earlier events only build the lots. */
  fromMs?: number;
  /** Keep every matched part of every disposal (the trades CSV) and the PnL timeline (the card's chart). */
  detail?: boolean;
  /** Keep the PnL timeline only (the chart and the daily score). */
  timeline?: boolean;
}

export interface Position {
  mint: string;
  held: string;
  costBasisUsd: string;
  priceUsd: string | null;
  valueUsd: string | null;
  realizedPnlUsd: string;
  unrealizedPnlUsd: string | null;
  unknownCostQty: string;
}

export interface Totals {
  realizedPnlUsd: string;
  unrealizedPnlUsd: string;
  feesUsd: string;
  netPnlUsd: string;
  volumeUsd: string;
  sells: number;
  winningSells: number;
  winRate: string | null;
}

export interface Unpriced { signature: string; mint: string; reason: 'swap' | 'fee' }

/** The JSON `oof report` prints and the API serves: this shape exactly. */
export interface Report {
  now: string;
  wallets: string[];
  positions: Position[];
  totals: Totals;
  unpriced: Unpriced[];
}

/** One part of a disposal matched to one lot (or to nothing: sold beyond the lots held). */
export interface MatchedPart {
  atMs: number;
  signature: string;
  wallet: string;
  mint: string;
  qty: string;
  /** Null for a disposal that realizes nothing (a transfer out, a fee, an unpriced swap). */
  proceedsUsd: string | null;
  /** Null for a lot of unknown cost or a part beyond the lots. */
  costUsd: string | null;
  realizedUsd: string;
  kind: 'sell' | 'transfer_out' | 'fee' | 'unpriced_swap';
  lotAtMs: number | null;
  lotSignature: string | null;
}

/** Realized PnL, fees and volume as they accrued, in exact 10^-36 USD units: the cumulative-PnL chart and the daily score. */
export interface PnlStep { atMs: number; realized36: bigint; fees36: bigint; volume36: bigint }

/** Per mint, what the conservation property needs beyond the report: cost brought in and cost taken out unsold. */
export interface PositionFlows { acquiredCostUsd: Dec; withdrawnCostUsd: Dec; proceedsUsd: Dec }

export interface ReportResult {
  report: Report;
  flows: Map<string, PositionFlows>;
  parts: MatchedPart[];
  timeline: PnlStep[];
  /** Priced swaps and transfers counted: what the benchmarks call actions. */
  actions: number;
}

export type { NormalizedTx };
