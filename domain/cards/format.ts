import Decimal from 'decimal.js';

/** `$2.1K`, `$950`, `$12.4M`: the headline number as people say it. */
export function humanUsd(amount: string): string {
  const d = new Decimal(amount);
  const abs = d.abs();
  const units: Array<[number, string]> = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  // Round first: $999.6 is "$1K", not "$1000".
  const whole = abs.lt(1) ? abs : abs.toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  for (const [size, suffix] of units) {
    if (whole.gte(size)) {
      const v = whole.div(size);
      const r = v.toDecimalPlaces(v.lt(10) ? 1 : 0, Decimal.ROUND_HALF_UP);
      return `$${r.toFixed()}${suffix}`;
    }
  }
  if (abs.lt(1)) return `$${abs.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2)}`;
  return `$${whole.toFixed()}`;
}

/** `+80%`, `−64%` (a real minus sign), `+1,250%`. */
export function humanPct(fraction: string, sign: '+' | '−'): string {
  const v = new Decimal(fraction).mul(100);
  const rounded = v.abs().gte(10) ? v.abs().toDecimalPlaces(0, Decimal.ROUND_HALF_UP) : v.abs().toDecimalPlaces(1, Decimal.ROUND_HALF_UP);
  return `${sign}${groupThousands(rounded.toFixed())}%`;
}

export function groupThousands(s: string): string {
  const [whole, frac] = s.split('.') as [string, string | undefined];
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
}

/** A token amount at a readable precision: 1,000 · 2.68 · 0.00001246. */
export function humanAmount(amount: string): string {
  const d = new Decimal(amount);
  if (d.abs().gte(1e9)) return humanUsd(amount).slice(1);
  const places = d.abs().gte(1000) ? 0 : d.abs().gte(1) ? 2 : Math.min(10, Math.max(2, -Math.floor(Math.log10(d.abs().toNumber() || 1)) + 3));
  return groupThousands(d.toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toFixed());
}

export function humanPrice(usd: string): string {
  return `$${humanAmount(usd)}`;
}

/** FvTq…DzGnV */
export function shortAddress(a: string): string {
  return a.length > 12 ? `${a.slice(0, 4)}…${a.slice(-5)}` : a;
}

export function humanDate(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}
