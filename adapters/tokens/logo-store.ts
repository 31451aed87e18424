import { identiconSvg } from '../../domain/tokens/identicon';
import { contentUrl, type ContentGateways } from '../../domain/tokens/content-url';
import { safeRequest } from '../net/safe-request';
import type { OutboundPolicy } from '../net/ssrf-guard';
import type { CardStore } from '../stores/card-store';
import { imageKind, resizeLogo, svgToPng } from './logo-image';

export interface LogoStoreOptions {
  store: CardStore;
  policy: OutboundPolicy;
  gateways: ContentGateways;
  maxBytes?: number;
  timeoutMs?: number;
}

export const logoKey = (mint: string) => `logos/${mint}.png`;

/**
 * Token logos, fetched once per mint through the SSRF guard (size- and time-bounded, content type checked), resized
 * to a square PNG and stored beside the cards; a mint without one gets its identicon.
 */
export class LogoStore {
  private readonly identicons = new Map<string, Buffer>();
  constructor(private readonly o: LogoStoreOptions) {}

  /** Fetches, checks, resizes and stores a published logo. Throws (LogoRejectedError, network errors) when it cannot. */
  async fetchAndStore(mint: string, published: string): Promise<string> {
    const url = contentUrl(published, this.o.gateways);
    if (!url) throw new Error(`unusable logo URL ${published.slice(0, 100)}`);
    const res = await safeRequest(url, { policy: this.o.policy, timeoutMs: this.o.timeoutMs ?? 8000, maxBytes: this.o.maxBytes ?? 1024 * 1024, maxRedirects: 3, headers: { accept: 'image/png,image/jpeg,image/webp,image/svg+xml' } });
    if (res.status !== 200) throw new Error(`logo ${url}: HTTP ${res.status}`);
    const contentType = Array.isArray(res.headers['content-type']) ? res.headers['content-type'][0] : res.headers['content-type'];
    const png = await resizeLogo(res.body, imageKind(res.body, contentType));
    const key = logoKey(mint);
    await this.o.store.put(key, png);
    return key;
  }

  identicon(mint: string): Buffer {
    let png = this.identicons.get(mint);
    if (!png) {
      png = svgToPng(identiconSvg(mint));
      if (this.identicons.size > 10_000) this.identicons.clear();
      this.identicons.set(mint, png);
    }
    return png;
  }

  /** The stored logo, or the identicon when there is none (or it went missing from the store). */
  async get(mint: string, key?: string): Promise<{ png: Buffer; identicon: boolean }> {
    const stored = key ? await this.o.store.get(key).catch(() => undefined) : undefined;
    return stored ? { png: stored, identicon: false } : { png: this.identicon(mint), identicon: true };
  }
}
