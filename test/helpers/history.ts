import type { NormalizedTx, WalletAction } from '../../domain/parsing/normalized';
import { PriceSeries } from '../../domain/detection/price-series';

export const W = 'FvTqrd5oyY3jGU1jM5r1ns2fZJmmtoRFmwVQtDzGnVJ5';
export const SOL = 'So11111111111111111111111111111111111111112';
export const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
export const USDT = 'Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB';
export const TOK = 'TokenXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX1';
export const TOK2 = 'TokenYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY2';

export const H = 3_600_000;
export const DAY = 24 * H;
export const T0 = Date.parse('2025-01-01T00:00:00Z');

let n = 0;
// Test files share one database: signatures carry a per-process prefix so two files never write the same one.
const PREFIX = `sig${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
export function tx(atMs: number, actions: WalletAction[], extra: Partial<NormalizedTx> = {}): NormalizedTx {
  n++;
  return { signature: `${PREFIX}${String(n).padStart(6, '0')}`, slot: n, blockTime: new Date(atMs).toISOString().replace('.000Z', 'Z'), wallet: W, failed: false, feeLamports: '0', feePayer: W, actions, ...extra };
}

export const swap = (sentMint: string, sentAmount: string, recvMint: string, recvAmount: string): WalletAction =>
  ({ kind: 'swap', sent: { mint: sentMint, amount: sentAmount }, received: { mint: recvMint, amount: recvAmount }, source: 'JUPITER' });
export const recv = (mint: string, amount: string): WalletAction => ({ kind: 'transfer_in', sent: null, received: { mint, amount } });
export const send = (mint: string, amount: string): WalletAction => ({ kind: 'transfer_out', sent: { mint, amount }, received: null });

export function series(points: Array<[number, string]>): PriceSeries {
  return new PriceSeries(points);
}

export function prices(entries: Record<string, Array<[number, string]>>): Map<string, PriceSeries> {
  return new Map(Object.entries(entries).map(([k, v]) => [k, series(v)]));
}
