import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import type { Db } from '../../lib/db';
import type { AlertFilter } from '../../domain/alerts/filter';
import type { MomentKind } from '../../domain/detection/moment';
import type { SecretBox } from './secret-box';

export type DestinationKind = 'webhook' | 'discord' | 'telegram';

/** What is sealed: never returned by the API, never logged. */
export interface DestinationSecrets {
  /** Generic webhook or Discord webhook URL (a Discord URL carries its token). */
  url?: string;
  /** HMAC key of the OOF-Signature header (generic webhooks). */
  signingSecret?: string;
  botToken?: string;
  chatId?: string;
}

export interface Destination {
  id: string;
  owner: string;
  kind: DestinationKind;
  label: string | null;
  /** Enough to recognise it (host, chat id), nothing that grants access. */
  target: string;
  filter: AlertFilter;
  state: 'active' | 'paused' | 'deleted';
  pausedReason: string | null;
  consecutiveFailures: number;
  lastError: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  createdAt: string;
}

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

export function destinationFromRow(r: any): Destination {
  return {
    id: r.id, owner: r.owner, kind: r.kind, label: r.label ?? null, target: r.target_hint,
    filter: { wallets: r.wallets, kinds: r.kinds as MomentKind[] | null, minSeverity: String(r.min_severity), statuses: r.statuses },
    state: r.state, pausedReason: r.paused_reason ?? null, consecutiveFailures: r.consecutive_failures, lastError: r.last_error ?? null,
    lastSuccessAt: iso(r.last_success_at), lastFailureAt: iso(r.last_failure_at), createdAt: iso(r.created_at)!,
  };
}

/** A display hint for the secret target: the URL's origin, a Discord webhook's id, a Telegram chat and bot id. */
export function targetHint(kind: DestinationKind, s: DestinationSecrets): string {
  if (kind === 'telegram') return `telegram chat ${s.chatId} via bot ${s.botToken!.split(':')[0]}`;
  const u = new URL(s.url!);
  if (kind === 'discord') return `discord webhook ${u.pathname.split('/')[3] ?? ''} on ${u.host}`;
  return `${u.protocol}//${u.host}/…`;
}

export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

export function createDestinationsStore(db: Db, box: SecretBox) {
  return {
    async create(o: { owner: string; kind: DestinationKind; label?: string; secrets: DestinationSecrets; filter: AlertFilter }): Promise<Destination> {
      const id = ulid();
      const [row] = await db('alert_destinations').insert({
        id, owner: o.owner, kind: o.kind, label: o.label ?? null, target_hint: targetHint(o.kind, o.secrets),
        secrets: box.seal(JSON.stringify(o.secrets), id),
        wallets: o.filter.wallets, kinds: o.filter.kinds, min_severity: o.filter.minSeverity, statuses: o.filter.statuses,
      }).returning('*');
      return destinationFromRow(row);
    },

    async list(owner: string): Promise<Destination[]> {
      return (await db('alert_destinations').where({ owner }).whereNot({ state: 'deleted' }).orderBy('id')).map(destinationFromRow);
    },

    async countActive(owner: string): Promise<number> {
      const r = await db('alert_destinations').where({ owner }).whereNot({ state: 'deleted' }).count({ n: '*' }).first();
      return Number(r?.n ?? 0);
    },

    /** Only the owner's: another caller's destination is "not found". */
    async get(owner: string, id: string): Promise<Destination | undefined> {
      const row = await db('alert_destinations').where({ id, owner }).whereNot({ state: 'deleted' }).first();
      return row ? destinationFromRow(row) : undefined;
    },

    /** Deleted destinations stop at once (admission checks the state) and drop their sealed secrets. */
    async remove(owner: string, id: string): Promise<boolean> {
      const n = await db('alert_destinations').where({ id, owner }).whereNot({ state: 'deleted' })
        .update({ state: 'deleted', deleted_at: db.fn.now(), secrets: box.seal('{}', id) });
      return n > 0;
    },

    async resume(owner: string, id: string): Promise<Destination | undefined> {
      const [row] = await db('alert_destinations').where({ id, owner }).whereNot({ state: 'deleted' })
        .update({ state: 'active', paused_reason: null, consecutive_failures: 0 }).returning('*');
      return row ? destinationFromRow(row) : undefined;
    },

    /** Deliveries of the last day by outcome, for the status view. */
    async recentDeliveries(id: string): Promise<Record<string, number>> {
      const rows = await db('alert_deliveries').where({ destination_id: id }).where('created_at', '>', db.raw("now() - interval '1 day'")).groupBy('state').select('state').count({ n: '*' });
      return Object.fromEntries(rows.map((r: any) => [r.state, Number(r.n)]));
    },

    /** For delivery only (the worker): the destination with its secrets opened. */
    async open(id: string): Promise<{ destination: Destination; secrets: DestinationSecrets } | undefined> {
      const row = await db('alert_destinations').where({ id }).first();
      if (!row) return undefined;
      return { destination: destinationFromRow(row), secrets: JSON.parse(box.open(row.secrets, id)) as DestinationSecrets };
    },
  };
}

export type DestinationsStore = ReturnType<typeof createDestinationsStore>;
