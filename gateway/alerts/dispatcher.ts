import type { Client } from '@temporalio/client';
import { cardVersion } from '../../domain/cards/card-url';
import { alertMatches, type AlertFilter } from '../../domain/alerts/filter';
import type { AlertEventType } from '../../domain/alerts/messages';
import type { Moment } from '../../domain/detection/moment';
import type { Db } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import { OofWorkflows } from '../../temporal/client';
import { DEFAULTS } from '../../temporal/config';
import { OutboxPoller } from '../../lib/outbox-poller';
import { runBounded } from '../../lib/run-bounded';
import { pairKey, spamPairs } from '../../adapters/stores/token-store';
import { parseDenyList, type DenyList } from '../../domain/tokens/spam';

export interface AlertDispatcherDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  perWindow: number;
  maxAttempts: number;
  windowMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  batchSize?: number;
  idleMs?: number;
  /** Workflow starts in flight at once (each is one round trip to Temporal). */
  concurrency?: number;
  startTimeoutMs?: number;
  /** TOKEN_DENYLIST: moments of these tokens never alert. */
  denyList?: DenyList;
}

/**
 * Reads the moment outbox (moment_events) for alerts: each event not yet dispatched is matched against the
 * destinations of its wallet, one deliverAlert is started per match, and the event is marked in the same database
 * transaction. Events are claimed with SKIP LOCKED, so every gateway process can run one; a failed round leaves the
 * events for the next (a repeated start finds the workflow by its id and starts nothing). A moment of a token that
 * is spam for its wallet (issue #19) alerts nobody: an airdropped token's "missed gains" are bait, not news.
 */
export class AlertDispatcher extends OutboxPoller {
  private readonly workflows: OofWorkflows;
  private readonly denyList: DenyList;

  constructor(private readonly d: AlertDispatcherDeps) {
    super({ log: d.log, what: 'alert dispatch', batchSize: d.batchSize ?? 200, idleMs: d.idleMs });
    this.workflows = new OofWorkflows(d.temporal, d.taskQueue);
    this.denyList = d.denyList ?? parseDenyList([]);
  }

  /** One claimed batch of outbox events; returns how many events it handled. */
  async dispatchBatch(): Promise<number> {
    return this.d.db.transaction(async (trx) => {
      const events = await trx('moment_events').whereNull('alerts_dispatched_at').orderBy('id').limit(this.d.batchSize ?? 200)
        .forUpdate().skipLocked().select('id', 'type', 'payload');
      if (events.length === 0) return 0;
      const wallets = [...new Set(events.map((e: any) => (e.payload as Moment).wallet))];
      // Paused destinations too: their deliveries are recorded as skipped, so their status shows what they missed.
      const destinations = await trx('alert_destinations').whereNot({ state: 'deleted' }).whereRaw('wallets && ?::text[]', [wallets])
        .select('id', 'wallets', 'kinds', 'min_severity', 'statuses');
      const filters = destinations.map((r: any) => ({ id: r.id as string, filter: { wallets: r.wallets, kinds: r.kinds, minSeverity: String(r.min_severity), statuses: r.statuses } as AlertFilter }));
      const matched = events.map((e: any) => ({ e, moment: e.payload as Moment, to: filters.filter((dest) => alertMatches(dest.filter, e.payload as Moment)) }))
        .filter((x) => x.to.length > 0);
      // Detection's flag where it set one; the registry asked again for the rest (a watch's crossing publishes its
      // moment without one, and the deny list may have grown since).
      const spam = await spamPairs(trx, matched.filter((x) => x.moment.spam !== true).map((x) => x.moment), this.denyList);
      const starts: Array<() => Promise<unknown>> = [];
      for (const { e, moment, to } of matched) {
        if (moment.spam === true || spam.has(pairKey(moment))) continue;
        const version = cardVersion(moment);
        for (const dest of to) {
          starts.push(() => this.d.temporal.withDeadline(Date.now() + (this.d.startTimeoutMs ?? 10_000), () => this.workflows.startAlertDelivery({
            destinationId: dest.id, momentId: moment.id, version, eventType: e.type as AlertEventType, moment,
            perWindow: this.d.perWindow, windowMs: this.d.windowMs ?? DEFAULTS.alertWindowMs, maxAttempts: this.d.maxAttempts,
            retryBaseMs: this.d.retryBaseMs ?? DEFAULTS.alertRetryBaseMs, retryMaxMs: this.d.retryMaxMs ?? DEFAULTS.alertRetryMaxMs,
          })));
        }
      }
      await runBounded(starts, this.d.concurrency ?? 32);
      await trx('moment_events').whereIn('id', events.map((e: any) => e.id)).update({ alerts_dispatched_at: trx.fn.now() });
      return events.length;
    });
  }
}
