// Plain data that crosses the workflow boundary. Amounts are decimal strings, times ISO strings.

import type { AlertEventType } from '../domain/alerts/messages';
import type { Moment } from '../domain/detection/moment';

export interface AnalyzeRequest {
  analysisId: string;
  wallets: string[];
  /** ISO times bounding the backfill; omitted = full history. */
  from?: string;
  to?: string;
  requestId?: string;
  options?: AnalyzeWalletOptions;
}

export interface AnalyzeWalletOptions {
  /** Signatures per getSignaturesForAddress page (≤ 1000). */
  pageSize?: number;
  /** Transactions fetched and parsed per activity call. */
  batchSize?: number;
  /** Pages handled before backfillWallet continues as new. */
  pagesPerRun?: number;
  listTimeoutMs?: number;
  heartbeatTimeoutMs?: number;
  /** Judge as of this time instead of the clock (demos and tests replaying the past). */
  now?: string;
  /** How open windows are watched (defaults: the detection window, DEFAULTS.watchAlarms alarms). */
  watch?: WatchOptions;
}

export interface WatchOptions {
  windowMs?: number;
  /** How many times a watch's price alarm may wake it over its window. */
  alarms?: number;
}

export type WalletStage = 'queued' | 'backfilling' | 'detecting' | 'completed' | 'failed';

export interface WalletProgress {
  stage: WalletStage;
  transactions: number;
  moments: number;
  error?: string;
}

export interface AnalysisProgress {
  totalWallets: number;
  completedWallets: number;
  failedWallets: number;
  wallets: Record<string, WalletProgress>;
}

export interface WalletSummary {
  wallet: string;
  transactions: number;
  moments: number;
}

export interface AnalysisSummary {
  analysisId: string;
  status: 'completed' | 'failed';
  wallets: Array<WalletSummary | { wallet: string; error: string }>;
}

/** What a wallet actor answers to its state query. */
export interface ActorState {
  pending: number;
  processed: number;
  swaps: number;
  lastActivityAt?: string;
}

export interface DeliverAlertInput {
  destinationId: string;
  momentId: string;
  /** The card version of the moment (status and numbers): the business key with the destination. */
  version: string;
  eventType: AlertEventType;
  /** The moment as of the event: what is sent, even if it changes again meanwhile. */
  moment: Moment;
  /** Every limit and duration is an argument (an hour and 60 in production, seconds in tests). */
  perWindow: number;
  windowMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface AlertDigestInput {
  destinationId: string;
  windowStartMs: number;
  windowEndMs: number;
}
