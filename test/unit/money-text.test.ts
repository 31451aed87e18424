import Decimal from 'decimal.js';
import fc from 'fast-check';
import { D, plainText, roundedText, usd } from '../../domain/money';

// Plain NUMERIC text as Postgres prints it (NUMERIC(38,18): up to 20 integer digits, 18 decimals), and shorter or
// odder shapes: leading zeros, no decimals, a bare trailing point, negative zero, ties at every position.
const digits = (max: number) => fc.array(fc.constantFrom('0', '1', '4', '5', '6', '9'), { maxLength: max }).map((a) => a.join(''));
const plain = fc.tuple(fc.constantFrom('', '-'), digits(20).map((d) => d || '0'), fc.option(digits(18))).map(([s, i, f]) => (f === null ? `${s}${i}` : `${s}${i}.${f}`));

describe('decimal text without decimal.js', () => {
  it('rounds half up to any places exactly as toFixed(dp, ROUND_HALF_UP) does', () => {
    fc.assert(fc.property(plain, fc.integer({ min: 0, max: 6 }), (s, dp) => {
      expect([s, dp, roundedText(s, dp)]).toEqual([s, dp, new D(s).toFixed(dp, Decimal.ROUND_HALF_UP)]);
    }), { numRuns: 5000 });
  });

  it('prints plain text without trailing zeros exactly as toFixed() does', () => {
    fc.assert(fc.property(plain, (s) => expect([s, plainText(s)]).toEqual([s, new D(s).toFixed()])), { numRuns: 5000 });
  });

  it('agrees with usd() on the cases that decide it, and hands other shapes to decimal.js', () => {
    for (const s of ['0.005', '-0.005', '-0.001', '-0.000', '12.345', '99.995', '0.004999999999999999', '25.000000000000000000']) expect(roundedText(s, 2)).toBe(usd(new D(s)));
    expect(roundedText('1e-7', 2)).toBe('0.00');
    expect(roundedText(0.125, 2)).toBe('0.13');
    expect(plainText('1e-7')).toBe('0.0000001');
  });
});
