import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReportQuery } from '../adapters/reports/report-service';

export interface WalletReportInput { query: ReportQuery; trades?: boolean; nowMs?: number }

/** One wallet report computed by the worker (a large history): the result waits in wallet_reports. */
export async function walletReport(input: WalletReportInput): Promise<{ scope: string; stamp: string; actions: number }> {
  const { computeWalletReport } = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry: { maximumAttempts: 3 } });
  return computeWalletReport(input.query, { trades: input.trades, nowMs: input.nowMs });
}
