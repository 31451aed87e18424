import { hash } from 'node:crypto';
import type { Moment } from '../detection/moment';

/** What a card shows that can change while a moment is provisional: a change is a new version. */
type Versioned = Pick<Moment, 'id' | 'status' | 'at' | 'pct' | 'missedUsd' | 'severity'>;

const ID = '[0-9A-HJKMNP-TV-Z]{26}';
const VERSION = '[0-9a-f]{10}';

/** The version of a moment's card: ten hex digits of a hash over what the card shows. */
export function cardVersion(m: Versioned): string {
  // The one-shot hash: a page of moments hashes fifty of these per request.
  return hash('sha256', [m.status, m.at, m.pct, m.missedUsd, m.severity].join('|'), 'hex').slice(0, 10);
}

/**
 * The URL of this version of the moment's card — the one every API answer, SSE event, CLI line and page names, and
 * the one to share or embed: its bytes never change, so it is cached as immutable. `base` (an origin) makes it
 * absolute.
 */
export function cardUrl(m: Versioned, base = ''): string {
  return `${base.replace(/\/$/, '')}/v1/cards/moment/${m.id}-${cardVersion(m)}.png`;
}

/** The URL that always leads to the newest version of a moment's card (a short-lived redirect). */
export function latestCardUrl(id: string, base = ''): string {
  return `${base.replace(/\/$/, '')}/v1/cards/moment/${id}.png`;
}

/** `<id>-<version>.png` or `<id>.png` (the newest); undefined for anything else. */
export function parseCardFile(file: string): { id: string; version?: string } | undefined {
  const m = new RegExp(`^(${ID})(?:-(${VERSION}))?\\.png$`).exec(file);
  return m ? { id: m[1]!, ...(m[2] ? { version: m[2] } : {}) } : undefined;
}

/** The object-store key of one version of a card. */
export function cardKeyOf(id: string, version: string): string {
  return `cards/${id}-${version}.png`;
}
