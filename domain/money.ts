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
