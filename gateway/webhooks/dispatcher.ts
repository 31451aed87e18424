import type { Client } from '@temporalio/client';
import { toView } from '../../domain/parsing/input';
import { accountsTouched } from '../../domain/parsing/parse';
import type { Db } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import { OofWorkflows } from '../../temporal/client';
import { OutboxPoller } from '../../lib/outbox-poller';
import { runBounded } from '../../lib/run-bounded';

export interface DispatcherDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  batchSize?: number;
  idleMs?: number;
  /** A signal that takes longer fails the round (the rows stay for the next one) instead of holding their locks. */
  signalTimeoutMs?: number;
  /** Wallets signalled at once (each signal is one round trip to Temporal; a round names up to batchSize wallets). */
  concurrency?: number;
}

/**
 * Signals each tracked wallet's actor with the signatures of stored-but-undispatched webhook rows, then marks them
 * dispatched in the same database transaction. Rows are claimed with SKIP LOCKED, so several gateways share the
 * work; a failed signal leaves the rows for the next round (a repeated signal is harmless: the actor dedupes).
 */
export class WebhookDispatcher extends OutboxPoller {
  private readonly workflows: OofWorkflows;

  constructor(private readonly d: DispatcherDeps) {
    super({ log: d.log, what: 'webhook dispatch', batchSize: d.batchSize ?? 500, idleMs: d.idleMs });
    this.workflows = new OofWorkflows(d.temporal, d.taskQueue);
  }

  /** Rows stored before the accounts column existed: route them from their raw payload. */
  private async accountsFromRaw(trx: Db, signature: string): Promise<string[]> {
    const row = await trx('transactions').where({ signature }).first('raw');
    try {
      return accountsTouched(toView(row.raw));
    } catch {
      return [];
    }
  }

  /** One claimed batch; returns how many rows it handled. */
  async dispatchBatch(): Promise<number> {
    return this.d.db.transaction(async (trx) => {
      const rows = await trx('transactions')
        .whereNull('dispatched_at')
        .orderBy('received_at')
        .limit(this.d.batchSize ?? 500)
        .forUpdate()
        .skipLocked()
        .select('signature', 'accounts');
      if (rows.length === 0) return 0;
      const bySig = new Map<string, string[]>();
      const candidates = new Set<string>();
      for (const r of rows) {
        const accounts: string[] = r.accounts ?? (await this.accountsFromRaw(trx, r.signature));
        bySig.set(r.signature, accounts);
        for (const a of accounts) candidates.add(a);
      }
      const tracked = new Set(
        (await trx('tracked_wallets').whereIn('wallet', [...candidates]).select('wallet')).map((r: any) => r.wallet as string),
      );
      const perWallet = new Map<string, string[]>();
      for (const [sig, accounts] of bySig) {
        for (const a of accounts) if (tracked.has(a)) perWallet.set(a, [...(perWallet.get(a) ?? []), sig]);
      }
      const signals = [...perWallet].map(([wallet, signatures]) => () =>
        this.d.temporal.withDeadline(Date.now() + (this.d.signalTimeoutMs ?? 5000), () => this.workflows.signalWalletActor(wallet, signatures)));
      await runBounded(signals, this.d.concurrency ?? 32);
      await trx('transactions').whereIn('signature', rows.map((r: any) => r.signature)).update({ dispatched_at: trx.fn.now() });
      return rows.length;
    });
  }
}
