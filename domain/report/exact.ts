import Decimal from 'decimal.js';
import type { Dec } from '../money';

/**
 * The reference engine's decimals. 120 significant digits hold every sum and product of NUMERIC(38,18) amounts and
 * prices exactly, so the only roundings are the divisions, each to 10^-36 USD half to even — the rule the fast
 * engine's bigint arithmetic follows. With 40 digits (money.ts) the reference was the less precise of the two, and a
 * figure on a rounding boundary printed differently (1 in ~5,000 random histories).
 */
export const X = Decimal.clone({ precision: 120, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -120, toExpPos: 120 });
export const XZERO: Dec = new X(0);

/** a × num / den in USD, rounded to 10^-36 half to even. */
export function mulDivUsd(a: Dec, num: bigint, den: bigint): Dec {
  return a.times(num.toString()).div(den.toString()).toDecimalPlaces(36, Decimal.ROUND_HALF_EVEN);
}
