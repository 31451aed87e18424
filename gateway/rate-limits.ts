import type { Context } from 'koa';
import type Redis from 'ioredis';
import { RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Db } from '../lib/db';
import { Problem } from './problem';

export interface LimitsConfig {
  namespace?: string; ipPerMinute: number; userPerMinute: number; walletAnalysesPerHour: number; analysesPerUserPerDay: number;
  /** Failed authentications per address and minute; past it the address is refused until the minute is over. */
  authFailuresPerMinute?: number;
  /** Requests per address and minute on the public routes (cards, documents, the web page). */
  publicPerMinute?: number;
}

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
  const failuresLimit = c.authFailuresPerMinute ?? 20;
  const failures = make('authfail', failuresLimit, 60);
  const publicLimit = c.publicPerMinute ?? 300;
  const open = make('public', publicLimit, 60);

  const headers = (ctx: Context, limit: number, r: RateLimiterRes) => {
    ctx.set('RateLimit-Limit', String(limit));
    ctx.set('RateLimit-Remaining', String(Math.max(0, r.remainingPoints)));
    ctx.set('RateLimit-Reset', String(Math.ceil(r.msBeforeNext / 1000)));
  };

  const refuse = (r: RateLimiterRes, detail: string) => {
    const retry = String(Math.max(1, Math.ceil(r.msBeforeNext / 1000)));
    return new Problem(429, 'Too Many Requests', `${detail}; try again in ${retry} s`, {}, { 'Retry-After': retry });
  };

  async function take(ctx: Context, limiter: RateLimiterAbstract, key: string, limit: number, what: string, points = 1): Promise<void> {
    try {
      headers(ctx, limit, await limiter.consume(key, points));
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e; // the store failed: a real error, not a limit
      headers(ctx, limit, e);
      throw refuse(e, what);
    }
  }

  return {
    /** Per client address on /v1, before authentication (a flood of bad tokens is counted too). */
    perAddress: (ctx: Context) => take(ctx, ip, ctx.ip, c.ipPerMinute, `more than ${c.ipPerMinute} requests a minute from this address`),
    /** Per authenticated caller. */
    perCaller: async (ctx: Context) => {
      const subject = ctx.state.principal?.subject;
      if (subject && subject !== 'anonymous') await take(ctx, user, subject, c.userPerMinute, `more than ${c.userPerMinute} requests a minute for this caller`);
    },
    /** Per client address on the public routes. */
    publicPerAddress: (ctx: Context) => take(ctx, open, ctx.ip, publicLimit, `more than ${publicLimit} requests a minute from this address`),
    /**
     * Runs an authentication step; each 401 it ends in counts against the address, and an address past the limit is
     * refused before its credentials are even looked at (so a guess that happens to be right says nothing either).
     */
    async guardAuthentication(ctx: Context, authenticate: () => Promise<unknown>): Promise<void> {
      const seen = await failures.get(ctx.ip);
      if (seen && seen.consumedPoints >= failuresLimit) throw refuse(seen, 'too many failed authentications from this address');
      try {
        await authenticate();
      } catch (e) {
        if (!(e instanceof Problem) || e.status !== 401) throw e;
        try {
          await failures.consume(ctx.ip);
        } catch (r) {
          if (r instanceof RateLimiterRes) throw refuse(r, 'too many failed authentications from this address');
          throw r;
        }
        throw e;
      }
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
