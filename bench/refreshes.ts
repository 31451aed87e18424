import { Client, Connection } from '@temporalio/client';
import type { RefreshResult } from '../activities/pricing/price-activities';
import { median } from './ceiling';

export interface RefreshWork { runs: number; medianMs: number; medianCpuMs: number; mints: number; crossed: number; signalled: number }

/**
 * What the price-refresh schedule did since `sinceMs`: its runs (each a `refreshPrices` workflow) and the work of
 * each. The live path's crossing latency is bounded below by the refresh interval, so it is read beside it.
 */
export async function refreshWork(address: string, sinceMs: number): Promise<RefreshWork> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const results: RefreshResult[] = [];
    const query = `WorkflowType = 'refreshPrices' AND StartTime >= '${new Date(sinceMs).toISOString()}' AND ExecutionStatus = 'Completed'`;
    for await (const w of client.workflow.list({ query })) results.push(await client.workflow.getHandle(w.workflowId, w.runId).result());
    return {
      runs: results.length,
      medianMs: median(results.map((r) => r.ms)),
      medianCpuMs: median(results.map((r) => r.cpuMs)),
      mints: median(results.map((r) => r.mints)),
      crossed: results.reduce((n, r) => n + r.crossed, 0),
      signalled: results.reduce((n, r) => n + r.signalled, 0),
    };
  } finally {
    await connection.close();
  }
}
