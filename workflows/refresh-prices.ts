import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RefreshResult } from '../activities/pricing/price-activities';

const { snapshotPrices } = proxyActivities<Activities>({
  startToCloseTimeout: '50 seconds',
  retry: { maximumAttempts: 2 },
});

/**
 * Run by Schedule `price-refresh` (every PRICE_REFRESH_EVERY_MS, overlap SKIP): one snapshot of the watched mints,
 * and a signal to every watch whose price alarm it crossed.
 */
export async function refreshPrices(): Promise<RefreshResult> {
  return snapshotPrices();
}
