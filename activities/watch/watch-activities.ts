import { Context } from '@temporalio/activity';
import type { Db } from '../../lib/db';
import { mergeConfig, type DetectionConfig } from '../../domain/detection/config';
import { D, type Dec } from '../../domain/money';
import type { OpenTrade } from '../detection/detect-activities';
import type { PriceFeed } from '../../adapters/pricing/price-feed';

export interface WatchTradeInput extends OpenTrade {
  /** USD per token the trade was made at (its trade price), as exact decimal text. */
  tradePrice: string;
  windowMs: number;
  pollMs: number;
}

export interface WatchState {
  polls: number;
  /** The running extreme that matters, as decimal text: the peak after a sell, the trough after a buy. */
  extreme?: string;
  extremeAt?: number;
  /** Whether a threshold has been crossed (and the trade judged) yet. */
  crossed?: boolean;
  lateMsMax: number;
  lateMsSum: number;
}

export interface WatchResult extends WatchState { crossed: boolean }

export interface WatchDeps {
  db: Db;
  feed?: PriceFeed;
  detection?: Partial<DetectionConfig>;
  /** Judges the trade with the stored prices and publishes its moment (detection's evaluateTrade). */
  evaluate(trade: OpenTrade, windowMs: number): Promise<{ published: boolean }>;
}

/**
 * The polling loop of postTradeWatch, inside one long activity: each poll costs no workflow history (heartbeats are
 * not events), and the heartbeat carries the running state, so a worker restart resumes where it was. On the first
 * threshold crossing, and whenever the extreme gets worse after it, the trade is judged and its provisional moment
 * upserted (idempotently: a retry publishes nothing twice).
 */
export function createWatchActivities(d: WatchDeps) {
  const cfg = mergeConfig(d.detection);
  return {
    async watchTrade(input: WatchTradeInput): Promise<WatchResult> {
      const ctx = Context.current();
      const state: WatchState = { polls: 0, lateMsMax: 0, lateMsSum: 0, ...(ctx.info.heartbeatDetails as WatchState | undefined) };
      const end = input.atMs + input.windowMs;
      const isSell = input.side === 'sell';
      const rule = isSell ? cfg.s2e : cfg.bhd;
      const paid = new D(input.tradePrice);
      const crossing = (x: Dec) => (isSell ? x.minus(paid) : paid.minus(x)).div(paid).gte(rule.minPct);
      const started = Date.now();
      let next = Math.max(Date.now(), input.atMs) + (state.polls === 0 ? 0 : input.pollMs);
      while (next <= end) {
        // Sleep to the planned poll time, heartbeating so a dead worker is noticed well before the next poll.
        while (Date.now() < next) {
          ctx.heartbeat(state);
          await ctx.sleep(Math.min(next - Date.now(), 5_000));
        }
        const late = Date.now() - next;
        if (state.polls > 0 || Date.now() - started > input.pollMs) {
          state.lateMsMax = Math.max(state.lateMsMax, late);
          state.lateMsSum += late;
        }
        const p = await d.feed?.get(input.mint, input.pollMs);
        state.polls++;
        if (p) {
          const x = new D(p.usd);
          const worse = state.extreme === undefined || (isSell ? x.gt(state.extreme) : x.lt(state.extreme));
          if (worse) {
            state.extreme = p.usd;
            state.extremeAt = p.atMs;
            // Judged on the first crossing and every time it gets worse after it; a new extreme is the only trigger.
            if (crossing(x)) {
              await d.evaluate(input, input.windowMs);
              state.crossed = true;
            }
          }
        }
        ctx.heartbeat(state);
        next += input.pollMs;
      }
      // Return only once the window has closed, so the final judgement that follows sees it closed.
      while (Date.now() <= end) {
        ctx.heartbeat(state);
        await ctx.sleep(Math.min(end + 1 - Date.now(), 5_000));
      }
      return { ...state, crossed: state.crossed ?? false };
    },
  };
}
