import type { Db } from '../../lib/db';
import type { TokenView } from '../../domain/tokens/token';
import { tokensFor } from './token-store';

/**
 * The `token` objects of a gateway's answers, kept for `ttlMs`: a page of moments names a handful of mints, and
 * reading them again for every request was a second query per page (issue #18's moments-API tail). A token's symbol
 * or logo resolved by the registry reaches the API within `ttlMs`; every other gateway answer is unaffected.
 */
export class TokenViewCache {
  private readonly entries = new Map<string, { view: TokenView; until: number }>();

  constructor(private readonly db: Db, private readonly o: { ttlMs: number; maxEntries?: number; now?: () => number }) {}

  async get(mints: string[]): Promise<Map<string, TokenView>> {
    const now = (this.o.now ?? Date.now)();
    const out = new Map<string, TokenView>();
    const missing: string[] = [];
    for (const m of mints) {
      if (out.has(m)) continue;
      const e = this.entries.get(m);
      if (e && e.until > now) out.set(m, e.view);
      else missing.push(m);
    }
    if (!missing.length) return out;
    const fetched = await tokensFor(this.db, missing);
    const until = now + this.o.ttlMs;
    for (const [m, view] of fetched) {
      out.set(m, view);
      this.entries.delete(m);
      this.entries.set(m, { view, until });
    }
    // Oldest first in a Map: drop from the front.
    const max = this.o.maxEntries ?? 10_000;
    while (this.entries.size > max) this.entries.delete(this.entries.keys().next().value!);
    return out;
  }
}
