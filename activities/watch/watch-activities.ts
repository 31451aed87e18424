import type { Db } from '../../lib/db';
import { mergeConfig, type DetectionConfig } from '../../domain/detection/config';
import type { Moment } from '../../domain/detection/moment';
import { nextSeverity } from '../../domain/detection/triggers';
import { armAlarm, moveAlarm, removeAlarm, type AlarmSpec } from '../../adapters/stores/price-alarms';
import type { OpenTrade } from '../detection/detect-activities';

export interface WatchTrade { watchId: string; wallet: string; signature: string; mint: string; side: 'buy' | 'sell'; atMs: number; tradePrice: string }

export interface JudgeInput extends WatchTrade {
  windowMs: number;
  /** The alarm step that woke the watch (ignored for the final judgement). */
  step: number;
  /** The window has closed: judge on every stored point up to its end, make the moment final, remove the alarm. */
  final: boolean;
}

export interface JudgeResult {
  /** The step the alarm is armed at now. */
  step: number;
  status?: 'provisional' | 'final';
  severity?: string;
}

export interface WatchDeps {
  db: Db;
  detection?: Partial<DetectionConfig>;
  /** Judges the one trade with the stored prices and publishes its moment (detection's evaluateTrade). */
  evaluate(trade: OpenTrade, opts: { nowIso?: string; windowMs: number }): Promise<{ moment?: Moment; held?: string }>;
}

/**
 * The short, idempotent steps of postTradeWatch (run as local activities): register the trade's price alarm, and
 * judge the trade when the alarm fires or the window ends. A retry registers nothing twice and, the moment upsert
 * being idempotent, publishes nothing twice.
 */
export function createWatchActivities(d: WatchDeps) {
  const cfg = mergeConfig(d.detection);
  return {
    async armWatch(spec: AlarmSpec): Promise<{ step: number; trigger?: string }> {
      const row = await armAlarm(d.db, spec, cfg);
      return { step: row.step, ...(row.trigger ? { trigger: row.trigger } : {}) };
    },

    async judgeWatch(w: JudgeInput): Promise<JudgeResult> {
      const endMs = w.atMs + w.windowMs;
      // The final judgement sees the window closed whatever this worker's clock says.
      const { moment, held } = await d.evaluate(w, { windowMs: w.windowMs, ...(w.final ? { nowIso: new Date(endMs).toISOString() } : {}) });
      const out = { ...(moment ? { status: moment.status, severity: moment.severity } : {}) };
      if (w.final) {
        await removeAlarm(d.db, w.watchId);
        return { step: w.step, ...out };
      }
      // The next alarm asks for a moment a step worse than this one, on what is held now; with no moment (the
      // crossing did not hold up, e.g. the lot was sold), the bar stays where it was and one wake is spent.
      const current = await d.db('price_alarms').where({ watch_id: w.watchId }).first('min_severity', 'quantity', 'alarms_left');
      if (!current) return { step: w.step + 1, ...out };
      const left = Math.max(0, current.alarms_left - 1);
      const minSeverity = moment ? nextSeverity(moment.severity, left) : String(current.min_severity);
      const moved = await moveAlarm(d.db, w.watchId, { step: w.step, minSeverity, quantity: held ?? String(current.quantity) }, cfg);
      return { step: moved?.step ?? w.step + 1, ...out };
    },
  };
}
