import pg from 'pg';
import type { Db } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import { MOMENT_CHANNEL } from '../../adapters/stores/moments-store';

export interface MomentEvent {
  id: number;
  type: string;
  wallet: string;
  payload: Record<string, unknown>;
  /** The SSE frame, serialised once for every client that gets it. */
  frame?: string;
}

export function sseFrame(e: { id: number; type: string; payload: unknown }): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.payload)}\n\n`;
}

type Listener = (e: MomentEvent) => void;

/**
 * One LISTEN connection per gateway process, fanned out to every SSE client: a NOTIFY carries only the newest outbox
 * id; the feed reads the rows after the last one it saw, in id order, so a burst of notifications never skips or
 * repeats an event. Reading `id > last` misses nothing because outbox ids become visible in id order (writers are
 * serialised: OUTBOX_LOCK_SQL in moments-store.ts).
 */
export class MomentFeed {
  private client?: pg.Client;
  private lastId = 0;
  private readonly listeners = new Set<Listener>();
  private reading?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(private readonly db: Db, private readonly url: string, private readonly log: Logger) {}

  async start(): Promise<void> {
    const row = await this.db('moment_events').max({ id: 'id' }).first();
    this.lastId = Number(row?.id ?? 0);
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'oof-gateway-listen' });
    client.on('notification', () => this.pull());
    client.on('error', (err) => {
      this.log.warn({ err: err.message }, 'LISTEN connection lost; reconnecting');
      void client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.connect().then(() => this.pull(), () => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${MOMENT_CHANNEL}`);
    this.client = client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.reading;
    await this.client?.end().catch(() => undefined);
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Events after `afterId`, oldest first (Last-Event-ID resume), optionally for one wallet. */
  async since(afterId: number, wallet?: string | string[], limit = 1000): Promise<MomentEvent[]> {
    const q = this.db('moment_events as e').join('moments as m', 'm.id', 'e.moment_id').where('e.id', '>', afterId).orderBy('e.id').limit(limit)
      .select('e.id', 'e.type', 'e.payload', 'm.wallet');
    if (typeof wallet === 'string') q.where('m.wallet', wallet);
    else if (wallet) q.whereIn('m.wallet', wallet);
    return (await q).map((r: any) => ({ id: Number(r.id), type: r.type, wallet: r.wallet, payload: r.payload }));
  }

  private pull(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        const events = await this.since(this.lastId).catch(() => []);
        for (const e of events) {
          this.lastId = Math.max(this.lastId, e.id);
          e.frame = sseFrame(e);
          for (const fn of this.listeners) fn(e);
        }
        if (events.length === 1000) this.again = true;
      } while (this.again && !this.stopped);
    })().finally(() => { this.reading = undefined; });
  }
}
