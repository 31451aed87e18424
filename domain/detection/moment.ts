import { createHash } from 'node:crypto';
import type { TokenView } from '../tokens/token';

export type MomentKind = 'S2E' | 'BHD' | 'BadRoute' | 'IdleYield';

/** The moment of design §6, as the API, the CLI and SSE show it. */
export interface Moment {
  id: string;
  kind: MomentKind;
  wallet: string;
  mint: string;
  signature: string | null;
  at: string;
  pct: string;
  missedUsd: string;
  severity: string;
  status: 'provisional' | 'final';
  explain: Record<string, unknown>;
  cardUrl?: string;
  /** The token as traders know it (symbol, name, logo, verified), from the registry. */
  token?: TokenView;
  /** Spam for this wallet (issue #19): left out of lists and streams unless asked for. */
  spam?: boolean;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID whose time part is the moment's `at` and whose random part is a hash of its identity (wallet, kind, mint,
 * signature): the same moment always gets the same id, in the CLI, the database and every re-run.
 */
export function momentId(atMs: number, wallet: string, kind: string, mint: string, signature: string | null): string {
  let time = '';
  let t = Math.max(0, Math.floor(atMs));
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const hash = createHash('sha256').update(`${wallet}|${kind}|${mint}|${signature ?? ''}`).digest();
  let bits = 0n;
  for (let i = 0; i < 10; i++) bits = (bits << 8n) | BigInt(hash[i]!);
  let rand = '';
  for (let i = 0; i < 16; i++) {
    rand = CROCKFORD[Number(bits & 31n)]! + rand;
    bits >>= 5n;
  }
  return time + rand;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
