import { createHmac, timingSafeEqual } from 'node:crypto';

export const SERVICE_TOKEN_SHAPE = /^([A-Za-z0-9_-]{1,64})\.(\d{10,13})\.([A-Za-z0-9_-]{43}|[0-9a-f]{64})$/;

export type ServiceTokenResult =
  | { ok: true; serviceId: string; issuedAt: number }
  | { ok: false; reason: 'malformed' | 'unknown_service' | 'bad_signature' | 'expired' | 'from_future' };

export interface ServiceTokenOptions {
  secret: string;
  allowedServices: string[];
  nowSeconds?: number;
  maxAgeSeconds?: number;
  skewSeconds?: number;
}

function sign(secret: string, serviceId: string, timestamp: string): Buffer {
  return createHmac('sha256', secret).update(`${serviceId}.${timestamp}`).digest();
}

/** Mints `service_id.timestamp.signature` (HMAC-SHA256 over `service_id.timestamp`, base64url). */
export function mintServiceToken(secret: string, serviceId: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const ts = String(nowSeconds);
  return `${serviceId}.${ts}.${sign(secret, serviceId, ts).toString('base64url')}`;
}

/** Design §7: constant-time signature check, at most 1 h old, not from the future beyond a small skew. */
export function verifyServiceToken(token: string, o: ServiceTokenOptions): ServiceTokenResult {
  const m = SERVICE_TOKEN_SHAPE.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const [, serviceId, ts, sig] = m as unknown as [string, string, string, string];
  const expected = sign(o.secret, serviceId, ts);
  const given = sig.length === 64 ? Buffer.from(sig, 'hex') : Buffer.from(sig, 'base64url');
  // Check the signature before anything else, so a forged token learns nothing about service ids or clocks.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  if (!o.allowedServices.includes(serviceId)) return { ok: false, reason: 'unknown_service' };
  const issuedAt = ts.length === 13 ? Math.floor(Number(ts) / 1000) : Number(ts);
  const now = o.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (issuedAt > now + (o.skewSeconds ?? 30)) return { ok: false, reason: 'from_future' };
  if (now - issuedAt > (o.maxAgeSeconds ?? 3600)) return { ok: false, reason: 'expired' };
  return { ok: true, serviceId, issuedAt };
}
