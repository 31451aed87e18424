import { log, patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RefreshResult } from '../activities/pricing/price-activities';
import { DEFAULTS } from '../temporal/config';

// Heartbeat timeouts (the worker heartbeats for them while they run): the schedule skips a refresh while one runs, so
// a refresh whose worker died held every price alarm back for the activity's whole start-to-close timeout.
const { snapshotPrices } = proxyActivities<Activities>({
  startToCloseTimeout: '50 seconds',
  heartbeatTimeout: DEFAULTS.heartbeatTimeoutMs,
  retry: { maximumAttempts: 2 },
});

const { refreshTokens } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: DEFAULTS.heartbeatTimeoutMs,
  retry: { maximumAttempts: 2 },
});

/**
 * Run by Schedule `price-refresh` (every PRICE_REFRESH_EVERY_MS, overlap SKIP): one snapshot of the watched mints and
 * a signal to every watch whose price alarm it crossed; then the token registry's rare refresh (stale rows, and recent
 * mints it never resolved).
 */
export async function refreshPrices(): Promise<RefreshResult> {
  const snapshot = await snapshotPrices();
  if (patched('token-registry')) {
    try {
      await refreshTokens();
    } catch (err) {
      log.warn('token refresh failed; retried at the next run', { error: String(err) });
    }
  }
  return snapshot;
}
