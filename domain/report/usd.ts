import Decimal from 'decimal.js';
import { units18ToString } from '../detection/lots';
import type { Dec } from '../money';
import { X } from './exact';

/** USD as the report prints it: exact to 18 decimals (NUMERIC(38,18)), no exponent, no trailing zeros, no "-0". */
export function usdText(x: Dec): string {
  const r = x.toDecimalPlaces(18, Decimal.ROUND_HALF_UP);
  return r.isZero() ? '0' : r.toFixed();
}

const E18 = 10n ** 18n;
const HALF18 = E18 / 2n;

/** 10^-36 USD units rounded half away from zero (decimal.js ROUND_HALF_UP) to 10^-18 units. */
export function round36to18(v: bigint): bigint {
  const neg = v < 0n;
  const a = neg ? -v : v;
  let q = a / E18;
  if (a % E18 >= HALF18) q += 1n;
  return neg ? -q : q;
}

/** 10^-36 USD units as the report prints USD (usdText of the same value). */
export function usd36Text(v: bigint): string {
  const r = round36to18(v);
  return r === 0n ? '0' : units18ToString(r);
}

/** 10^-36 USD units as a decimal, exactly (money.ts' 40 digits would round a large amount's last places). */
export function usd36ToDec(v: bigint): Dec {
  return new X(v.toString()).div('1e36');
}
