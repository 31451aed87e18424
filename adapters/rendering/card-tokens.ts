import { createHash } from 'node:crypto';
import type { Db } from '../../lib/db';
import type { CardToken, CardTokens } from '../../domain/cards/tokens';
import { tokenRows } from '../stores/token-store';
import type { LogoStore } from '../tokens/logo-store';

interface Entry { token: CardToken; at: number; ttlMs: number }

/**
 * What cards show of their tokens (symbol and logo as a data URI), kept in memory: once warm, rendering a card asks
 * neither the database nor the logo store anything. Entries expire so a refreshed registry row is seen in minutes.
 */
export class CardTokenCache {
  private readonly entries = new Map<string, Entry>();
  /** Lookups that missed the cache (database and store reads): the cards benchmark reports them. */
  misses = 0;
  /**
   * A mint without a registry row yet is kept only missTtlMs: its registration is usually seconds behind the first card
   * that names it (the actor registers a batch's new mints beside its next batch), and the next cards should name it.
   */
  constructor(private readonly db: Db, private readonly logos: LogoStore, private readonly ttlMs = 10 * 60_000, private readonly max = 10_000, private readonly missTtlMs = 15_000) {}

  private readonly tags = new WeakMap<CardToken, string>();

  /** A short fingerprint of what the card shows of these tokens (symbols and logos), for its version. */
  tag(tokens: CardTokens): string {
    return Object.keys(tokens).sort().map((m) => this.tags.get(tokens[m]!) ?? '').join(',');
  }

  async tokens(mints: string[]): Promise<CardTokens> {
    const now = Date.now();
    const out: Record<string, CardToken> = {};
    const missing: string[] = [];
    for (const m of new Set(mints)) {
      const e = this.entries.get(m);
      if (e && now - e.at < e.ttlMs) out[m] = e.token;
      else missing.push(m);
    }
    if (!missing.length) return out;
    this.misses += missing.length;
    const rows = await tokenRows(this.db, missing);
    await Promise.all(missing.map(async (m) => {
      const r = rows.get(m);
      const { png } = await this.logos.get(m, r?.logoKey);
      const token: CardToken = { symbol: r?.symbol ?? '', logo: `data:image/png;base64,${png.toString('base64')}` };
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
      const tag = `${token.symbol}:${r?.logoKey ? createHash('sha256').update(png).digest('hex').slice(0, 8) : 'identicon'}`;
      this.tags.set(token, tag);
      this.entries.set(m, { token, at: now, ttlMs: r ? this.ttlMs : Math.min(this.ttlMs, this.missTtlMs) });
      out[m] = token;
    }));
    return out;
  }
}
