import { parseRetryAfter } from '../http/retry';
import { safeRequest } from '../net/safe-request';
import { OutboundBlockedError, type OutboundPolicy } from '../net/ssrf-guard';
import type { DestinationKind, DestinationSecrets } from './destinations-store';

export interface SenderOptions {
  policy: OutboundPolicy;
  /** Bot API host (https://api.telegram.org; a local server in tests). */
  telegramBaseUrl: string;
  timeoutMs?: number;
}

/** One HTTP exchange's verdict: sent, worth retrying (and when the server asked us to), or not worth retrying. */
export type SendOutcome =
  | { ok: true; status: number }
  | { ok: false; retryable: boolean; status: number; retryAfterMs?: number; error: string };

/** A request to one destination, built by the caller from domain/alerts/messages.ts. */
export interface OutboundMessage {
  /** webhook: JSON body + signature headers; discord: execute-webhook JSON; telegram: a Bot API method and its JSON. */
  body: string;
  headers?: Record<string, string>;
  telegramMethod?: 'sendPhoto' | 'sendMessage';
}

const USER_AGENT = 'OOF-Alerts/1.0';

function redact(text: string, secrets: DestinationSecrets): string {
  let out = text;
  for (const s of [secrets.botToken, secrets.url, secrets.signingSecret]) if (s) out = out.split(s).join('…');
  return out;
}

/** The URL a message goes to; Discord's `wait=true` makes it answer with errors instead of dropping them. */
export function destinationUrl(kind: DestinationKind, secrets: DestinationSecrets, o: SenderOptions, method?: string): string {
  if (kind === 'telegram') return `${o.telegramBaseUrl.replace(/\/$/, '')}/bot${secrets.botToken}/${method ?? 'sendPhoto'}`;
  if (kind === 'discord') {
    const u = new URL(secrets.url!);
    u.searchParams.set('wait', 'true');
    return u.toString();
  }
  return secrets.url!;
}

/** Retry hints in the body: Discord's `retry_after` (seconds, fractional), Telegram's `parameters.retry_after` (seconds). */
function bodyRetryAfterMs(kind: DestinationKind, json: any): number | undefined {
  const s = kind === 'telegram' ? json?.parameters?.retry_after : kind === 'discord' ? json?.retry_after : undefined;
  return typeof s === 'number' && s >= 0 ? Math.ceil(s * 1000) : undefined;
}

/**
 * POSTs one message through the SSRF guard (scheme, literal addresses, and every resolved address at connect time)
 * with a timeout and a bounded answer, and classifies the answer. Never throws for a refusal or a network failure.
 */
export async function sendToDestination(kind: DestinationKind, secrets: DestinationSecrets, msg: OutboundMessage, o: SenderOptions): Promise<SendOutcome> {
  const url = destinationUrl(kind, secrets, o, msg.telegramMethod);
  let res;
  try {
    res = await safeRequest(url, {
      policy: o.policy, method: 'POST', body: msg.body, timeoutMs: o.timeoutMs ?? 10_000, maxBytes: 256 * 1024, maxRedirects: 0,
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...msg.headers },
    });
  } catch (e) {
    const blocked = e instanceof OutboundBlockedError;
    return { ok: false, retryable: !blocked, status: 0, error: redact(`${blocked ? 'refused by the outbound policy' : 'request failed'}: ${(e as Error).message}`, secrets) };
  }
  const text = res.body.toString('utf8');
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const telegramRefused = kind === 'telegram' && res.status >= 200 && res.status < 300 && json?.ok !== true;
  if (res.status >= 200 && res.status < 300 && !telegramRefused) return { ok: true, status: res.status };
  const headerWait = parseRetryAfter(Array.isArray(res.headers['retry-after']) ? res.headers['retry-after'][0] : res.headers['retry-after']);
  const bodyWait = bodyRetryAfterMs(kind, json);
  const retryAfterMs = headerWait !== undefined || bodyWait !== undefined ? Math.max(headerWait ?? 0, bodyWait ?? 0) : undefined;
  const detail = kind === 'telegram' ? json?.description : kind === 'discord' ? json?.message : undefined;
  // A redirect is not followed (the registered URL is the one checked) and will not go away by retrying.
  const retryable = res.status === 429 || res.status === 408 || res.status >= 500;
  return {
    ok: false, retryable, status: res.status, retryAfterMs,
    error: redact(`HTTP ${res.status}${detail ? ` ${String(detail).slice(0, 200)}` : text && !json ? ` ${text.slice(0, 120)}` : ''}`, secrets),
  };
}
