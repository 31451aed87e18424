import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';

export interface WorkflowActivityDeps { temporal?: Client }

export function createWorkflowActivities({ temporal }: WorkflowActivityDeps) {
  return {
    /** Waits until another workflow (not a child) has closed, heartbeating meanwhile; its outcome is not ours to judge. */
    async awaitWorkflowClosed(workflowId: string): Promise<string> {
      if (!temporal) throw new Error('this worker has no Temporal client for awaitWorkflowClosed');
      const ctx = Context.current();
      const handle = temporal.workflow.getHandle(workflowId);
      for (;;) {
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING') return status.name;
        ctx.heartbeat();
        await ctx.sleep(1000);
      }
    },
  };
}
