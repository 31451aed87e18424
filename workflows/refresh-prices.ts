import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { snapshotPrices } = proxyActivities<Activities>({
  startToCloseTimeout: '50 seconds',
  retry: { maximumAttempts: 2 },
});

/** Run by Schedule `price-refresh` (every 60 s, overlap SKIP): one snapshot of the watched and recently traded mints. */
export async function refreshPrices(): Promise<{ mints: number; priced: number; at: string }> {
  return snapshotPrices();
}
