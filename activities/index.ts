import type { Db } from '../lib/db';
import type { OofWorkflows } from '../temporal/client';
import { createAlertActivities, type AlertDeps } from './alerts/alert-activities';
import { createAnalysisActivities } from './analysis/progress';
import type { SolanaRpcClient } from '../adapters/chain/solana-rpc';
import type { DetectionConfig } from '../domain/detection/config';
import type { CardService } from '../adapters/rendering/card-service';
import { createDetectionActivities } from './detection/detect-activities';
import { createNewTradeDetection } from './detection/detect-new-trades';
import { createActorActivities } from './ingestion/actor-activities';
import { createLiveBatch } from './ingestion/live-batch';
import { createIngestionActivities } from './ingestion/backfill-activities';
import { createReconcileActivities } from './ingestion/reconcile-activities';
import type { HistoryProvider } from '../adapters/pricing/history-providers';
import type { JupiterClient } from '../adapters/pricing/jupiter';
import { createPriceActivities } from './pricing/price-activities';
import { createWorkflowActivities } from './temporal/workflow-activities';
import { createWatchStarter } from './watch/start-watches';
import { createWatchActivities } from './watch/watch-activities';
import type { TokenRegistry } from '../adapters/tokens/registry';
import type { DenyList } from '../domain/tokens/spam';
import { createTokenActivities } from './tokens/token-activities';
import { createReportActivities } from './reports/report-activities';

export interface ActivityDeps {
  db: Db;
  rpc?: SolanaRpcClient;
  /** The typed Temporal client, for activities that start or wait on other workflows. */
  workflows?: OofWorkflows;
  jupiter?: JupiterClient;
  history?: HistoryProvider;
  detection?: Partial<DetectionConfig>;
  cards?: CardService;
  /** Alert delivery (secrets key, outbound policy, public links); without it alerts fail with a clear reason. */
  alerts?: AlertDeps;
  /** The token registry (issue #19) and the spam deny list. */
  tokens?: TokenRegistry;
  denyList?: DenyList;
}

/** Every activity the worker registers, built from the dependencies the worker wires in. */
export function createActivities(deps: ActivityDeps) {
  const detection = createDetectionActivities(deps);
  const actor = createActorActivities(deps);
  const prices = createPriceActivities(deps);
  const newTrades = createNewTradeDetection(deps);
  return {
    ...createAnalysisActivities(deps),
    ...createIngestionActivities(deps),
    ...actor,
    ...createLiveBatch({ ingest: actor.ingestWalletTransactions, quotes: prices.takeRouteQuotes, detect: newTrades.detectNewTrades, ...(deps.tokens ? { register: (m: string[]) => deps.tokens!.register(m) } : {}) }),
    ...createReconcileActivities(deps),
    ...createWorkflowActivities(deps),
    ...detection,
    ...newTrades,
    ...prices,
    ...createWatchStarter(deps),
    ...createAlertActivities(deps),
    ...createTokenActivities(deps),
    ...createReportActivities(deps),
    ...createWatchActivities({ ...deps, evaluate: (t, opts) => detection.evaluateTrade(t, opts) }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
