import http from 'node:http';
import https from 'node:https';
import { checkOutboundUrl, guardedLookup, OutboundBlockedError, type OutboundPolicy } from './ssrf-guard';

export interface SafeRequestOptions {
  policy: OutboundPolicy;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  /** The response body is cut off (and the request fails) past this many bytes. */
  maxBytes?: number;
  /** Redirects followed, each hop checked again like the first URL (default 0: a 3xx is returned as is). */
  maxRedirects?: number;
}

export interface SafeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  url: URL;
}

export class ResponseTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`response larger than ${maxBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * One HTTP exchange with a URL a user gave us: scheme and literal addresses checked first, every resolved address
 * checked at connect time (DNS rebinding), bounded in time and size, redirects re-checked hop by hop.
 */
export async function safeRequest(raw: string | URL, o: SafeRequestOptions): Promise<SafeResponse> {
  let url = checkOutboundUrl(raw, o.policy);
  for (let hops = 0; ; hops++) {
    const res = await once(url, o);
    const location = res.headers.location;
    if (res.status >= 300 && res.status < 400 && location && hops < (o.maxRedirects ?? 0)) {
      url = checkOutboundUrl(new URL(location, url), o.policy);
      continue;
    }
    return res;
  }
}

function once(url: URL, o: SafeRequestOptions): Promise<SafeResponse> {
  const maxBytes = o.maxBytes ?? 5 * 1024 * 1024;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, {
      method: o.method ?? 'GET',
      headers: { ...o.headers, ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}) },
      lookup: guardedLookup(o.policy),
      timeout: o.timeoutMs ?? 10_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          req.destroy(new ResponseTooLargeError(maxBytes));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => clearTimeout(deadline));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url }));
      res.on('error', reject);
    });
    // `timeout` above only bounds silences: a receiver sending a byte now and then would hold the exchange open
    // for as long as it liked, so the whole of it has a deadline too.
    const timeoutMs = o.timeoutMs ?? 10_000;
    const deadline = setTimeout(() => req.destroy(new Error(`${url.host}: no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => req.destroy(new Error(`${url.host}: no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(e instanceof OutboundBlockedError || e instanceof ResponseTooLargeError ? e : Object.assign(e, { url: url.toString() })));
    if (o.body !== undefined) req.end(o.body);
    else req.end();
  });
}
