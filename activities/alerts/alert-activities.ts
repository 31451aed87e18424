import { ApplicationFailure, Context } from '@temporalio/activity';
import { createDestinationsStore, type DestinationSecrets } from '../../adapters/alerts/destinations-store';
import type { SecretBox } from '../../adapters/alerts/secret-box';
import { sendToDestination, type OutboundMessage, type SenderOptions } from '../../adapters/alerts/senders';
import { backoffMs } from '../../adapters/http/retry';
import { alertLinks } from '../../adapters/rendering/card-links';
import { discordDigest, discordPayload, telegramDigest, telegramPhoto, webhookBody, webhookDigestBody, type Digest } from '../../domain/alerts/messages';
import { signatureHeader } from '../../domain/alerts/signature';
import type { Moment } from '../../domain/detection/moment';
import type { Db } from '../../lib/db';
import type { OofWorkflows } from '../../temporal/client';
import type { AlertDigestInput, DeliverAlertInput } from '../../temporal/types';

/** What delivering alerts needs from the worker: the key that opens destination secrets, the outbound policy, links. */
export interface AlertDeps {
  box: SecretBox;
  sender: SenderOptions;
  /** Absolute origin of card and share links. */
  publicBaseUrl: string;
  /** The clock of signatures (tests of stale timestamps replace it). */
  now?: () => number;
}

type Key = Pick<DeliverAlertInput, 'destinationId' | 'momentId' | 'version'>;
export type Admission = { decision: 'send' | 'held' | 'failed' | 'skipped'; reason?: string };

/** The id a receiver sees in every attempt of one delivery (OOF-Delivery-Id and the body's `id`): dedupe on it. */
export const deliveryId = (k: Key) => `${k.destinationId}.${k.momentId}.${k.version}`;

const keyOf = (k: Key) => ({ destination_id: k.destinationId, moment_id: k.momentId, version: k.version });

