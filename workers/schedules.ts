import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { Logger } from '../lib/logger';
import { SCHEDULE_IDS } from '../temporal/config';
import { maintenance } from '../workflows/maintenance';
import { reconcileWallets } from '../workflows/reconcile-wallets';
import { refreshPrices } from '../workflows/refresh-prices';

export interface ScheduleDef {
  scheduleId: string;
  /** The workflow function itself, so a renamed workflow breaks the build instead of the schedule. */
  workflowType: Workflow;
  everyMs: number;
  args?: unknown[];
  note: string;
}

/**
 * Creates the schedules the system runs on, once: a second worker start finds them and leaves them alone, so an
 * operator's pause in the Temporal UI survives restarts. Overlap is SKIP: a slow run is never stacked.
 */
export async function ensureSchedules(client: Client, taskQueue: string, defs: ScheduleDef[], log: Logger): Promise<string[]> {
  const created: string[] = [];
  for (const def of defs) {
    try {
      await client.schedule.create({
        scheduleId: def.scheduleId,
        spec: { intervals: [{ every: def.everyMs }] },
        action: { type: 'startWorkflow', workflowType: def.workflowType, taskQueue, args: def.args ?? [], workflowId: def.scheduleId },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
        state: { note: def.note },
      });
      created.push(def.scheduleId);
      log.info({ scheduleId: def.scheduleId, everyMs: def.everyMs }, 'schedule created');
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
  return created;
}

export function defaultSchedules(o: { reconcileEveryMs: number; priceRefreshEveryMs: number }): ScheduleDef[] {
  return [
    { scheduleId: SCHEDULE_IDS.priceRefresh, workflowType: refreshPrices, everyMs: o.priceRefreshEveryMs, note: 'Jupiter snapshots of watched and recently traded mints' },
    { scheduleId: SCHEDULE_IDS.maintenance, workflowType: maintenance, everyMs: 86_400_000, args: [{}], note: 'prune the delivered outbox, thin old snapshots' },
    { scheduleId: SCHEDULE_IDS.reconcileWallets, workflowType: reconcileWallets, everyMs: o.reconcileEveryMs, args: [{}], note: 'gap fill of tracked wallets (webhooks Helius dropped)' },
  ];
}
