import type { NormalizedTx } from '../parsing/normalized';
import { WSOL_MINT } from '../parsing/constants';

/**
 * Token amounts as exact integers held in doubles. A mint whose amounts have at most `digits` decimals, and whose
 * flows in total stay below 2^50 units of 10^-digits, can be added and subtracted in plain numbers with no rounding
 * at all: every amount, every running balance and every remainder is an integer under 2^53. That is most mints of
 * most wallets, and it makes FIFO lots and balance walks over a million actions cost what float arithmetic costs.
 * Mints that do not fit (huge supplies with many decimals) keep the bigint path; neither ever rounds.
 */
export interface UnitScale {
  digits: number;
  /** 10^digits */
  scale: number;
}

const LIMIT = 2 ** 50;
const EPS = 2 ** -52;
const LAMPORT_DIGITS = 9;

function fractionDigits(amount: string): number {
  const dot = amount.indexOf('.');
  if (dot < 0) return 0;
  let end = amount.length;
  while (end > dot + 1 && amount.charCodeAt(end - 1) === 48 /* 0 */) end--;
  return end - dot - 1;
}

/** Decimals of a lamport amount in SOL: 9 less its trailing zeros (5000 lamports = 0.000005 SOL: 6). */
function lamportDigits(lamports: number): number {
  let d = LAMPORT_DIGITS;
  while (d > 0 && lamports % 10 === 0) {
    lamports /= 10;
    d--;
  }
  return d;
}

interface Bounds { digits: number; maxAmount: number; balance: number; maxBalance: number; flow: number; steps: number }

/**
 * The scale each of `mints` can use in doubles, or null where it cannot. Every amount must fit; with `balances`, so
 * must every running balance of the walk idle-yield.ts makes (same transactions, fees lowering SOL). Balances are
 * bounded from a float walk plus a rigorous bound on its rounding error (steps × 2^-52 × total flow).
 */
export function unitScales(txs: NormalizedTx[], times: Float64Array, mints: Set<string>, balances?: { nowMs: number }): Map<string, UnitScale | null> {
  const bounds = new Map<string, Bounds>();
  for (const m of mints) bounds.set(m, { digits: 0, maxAmount: 0, balance: 0, maxBalance: 0, flow: 0, steps: 0 });
  const note = (b: Bounds, amount: string, sign: number, counts: boolean) => noteValue(b, fractionDigits(amount), Math.abs(Number(amount)), sign, counts);
  const noteValue = (b: Bounds, d: number, x: number, sign: number, counts: boolean) => {
    if (d > b.digits) b.digits = d;
    if (x > b.maxAmount) b.maxAmount = x;
    if (!counts) return;
    b.balance += sign * x;
    b.flow += x;
    b.steps++;
    const abs = Math.abs(b.balance);
    if (abs > b.maxBalance) b.maxBalance = abs;
  };
  const sol = bounds.get(WSOL_MINT);
  for (let k = 0; k < txs.length; k++) {
    const tx = txs[k]!;
    const counts = !!balances && !!tx.blockTime && times[k]! <= balances.nowMs;
    if (sol && tx.feeLamports !== '0') {
      const lamports = Number(tx.feeLamports);
      noteValue(sol, lamportDigits(lamports), lamports / 1e9, -1, counts);
    }
    for (const a of tx.actions) {
      const walked = counts && !tx.failed;
      if (a.sent) { const b = bounds.get(a.sent.mint); if (b) note(b, a.sent.amount, -1, walked); }
      if (a.received) { const b = bounds.get(a.received.mint); if (b) note(b, a.received.amount, 1, walked); }
    }
  }
  const out = new Map<string, UnitScale | null>();
  for (const [mint, b] of bounds) {
    const scale = 10 ** b.digits;
    const biggest = Math.max(b.maxAmount, b.maxBalance + b.steps * EPS * b.flow);
    out.set(mint, b.digits <= 15 && Number.isFinite(biggest) && biggest * scale < LIMIT ? { digits: b.digits, scale } : null);
  }
  return out;
}

/**
 * The amount in units of 10^-digits. Exact: the decimal text has at most `digits` decimals and the result is an
 * integer below 2^50, so the double nearest the text, times the scale, is within far less than ½ of that integer.
 */
export function toUnits(amountF: number, u: UnitScale): number {
  return Math.round(amountF * u.scale);
}

export function feeUnits(feeLamports: string, u: UnitScale): number {
  const lamports = Number(feeLamports);
  // Dividing an exact multiple by a power of ten is exact; multiplying by 10^-k would not be.
  return u.digits >= LAMPORT_DIGITS ? lamports * 10 ** (u.digits - LAMPORT_DIGITS) : Math.round(lamports / 10 ** (LAMPORT_DIGITS - u.digits));
}

/** Units as plain decimal text (no exponent, no trailing zeros). */
export function unitsToString(units: number, u: UnitScale): string {
  const neg = units < 0;
  const s = Math.abs(units).toFixed(0).padStart(u.digits + 1, '0');
  const whole = s.slice(0, s.length - u.digits);
  const frac = s.slice(s.length - u.digits).replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Units as bigint 10^-18 units (what lot timelines carry). */
export function unitsTo18(units: number, u: UnitScale): bigint {
  return BigInt(units) * 10n ** BigInt(18 - u.digits);
}
