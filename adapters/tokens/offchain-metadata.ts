import { safeRequest } from '../net/safe-request';
import type { OutboundPolicy } from '../net/ssrf-guard';

export interface FetchLimits { policy: OutboundPolicy; timeoutMs?: number; maxBytes?: number }

/**
 * The off-chain JSON behind a metadata `uri` (external-apis.md §8.5), through the SSRF guard: it can be missing, slow,
 * huge or not JSON, and then it is simply absent (undefined), never an error for the caller.
 */
export async function fetchOffchainJson(url: string, o: FetchLimits): Promise<unknown> {
  try {
    const res = await safeRequest(url, { policy: o.policy, timeoutMs: o.timeoutMs ?? 8000, maxBytes: o.maxBytes ?? 256 * 1024, maxRedirects: 3, headers: { accept: 'application/json' } });
    if (res.status !== 200) return undefined;
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    return undefined;
  }
}
