import { Context } from '@temporalio/activity';
import type { OofWorkflows } from '../../temporal/client';

export interface WorkflowActivityDeps { workflows?: OofWorkflows }

export function createWorkflowActivities({ workflows }: WorkflowActivityDeps) {
  return {
    /** Waits until another workflow (not a child) has closed, heartbeating meanwhile; its outcome is not ours to judge. */
    async awaitWorkflowClosed(workflowId: string): Promise<string> {
      if (!workflows) throw new Error('this worker has no Temporal client for awaitWorkflowClosed');
      const ctx = Context.current();
      for (;;) {
        const status = await workflows.status(workflowId);
        if (status !== 'RUNNING') return status;
        ctx.heartbeat();
        await ctx.sleep(1000);
      }
    },
  };
}
