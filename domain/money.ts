import Decimal from 'decimal.js';

/** Decimal with room for the divisions detection does (execution prices); never a JS number for money. */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type Dec = InstanceType<typeof D>;

export const ZERO = new D(0);
export const ONE = new D(1);

/** Plain decimal text without exponent and without trailing zeros. */
export function plain(x: Dec): string {
  return x.toFixed();
}

export function usd(x: Dec): string {
  return x.toFixed(2, Decimal.ROUND_HALF_UP);
}

export function severity(x: Dec): string {
  return D.min(ONE, D.max(ZERO, x)).toFixed(4, Decimal.ROUND_HALF_UP);
}

const PLAIN_RE = /^(-?)(\d+)(?:\.(\d*))?$/;

/**
 * `new D(s).toFixed(dp, ROUND_HALF_UP)` for plain decimal text (what Postgres prints for NUMERIC) without building a
 * Decimal: the digits are rounded as integers. A page of moments formatted three amounts a row through decimal.js,
 * a tenth of the gateway's time per request. Anything else (exponents, numbers) goes to decimal.js.
 */
export function roundedText(s: string | number, dp: number): string {
  const m = typeof s === 'string' ? PLAIN_RE.exec(s) : null;
  if (!m) return new D(s).toFixed(dp, Decimal.ROUND_HALF_UP);
  const [, sign, int, frac = ''] = m;
  let units = BigInt(int! + frac.slice(0, dp).padEnd(dp, '0'));
  // Half up, i.e. away from zero on a tie: the first digit dropped decides.
  if (frac.length > dp && frac.charCodeAt(dp) >= 53) units += 1n;
  let t = units.toString();
  if (dp > 0) {
    t = t.padStart(dp + 1, '0');
    t = `${t.slice(0, -dp)}.${t.slice(-dp)}`;
  }
  // decimal.js keeps the sign of a negative amount that rounds to zero ("-0.00"), and prints none for a zero.
  return sign && /[1-9]/.test(int! + frac) ? `-${t}` : t;
}

/** `new D(s).toFixed()` (plain text, no trailing zeros) for plain decimal text, without building a Decimal. */
export function plainText(s: string | number): string {
  const m = typeof s === 'string' ? PLAIN_RE.exec(s) : null;
  if (!m) return new D(s).toFixed();
  const [, sign, int, frac = ''] = m;
  const f = frac.replace(/0+$/, '');
  const t = f ? `${BigInt(int!)}.${f}` : `${BigInt(int!)}`;
  return sign && /[1-9]/.test(int! + frac) ? `-${t}` : t;
}
