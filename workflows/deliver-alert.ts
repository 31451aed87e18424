import { ActivityFailure, ApplicationFailure, patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AlertDigestInput, DeliverAlertInput } from '../temporal/types';

export type { AlertDigestInput, DeliverAlertInput } from '../temporal/types';

export type DeliverAlertOutcome = 'sent' | 'held' | 'failed' | 'skipped';

/**
 * Delivers one version of one moment to one destination, once: admitted under the destination's hourly limit (else
 * held for the window's digest), sent with retries that back off and honour the receiver's Retry-After; a delivery
 * that fails for good pauses the destination and says why.
 */
export async function deliverAlert(input: DeliverAlertInput): Promise<{ outcome: DeliverAlertOutcome; reason?: string }> {
  const { admitAlert, failAlert } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const { sendAlert, deliverAlertNow } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    // The activity names each retry's delay itself (backoff with jitter, or the server's Retry-After).
    retry: { maximumAttempts: input.maxAttempts, initialInterval: input.retryBaseMs, maximumInterval: input.retryMaxMs, backoffCoefficient: 2 },
  });
  const key = { destinationId: input.destinationId, momentId: input.momentId, version: input.version };
  // Admission and the first send in one activity task (half the server round trips of the hot path); workflows
  // started before this change replay their two activities.
  const oneActivity = patched('deliver-alert-in-one-activity');
  if (!oneActivity) {
    const admission = await admitAlert(input);
    if (admission.decision !== 'send') return { outcome: admission.decision, reason: admission.reason };
  }
  try {
    const r = oneActivity ? await deliverAlertNow(input) : await sendAlert({ ...input });
    return { outcome: r.outcome, reason: r.reason };
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const reason = cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
    await failAlert({ ...key, reason });
    return { outcome: 'failed', reason };
  }
}

/** At the end of a rate-limit window, one message listing what the destination was not sent during it. */
export async function alertDigest(input: AlertDigestInput): Promise<{ held: number }> {
  const { sendAlertDigest } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '5 seconds', maximumInterval: '10 minutes', maximumAttempts: 20 },
  });
  const wait = input.windowEndMs - Date.now();
  if (wait > 0) await sleep(wait);
  return sendAlertDigest(input);
}
