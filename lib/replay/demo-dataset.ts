import { readFileSync } from 'node:fs';
import path from 'node:path';
import bs58 from 'bs58';
import { fakeSignature, prng } from './synthetic-history';

const DATA = path.join(__dirname, 'data');
export const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
export const WIF = 'EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm';
export const TRUMP = '6p6xgHyF7AeE6TZkSmFsko444wqoP15icUSqi2jfGiPN';
export const SOL = 'So11111111111111111111111111111111111111112';
export const JUP = 'JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN';

function address(seed: number): string {
  const bytes = new Uint8Array(32);
  const r = prng(seed);
  for (let i = 0; i < 32; i++) bytes[i] = Math.floor(r() * 256);
  return bs58.encode(bytes);
}

/** The demo's two wallets (made up; their trades are at real dates and prices). */
export const DEMO_WALLETS = { paperHands: address(11), bagHolder: address(22) };

const TEMPLATE_WALLET = 'DtMUkCoeyzs35B6EpQQxPyyog6TRwXxV1W1Acp8nWBNa';

interface Leg { mint: string; raw: bigint }

/**
 * A real-format getTransaction result: the template's accounts and instructions, with the wallet's token accounts
 * rewritten to send `sent` and receive `received` (token legs), or its lamports for SOL, and the pool's accounts
 * moved the other way so the balances stay consistent.
 */
function craft(wallet: string, signature: string, at: string, slot: number, sent?: Leg, received?: Leg): any {
  const tx = JSON.parse(readFileSync(path.join(DATA, 'template-token-swap.json'), 'utf8').split(TEMPLATE_WALLET).join(wallet));
  tx.transaction.signatures[0] = signature;
  tx.blockTime = Math.floor(Date.parse(at) / 1000);
  tx.slot = slot;
  const set = (list: any[], index: number, mint: string, amount: bigint) => {
    const e = list.find((b) => b.accountIndex === index);
    e.mint = mint;
    e.uiTokenAmount = { amount: amount.toString(), decimals: 6, uiAmount: Number(amount) / 1e6, uiAmountString: String(Number(amount) / 1e6) };
  };
  const base = 10n ** 12n;
  const pre = tx.meta.preTokenBalances;
  const post = tx.meta.postTokenBalances;
  // Accounts 1 and 2 are the wallet's; 3 and 13 the pool's (json encoding indexes).
  const leg = (l: Leg | undefined, mine: number, pool: number, sign: 1n | -1n) => {
    if (!l) {
      set(pre, mine, pre.find((b: any) => b.accountIndex === mine).mint, base);
      set(post, mine, post.find((b: any) => b.accountIndex === mine).mint, base);
      set(pre, pool, pre.find((b: any) => b.accountIndex === pool).mint, base);
      set(post, pool, post.find((b: any) => b.accountIndex === pool).mint, base);
      return;
    }
    if (l.mint === SOL) {
      tx.meta.postBalances[0] = Number(BigInt(tx.meta.postBalances[0]) + sign * l.raw * 1000n); // 6 → 9 decimals
      tx.meta.preBalances[0] = Number(BigInt(tx.meta.preBalances[0]) + 10n ** 12n);
      tx.meta.postBalances[0] = Number(BigInt(tx.meta.postBalances[0]) + 10n ** 12n);
      set(pre, mine, USDC, base);
      set(post, mine, USDC, base);
      return;
    }
    set(pre, mine, l.mint, base);
    set(post, mine, l.mint, base + sign * l.raw);
    set(pre, pool, l.mint, base * 1000n);
    set(post, pool, l.mint, base * 1000n - sign * l.raw);
  };
  leg(sent, 1, 3, -1n);
  leg(received, 2, 13, 1n);
  return tx;
}

const units = (s: string) => BigInt(Math.round(Number(s) * 1e6));

/** Every transaction of the demo wallets, and the price series (points at each candle's close) they trade on. */
export function demoDataset(): { transactions: any[]; prices: Record<string, Array<[number, string]>> } {
  const data = JSON.parse(readFileSync(path.join(DATA, 'demo-prices.json'), 'utf8'));
  const prices: Record<string, Array<[number, string]>> = {};
  for (const [mint, t] of Object.entries<any>(data.tokens)) prices[mint] = t.points.map(([open, close]: [number, string]) => [open + 3_600_000, close]);
  return { transactions: demoTrades(DEMO_WALLETS, 2026), prices };
}

/** A made-up wallet address from a seed (the demo's and the fault suite's wallets). */
export const demoAddress = address;

/**
 * The demo's trades for another pair of wallets: the same moments, other addresses and signatures, so runs that
 * must be compared (undisturbed vs under a fault) can each use wallets of their own.
 */
export function demoTrades(wallets: { paperHands: string; bagHolder: string }, seed: number): any[] {
  const rand = prng(seed);
  const sig = () => fakeSignature(rand);
  const { paperHands: A, bagHolder: B } = wallets;
  return [
    craft(A, sig(), '2024-01-02T00:00:00Z', 240_000_000, undefined, { mint: USDC, raw: units('20000') }), // USDC received, then left idle
    craft(A, sig(), '2024-03-26T00:00:00Z', 257_000_000, { mint: WIF, raw: units('1000') }, { mint: USDC, raw: units('2684') }), // sold before the run
    craft(B, sig(), '2022-11-05T17:00:00Z', 160_000_000, { mint: USDC, raw: units('188.55') }, { mint: SOL, raw: units('5') }), // SOL before FTX
    craft(B, sig(), '2025-01-13T12:00:00Z', 312_000_000, { mint: USDC, raw: units('1000') }, { mint: JUP, raw: units('1300') }), // a bad fill
    craft(B, sig(), '2025-01-19T12:00:00Z', 313_000_000, { mint: USDC, raw: units('740.6') }, { mint: TRUMP, raw: units('10') }), // TRUMP on day one
  ];
}

/** Jupiter Tokens V2 entries (the documented shape, logos left out) of the demo's mints: the token registry names them. */
export function demoTokenEntries(): any[] {
  return JSON.parse(readFileSync(path.join(DATA, 'demo-tokens.json'), 'utf8'));
}

/**
 * A new swap of a wallet as a webhook delivers it (getTransaction JSON, as a raw Helius webhook sends), on the demo's
 * real template: `sent` out, `received` in (UI amounts, 6-decimal tokens). What the demo prints for trying the live
 * path, and what the live-path measurements post.
 */
export function demoSwapTx(wallet: string, signature: string, at: Date, slot: number, sent: { mint: string; amount: string } | undefined, received: { mint: string; amount: string }): any {
  return craft(wallet, signature, at.toISOString(), slot, sent && { mint: sent.mint, raw: units(sent.amount) }, { mint: received.mint, raw: units(received.amount) });
}

/** `usdc` USDC into `jupOut` JUP (the demo's live example). */
export function demoLiveSwap(wallet: string, signature: string, at: Date, slot: number, usdc: string, jupOut: string): any {
  return demoSwapTx(wallet, signature, at, slot, { mint: USDC, amount: usdc }, { mint: JUP, amount: jupOut });
}

/** The JUP price the replay market quotes live: its newest demo point. */
export function demoJupPrice(): string {
  const pts = demoDataset().prices[JUP]!;
  return pts[pts.length - 1]![1];
}
