import { getJson, type HttpJsonOptions } from '../http/get-json';

export interface JupiterOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
  retryBaseMs?: number;
}

export interface JupiterPrice {
  /** USD per whole token, as the decimal text of the number Jupiter sent. */
  usd: string;
  blockId: number | null;
  decimals: number;
}

export interface JupiterQuote {
  inAmount: string;
  outAmount: string;
  otherAmountThreshold: string;
  priceImpactPct: string;
  routeLabels: string[];
  contextSlot?: number;
  raw: unknown;
}

const MAX_IDS = 50;

/** Jupiter Price API v3 and Quote API v1 (external-apis.md §3): `x-api-key` when set, keyless otherwise. */
export class JupiterClient {
  constructor(private readonly o: JupiterOptions) {}

  private http(): HttpJsonOptions {
    return {
      headers: this.o.apiKey ? { 'x-api-key': this.o.apiKey } : {},
      timeoutMs: this.o.timeoutMs,
      maxRetries: this.o.maxRetries,
      retryBaseMs: this.o.retryBaseMs,
      resetHeader: 'x-ratelimit-reset',
    };
  }

  /** Current prices, ≤ 50 ids per request. A mint Jupiter has no reliable price for is simply absent. */
  async prices(mints: string[], signal?: AbortSignal): Promise<Map<string, JupiterPrice>> {
    const out = new Map<string, JupiterPrice>();
    const unique = [...new Set(mints)];
    for (let i = 0; i < unique.length; i += MAX_IDS) {
      const url = new URL('/price/v3', this.o.baseUrl);
      url.searchParams.set('ids', unique.slice(i, i + MAX_IDS).join(','));
      const body = await getJson<Record<string, any>>(url, { ...this.http(), signal });
      for (const [mint, p] of Object.entries(body ?? {})) {
        if (typeof p?.usdPrice !== 'number' || !Number.isFinite(p.usdPrice) || p.usdPrice < 0) continue;
        out.set(mint, { usd: numberText(p.usdPrice), blockId: p.blockId ?? null, decimals: p.decimals });
      }
    }
    return out;
  }

  /** The best ExactIn route for `amount` raw units of inputMint. */
  async quote(q: { inputMint: string; outputMint: string; amount: string; slippageBps?: number }, signal?: AbortSignal): Promise<JupiterQuote> {
    const url = new URL('/swap/v1/quote', this.o.baseUrl);
    url.searchParams.set('inputMint', q.inputMint);
    url.searchParams.set('outputMint', q.outputMint);
    url.searchParams.set('amount', q.amount);
    url.searchParams.set('slippageBps', String(q.slippageBps ?? 50));
    url.searchParams.set('swapMode', 'ExactIn');
    const body = await getJson<any>(url, { ...this.http(), signal });
    if (typeof body?.outAmount !== 'string') throw new Error('quote without outAmount');
    return {
      inAmount: body.inAmount,
      outAmount: body.outAmount,
      otherAmountThreshold: body.otherAmountThreshold,
      priceImpactPct: String(body.priceImpactPct ?? ''),
      routeLabels: (body.routePlan ?? []).map((r: any) => r?.swapInfo?.label).filter(Boolean),
      contextSlot: body.contextSlot,
      raw: body,
    };
  }
}

/** A JSON number as plain decimal text (no exponent): JS prints 1e-7 for 0.0000001. */
export function numberText(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  const [mant, expS] = s.toLowerCase().split('e') as [string, string];
  const exp = Number(expS);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const point = (mant.replace('-', '').indexOf('.') + 1 || mant.replace('-', '').length + 1) - 1 + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (neg ? '-' : '') + out.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}
