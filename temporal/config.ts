import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// One place for what the gateway, the workers, the schedules and the workflows must agree on. No I/O here: workflows
// import it too.

/** The main queue (workflows and short activities); TEMPORAL_TASK_QUEUE overrides it per deployment. */
export const DEFAULT_TASK_QUEUE = 'oof';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Production durations; every one is also an argument so tests run the same code in seconds. */
export const DEFAULTS = {
  watchWindowMs: 7 * DAY,
  /**
   * How many times a watch's price alarm may wake it over its window: each wake costs 5 history events, the start and
   * the end 12 in all, so 3 keeps a watch within 30 events.
   */
  watchAlarms: 3,
  /** A wallet actor ends after this long without a signal; the next webhook starts it again. */
  actorQuietPeriodMs: HOUR,
  /**
   * A wallet actor continues as new once its history is this large (the server only suggests it at 4 MB / 4,096
   * events): each batch adds its signal and its activity's result, and a worker holds or replays the whole history.
   */
  actorHistoryBytes: 1024 * 1024,
  /** Swaps younger than this when they arrive get a live route quote (BadRoute). */
  freshSwapMs: 10 * 60_000,
  /**
   * How long a live batch waits for the registry to learn its new mints before publishing its moments (beside its
   * route quotes): a known mint is one indexed lookup; a new one a Jupiter call and a logo. Past it, the moments go
   * out with short mints and their cards are drawn again once the registration ends.
   */
  liveTokenBudgetMs: 1_000,
  /**
   * How long a wallet actor with batches waiting may hold its trades' watches back (they start as soon as it has
   * caught up): their starts would otherwise compete with the batches live moments wait for.
   */
  watchDeferMs: 15_000,
  outboxHorizonMs: 7 * DAY,
  thinSnapshotsAfterMs: 30 * DAY,
  /**
   * Heartbeat timeout of every long activity: how soon the work of a worker that died is retried elsewhere. Workers
   * heartbeat every ≤ 5 s while an activity runs (workers/interceptors.ts), so this can be short.
   */
  heartbeatTimeoutMs: 15_000,
  /** Alerts: a destination gets at most ALERTS_PER_HOUR per window; the rest go out as one digest at its end. */
  alertWindowMs: HOUR,
  /** Backoff of a failing delivery (doubling, with jitter, under any Retry-After the server sends). */
  alertRetryBaseMs: 2000,
  alertRetryMaxMs: 10 * 60_000,
} as const;

// Workflow ids are business keys: starting the same work twice finds the running one instead of duplicating it.
export const analysisWorkflowId = (analysisId: string) => `analysis/${analysisId}`;
export const walletAnalysisWorkflowId = (analysisId: string, wallet: string) => `analysis/${analysisId}/${wallet}`;
export const backfillWorkflowId = (wallet: string) => `backfill/${wallet}`;
export const walletActorWorkflowId = (wallet: string) => `wallet/${wallet}`;
/** The wallet is part of the key: two tracked wallets on either side of one trade are two watches. */
export const watchWorkflowId = (t: { wallet: string; signature: string; mint: string }) => `watch/${t.wallet}/${t.signature}/${t.mint}`;
/** One delivery per (destination, moment version): a re-dispatched event or an unchanged update finds it. */
export const alertDeliveryWorkflowId = (a: { destinationId: string; momentId: string; version: string }) => `alert/${a.destinationId}/${a.momentId}/${a.version}`;
/** One report computation per scope and stamp: concurrent requests for the same report share it. */
export const walletReportWorkflowId = (scope: string, stampHash: string) => `report/${scope}/${stampHash}`;
export const alertDigestWorkflowId = (destinationId: string, windowStartMs: number) => `alert-digest/${destinationId}/${windowStartMs}`;

export const SCHEDULE_IDS = { priceRefresh: 'price-refresh', maintenance: 'maintenance', reconcileWallets: 'reconcile-wallets' } as const;

// Registered on the server by lib/temporal-dev-server.ts (dev) and temporal-compose.yml (production-shaped).
export const WALLET = defineSearchAttributeKey('Wallet', SearchAttributeType.KEYWORD);
export const MOMENT_KINDS = defineSearchAttributeKey('MomentKinds', SearchAttributeType.KEYWORD_LIST);
export const ANALYSIS_ID = defineSearchAttributeKey('AnalysisId', SearchAttributeType.KEYWORD);
