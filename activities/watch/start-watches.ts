import type { Db } from '../../lib/db';
import { mergeConfig, type DetectionConfig } from '../../domain/detection/config';
import { updateHolding } from '../../adapters/stores/price-alarms';
import type { OofWorkflows } from '../../temporal/client';
import { watchWorkflowId } from '../../temporal/config';
import type { OpenTrade } from '../detection/detect-activities';
import { runBounded } from '../../lib/run-bounded';

export interface WatchPlan {
  windowMs: number;
  /** How many times a watch's price alarm may wake it (default DEFAULTS.watchAlarms). */
  alarms?: number;
}

/**
 * Starts one postTradeWatch per open trade through the typed client; one that exists is left alone, except that a
 * buy's alarm follows what is still held of its lot (a later sell shrinks it).
 */
export function createWatchStarter({ db, workflows, detection }: { db: Db; workflows?: OofWorkflows; detection?: Partial<DetectionConfig> }) {
  const cfg = mergeConfig(detection);
  return {
    async startWatches(trades: OpenTrade[], plan: WatchPlan): Promise<{ started: number; alreadyWatched: number; unpriced: number; holdingsUpdated: number }> {
      if (!workflows) throw new Error('this worker has no Temporal client to start watches with');
      const out = { started: 0, alreadyWatched: 0, unpriced: 0, holdingsUpdated: 0 };
      // Each start is one round trip to Temporal: side by side, a busy batch's watches take one round trip, not dozens
      // (the wallet's actor waits for this before its next batch).
      await runBounded(trades.map((t) => async () => {
        if (t.tradePrice === undefined || t.quantity === undefined) {
          out.unpriced++;
          return;
        }
        const r = await workflows.startWatch({ wallet: t.wallet, signature: t.signature, mint: t.mint, side: t.side, atMs: t.atMs, tradePrice: t.tradePrice, quantity: t.quantity, windowMs: plan.windowMs, ...(plan.alarms !== undefined ? { alarms: plan.alarms } : {}) });
        if (r === 'started') out.started++;
        else {
          out.alreadyWatched++;
          if (t.side === 'buy') {
            const before = await db('price_alarms').where({ watch_id: watchWorkflowId(t) }).first('quantity');
            if (before && (await updateHolding(db, watchWorkflowId(t), t.quantity, cfg)) && String(before.quantity) !== t.quantity) out.holdingsUpdated++;
          }
        }
      }), 16);
      return out;
    },
  };
}
