import type { Context, Next } from 'koa';
import type Redis from 'ioredis';
import { RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Db } from '../lib/db';
import { Problem } from './problem';

export interface LimitsConfig { namespace?: string; ipPerMinute: number; userPerMinute: number; walletAnalysesPerHour: number; analysesPerUserPerDay: number }

/**
 * Rate limits kept in Redis when REDIS_URL is set (atomic increments: a hot key costs nothing), else in Postgres
 * (rate-limiter-flexible either way), so every gateway replica counts the same requests: per client
 * IP and per authenticated caller on /v1, per analysed wallet and per user and day on POST /v1/analyze. A refused
 * request is a 429 problem with Retry-After and RateLimit-* headers.
 */
export function createLimits(db: Db, c: LimitsConfig, redis?: Redis) {
  const make = (name: string, points: number, duration: number): RateLimiterAbstract => {
    const keyPrefix = `${c.namespace ?? 'oof'}:${name}`;
    return redis
      ? new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration })
      : new RateLimiterPostgres({ storeClient: db, storeType: 'knex', tableName: 'rate_limits', tableCreated: true, clearExpiredByTimeout: false, keyPrefix, points, duration });
  };
  const ip = make('ip', c.ipPerMinute, 60);
  const user = make('user', c.userPerMinute, 60);
  const wallet = make('wallet', c.walletAnalysesPerHour, 3600);
  const daily = make('analyses', c.analysesPerUserPerDay, 86_400);

  const headers = (ctx: Context, limit: number, r: RateLimiterRes) => {
    ctx.set('RateLimit-Limit', String(limit));
    ctx.set('RateLimit-Remaining', String(Math.max(0, r.remainingPoints)));
    ctx.set('RateLimit-Reset', String(Math.ceil(r.msBeforeNext / 1000)));
  };

  async function take(ctx: Context, limiter: RateLimiterAbstract, key: string, limit: number, what: string, points = 1): Promise<void> {
    try {
      headers(ctx, limit, await limiter.consume(key, points));
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e; // the store failed: a real error, not a limit
      headers(ctx, limit, e);
      const retry = String(Math.max(1, Math.ceil(e.msBeforeNext / 1000)));
      throw new Problem(429, 'Too Many Requests', `${what}; try again in ${retry} s`, {}, { 'Retry-After': retry });
    }
  }

  return {
    /** Per IP, then per caller (after authentication). */
    perCaller: async (ctx: Context, next: Next) => {
      await take(ctx, ip, ctx.ip, c.ipPerMinute, `more than ${c.ipPerMinute} requests a minute from this address`);
      const subject = ctx.state.principal?.subject;
      if (subject && subject !== 'anonymous') await take(ctx, user, subject, c.userPerMinute, `more than ${c.userPerMinute} requests a minute for this caller`);
      return next();
    },
    /** Before starting an analysis: its wallets, and the caller's analyses of the day. */
    async analysis(ctx: Context, wallets: string[]): Promise<void> {
      const subject = ctx.state.principal?.subject ?? ctx.ip;
      await take(ctx, daily, subject, c.analysesPerUserPerDay, `at most ${c.analysesPerUserPerDay} analyses a day`);
      for (const w of wallets) await take(ctx, wallet, w, c.walletAnalysesPerHour, `wallet ${w} was analysed ${c.walletAnalysesPerHour} times this hour`);
    },
  };
}

export type Limits = ReturnType<typeof createLimits>;
