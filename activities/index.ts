import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import { createAnalysisActivities } from './analysis/progress';
import type { SolanaRpcClient } from './chain/solana-rpc';
import { createActorActivities } from './ingestion/actor-activities';
import { createIngestionActivities } from './ingestion/backfill-activities';
import { createReconcileActivities } from './ingestion/reconcile-activities';
import { createWorkflowActivities } from './temporal/workflow-activities';

export interface ActivityDeps {
  db: Db;
  rpc?: SolanaRpcClient;
  temporal?: Client;
}

/** Every activity the worker registers, built from the dependencies the worker wires in. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createAnalysisActivities(deps),
    ...createIngestionActivities(deps),
    ...createActorActivities(deps),
    ...createReconcileActivities(deps),
    ...createWorkflowActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