export function createAlertActivities(deps: { db: Db; alerts?: AlertDeps; workflows?: OofWorkflows }) {
  const { db } = deps;
  const need = () => {
    if (!deps.alerts) throw ApplicationFailure.nonRetryable('this worker is not configured to deliver alerts');
    return deps.alerts;
  };
  const now = () => deps.alerts?.now?.() ?? Date.now();

  /** Signed (generic webhooks) and formatted for the destination's kind. */
  function momentMessage(kind: string, secrets: DestinationSecrets, input: DeliverAlertInput, a: AlertDeps): OutboundMessage {
    const links = alertLinks(a.publicBaseUrl, input.moment);
    if (kind === 'discord') return { body: JSON.stringify(discordPayload(input.moment, links)) };
    if (kind === 'telegram') return { body: JSON.stringify(telegramPhoto(secrets.chatId!, input.moment, links)), telegramMethod: 'sendPhoto' };
    const id = deliveryId(input);
    const body = webhookBody({ deliveryId: id, type: input.eventType, moment: input.moment, links, createdAt: new Date(now()).toISOString() });
    return { body, headers: signed(secrets, body, id, input.eventType) };
  }

  function signed(secrets: DestinationSecrets, body: string, id: string, event: string): Record<string, string> {
    return { 'oof-signature': signatureHeader(secrets.signingSecret!, body, Math.floor(now() / 1000)), 'oof-delivery-id': id, 'oof-event': event };
  }

  /** The next retry's delay: exponential backoff with jitter, never sooner than the server asked. */
  function failure(error: string, retryable: boolean, retryAfterMs: number | undefined, base: number, max: number): ApplicationFailure {
    const attempt = Context.current().info.attempt;
    const delay = Math.max(retryAfterMs ?? 0, backoffMs(attempt, base, max), Math.floor(base / 2));
    return ApplicationFailure.create({ message: error, type: 'AlertDeliveryFailed', nonRetryable: !retryable, nextRetryDelay: retryable ? delay : undefined });
  }

  const activities = {
    /**
     * Records the delivery (once per key) and decides: send it now, or hold it because the destination's window is
     * full (its digest workflow is started), or skip it (destination paused or deleted). A retried call returns the
     * decision already recorded.
     */
    async admitAlert(input: DeliverAlertInput): Promise<Admission> {
      const windowStart = Math.floor(now() / input.windowMs) * input.windowMs;
      const admission = await db.transaction(async (trx): Promise<Admission> => {
        const dest = await trx('alert_destinations').where({ id: input.destinationId }).forUpdate().first('state', 'paused_reason');
        const existing = await trx('alert_deliveries').where(keyOf(input)).first('state');
        if (existing) return { decision: existing.state === 'admitted' || existing.state === 'sent' ? 'send' : existing.state === 'digested' ? 'held' : existing.state };
        const row = { ...keyOf(input), event_type: input.eventType, moment: JSON.stringify(input.moment) };
        if (!dest || dest.state !== 'active') {
          const reason = !dest || dest.state === 'deleted' ? 'the destination was deleted' : `the destination is paused: ${dest.paused_reason}`;
          await trx('alert_deliveries').insert({ ...row, state: 'skipped', last_error: reason });
          return { decision: 'skipped', reason };
        }
        const used = await trx('alert_deliveries').where({ destination_id: input.destinationId }).where('admitted_at', '>=', new Date(windowStart)).count({ n: '*' }).first();
        if (Number(used?.n ?? 0) < input.perWindow) {
          await trx('alert_deliveries').insert({ ...row, state: 'admitted', admitted_at: new Date(now()) });
          return { decision: 'send' };
        }
        await trx('alert_deliveries').insert({ ...row, state: 'held', held_window: new Date(windowStart) });
        return { decision: 'held', reason: `${input.perWindow} alerts already sent in this window; held for its digest` };
      });
      if (admission.decision === 'held') {
        const row = await db('alert_deliveries').where(keyOf(input)).first('held_window');
        const start = row?.held_window ? +new Date(row.held_window) : windowStart;
        if (!deps.workflows) throw ApplicationFailure.nonRetryable('this worker has no Temporal client to start digests with');
        await deps.workflows.startAlertDigest({ destinationId: input.destinationId, windowStartMs: start, windowEndMs: start + input.windowMs });
      }
      return admission;
    },

    /**
     * One attempt at sending an admitted delivery. Idempotent: a delivery already sent is not sent again; its
     * outcome is written the moment the receiver answers, so a retried activity finds it.
     */
    async sendAlert(input: DeliverAlertInput): Promise<{ outcome: 'sent' | 'skipped'; reason?: string }> {
      const a = need();
      const delivery = await db('alert_deliveries').where(keyOf(input)).first('state');
      if (delivery?.state === 'sent') return { outcome: 'sent', reason: 'already sent' };
      if (delivery?.state !== 'admitted') return { outcome: 'skipped', reason: `delivery is ${delivery?.state ?? 'unknown'}` };
      let opened;
      try {
        opened = await createDestinationsStore(db, a.box).open(input.destinationId);
      } catch (e) {
        throw ApplicationFailure.nonRetryable((e as Error).message, 'AlertDeliveryFailed');
      }
      if (!opened || opened.destination.state !== 'active') {
        const reason = opened?.destination.state === 'paused' ? `the destination is paused: ${opened.destination.pausedReason}` : 'the destination was deleted';
        await db('alert_deliveries').where(keyOf(input)).update({ state: 'skipped', last_error: reason });
        return { outcome: 'skipped', reason };
      }
      const { destination, secrets } = opened;
      const r = await sendToDestination(destination.kind, secrets, momentMessage(destination.kind, secrets, input, a), a.sender);
      if (r.ok) {
        await db.transaction(async (trx) => {
          await trx('alert_deliveries').where(keyOf(input)).update({ state: 'sent', sent_at: trx.fn.now(), response_status: r.status, attempts: trx.raw('attempts + 1'), last_error: null });
          await trx('alert_destinations').where({ id: input.destinationId }).update({ consecutive_failures: 0, last_success_at: trx.fn.now() });
        });
        return { outcome: 'sent' };
      }
      await db.transaction(async (trx) => {
        await trx('alert_deliveries').where(keyOf(input)).update({ response_status: r.status || null, attempts: trx.raw('attempts + 1'), last_error: r.error });
        await trx('alert_destinations').where({ id: input.destinationId }).update({ consecutive_failures: trx.raw('consecutive_failures + 1'), last_error: r.error, last_failure_at: trx.fn.now() });
      });
      throw failure(r.error, r.retryable, r.retryAfterMs, input.retryBaseMs, input.retryMaxMs);
    },

    /** A delivery that failed for good: recorded, and its destination paused with the reason (GET …/destinations/:id). */
    async failAlert(input: Key & { reason: string }): Promise<void> {
      await db.transaction(async (trx) => {
        const row = await trx('alert_deliveries').where(keyOf(input)).first('attempts', 'state');
        if (row?.state === 'sent') return;
        await trx('alert_deliveries').where(keyOf(input)).update({ state: 'failed', last_error: input.reason });
        const attempts = Number(row?.attempts ?? 0);
        await trx('alert_destinations').where({ id: input.destinationId, state: 'active' }).update({
          state: 'paused',
          paused_reason: `paused after ${attempts} failed attempt${attempts === 1 ? '' : 's'} to deliver moment ${input.momentId}: ${input.reason}`.slice(0, 500),
        });
      });
    },

    /** The window's held alerts as one message; they are then marked digested, so a rerun sends nothing new. */
    async sendAlertDigest(input: AlertDigestInput): Promise<{ held: number }> {
      const a = need();
      const rows = await db('alert_deliveries').where({ destination_id: input.destinationId, state: 'held', held_window: new Date(input.windowStartMs) }).orderBy('created_at').select('moment_id', 'version', 'moment');
      if (rows.length === 0) return { held: 0 };
      const opened = await createDestinationsStore(db, a.box).open(input.destinationId);
      if (!opened || opened.destination.state !== 'active') return { held: 0 };
      const { destination, secrets } = opened;
      const digest: Digest = {
        held: rows.map((r: any) => ({ moment: r.moment as Moment, links: alertLinks(a.publicBaseUrl, r.moment as Moment) })),
        windowStart: new Date(input.windowStartMs).toISOString(), windowEnd: new Date(input.windowEndMs).toISOString(),
      };
      let msg: OutboundMessage;
      if (destination.kind === 'discord') msg = { body: JSON.stringify(discordDigest(digest)) };
      else if (destination.kind === 'telegram') msg = { body: JSON.stringify(telegramDigest(secrets.chatId!, digest)), telegramMethod: 'sendMessage' };
      else {
        const id = `${input.destinationId}.digest.${input.windowStartMs}`;
        const body = webhookDigestBody({ deliveryId: id, digest, createdAt: new Date(now()).toISOString() });
        msg = { body, headers: signed(secrets, body, id, 'alerts.digest') };
      }
      const r = await sendToDestination(destination.kind, secrets, msg, a.sender);
      if (!r.ok) throw failure(r.error, r.retryable, r.retryAfterMs, 5000, 600_000);
      await db('alert_deliveries').where({ destination_id: input.destinationId, state: 'held', held_window: new Date(input.windowStartMs) })
        .whereIn(['moment_id', 'version'], rows.map((x: any) => [x.moment_id, x.version])).update({ state: 'digested' });
      return { held: rows.length };
    },
  };

  return {
    ...activities,
    /**
     * admitAlert, then sendAlert if it was admitted, as one activity: on a busy server each activity task is a
     * schedule, a poll and a completion of its own plus a workflow task, and the hot path needs only one. Both halves
     * are idempotent, so a retried attempt admits nothing twice and sends nothing already sent.
     */
    async deliverAlertNow(input: DeliverAlertInput): Promise<{ outcome: 'sent' | 'held' | 'failed' | 'skipped'; reason?: string }> {
      const admission = await activities.admitAlert(input);
      if (admission.decision !== 'send') return { outcome: admission.decision, ...(admission.reason ? { reason: admission.reason } : {}) };
      return activities.sendAlert(input);
    },
  };
}
