import { getJson } from '../http/get-json';
import { numberText } from './jupiter';

/** A source of past USD prices for a mint: points [ms, decimal text], oldest first. */
export interface HistoryProvider {
  readonly name: string;
  fetch(mint: string, fromMs: number, toMs: number, signal?: AbortSignal): Promise<Array<[number, string]>>;
}

export interface ProviderOptions { baseUrl?: string; apiKey?: string; timeoutMs?: number; maxRetries?: number; retryBaseMs?: number }

const sortPoints = (pts: Array<[number, string]>) => pts.sort((a, b) => a[0] - b[0]);

/**
 * Birdeye `GET /defi/history_price` (15-minute points, ≤ 1000 per call, so a window is fetched in ≤ 10-day pages).
 * Headers X-API-KEY and x-chain: solana.
 */
export class BirdeyeProvider implements HistoryProvider {
  readonly name = 'birdeye';
  constructor(private readonly o: ProviderOptions & { type?: string; stepSeconds?: number }) {}

  async fetch(mint: string, fromMs: number, toMs: number, signal?: AbortSignal): Promise<Array<[number, string]>> {
    const step = this.o.stepSeconds ?? 900;
    const pageSeconds = step * 1000;
    const out: Array<[number, string]> = [];
    for (let from = Math.floor(fromMs / 1000); from <= Math.floor(toMs / 1000); from += pageSeconds) {
      const to = Math.min(Math.floor(toMs / 1000), from + pageSeconds - 1);
      const url = new URL('/defi/history_price', this.o.baseUrl ?? 'https://public-api.birdeye.so');
      url.search = new URLSearchParams({ address: mint, address_type: 'token', type: this.o.type ?? '15m', time_from: String(from), time_to: String(to) }).toString();
      const body = await getJson<any>(url, { headers: { 'X-API-KEY': this.o.apiKey ?? '', 'x-chain': 'solana' }, timeoutMs: this.o.timeoutMs, maxRetries: this.o.maxRetries, retryBaseMs: this.o.retryBaseMs, signal });
      if (body?.success === false) throw new Error(`birdeye: ${body.message ?? 'request failed'}`);
      for (const item of body?.data?.items ?? []) {
        if (typeof item?.unixTime === 'number' && typeof item?.value === 'number' && Number.isFinite(item.value)) out.push([item.unixTime * 1000, numberText(item.value)]);
      }
    }
    return sortPoints(out);
  }
}

/**
 * CoinGecko `GET /api/v3/coins/solana/contract/{mint}/market_chart/range` (ms timestamps). Ranges of 2–90 days come
 * back hourly, so longer windows are fetched in 80-day pieces. Demo keys use `x-cg-demo-api-key`, Pro keys
 * `x-cg-pro-api-key` on pro-api.coingecko.com.
 */
export class CoinGeckoProvider implements HistoryProvider {
  readonly name = 'coingecko';
  constructor(private readonly o: ProviderOptions & { pro?: boolean }) {}

  async fetch(mint: string, fromMs: number, toMs: number, signal?: AbortSignal): Promise<Array<[number, string]>> {
    const out: Array<[number, string]> = [];
    const piece = 80 * 86_400_000;
    for (let from = fromMs; from <= toMs; from += piece) {
      // Under two days CoinGecko answers in 5-minute points; ask for at least two days to stay hourly.
      const to = Math.max(Math.min(toMs, from + piece), from + 2 * 86_400_000);
      const base = this.o.baseUrl ?? (this.o.pro ? 'https://pro-api.coingecko.com' : 'https://api.coingecko.com');
      const url = new URL(`/api/v3/coins/solana/contract/${encodeURIComponent(mint)}/market_chart/range`, base);
      url.search = new URLSearchParams({ vs_currency: 'usd', from: String(Math.floor(from / 1000)), to: String(Math.ceil(to / 1000)) }).toString();
      const headers: Record<string, string> = this.o.apiKey ? { [this.o.pro ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key']: this.o.apiKey } : {};
      const body = await getJson<any>(url, { headers, timeoutMs: this.o.timeoutMs, maxRetries: this.o.maxRetries, retryBaseMs: this.o.retryBaseMs, signal });
      for (const p of body?.prices ?? []) {
        if (Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number' && p[0] >= fromMs && p[0] <= toMs) out.push([p[0], numberText(p[1])]);
      }
    }
    const seen = new Set<number>();
    return sortPoints(out.filter(([t]) => (seen.has(t) ? false : (seen.add(t), true))));
  }
}

export function createHistoryProvider(name: string, o: ProviderOptions): HistoryProvider | undefined {
  if (name === 'birdeye') return new BirdeyeProvider(o);
  if (name === 'coingecko') return new CoinGeckoProvider(o);
  return undefined;
}
