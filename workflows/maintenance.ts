import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { DEFAULTS } from '../temporal/config';

const { runMaintenance } = proxyActivities<Activities>({ startToCloseTimeout: '10 minutes' });

export interface MaintenanceInput {
  /** Outbox rows older than this are past any SSE client's resume horizon (default 7 days). */
  outboxHorizonMs?: number;
  /** Snapshots older than this are thinned to hourly (default 30 days). */
  thinAfterMs?: number;
}

/** Run by Schedule `maintenance` (daily): prune the delivered outbox, thin old snapshots, and record what it did. */
export async function maintenance(input: MaintenanceInput = {}): Promise<{ outboxDeleted: number; snapshotsThinned: number }> {
  return runMaintenance({ outboxHorizonMs: input.outboxHorizonMs ?? DEFAULTS.outboxHorizonMs, thinAfterMs: input.thinAfterMs ?? DEFAULTS.thinSnapshotsAfterMs });
}
