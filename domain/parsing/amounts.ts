/** Exact conversion between raw base units (bigint) and UI decimal strings; no floating point anywhere. */
export function formatUnits(raw: bigint, decimals: number): string {
  const negative = raw < 0n;
  const abs = negative ? -raw : raw;
  if (decimals === 0) return `${negative ? '-' : ''}${abs}`;
  const s = abs.toString().padStart(decimals + 1, '0');
  const whole = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Parses a UI decimal string into raw units at the given decimals; throws when it has more precision than that. */
export function parseUnits(ui: string, decimals: number): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(ui.trim());
  if (!m) throw new Error(`"${ui}" is not a decimal amount`);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > decimals) throw new Error(`"${ui}" has more than ${decimals} decimals`);
  const raw = BigInt(m[2]! + frac.padEnd(decimals, '0'));
  return m[1] ? -raw : raw;
}

export function toBigInt(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw new ParseError(`${what} must be an integer, got ${JSON.stringify(v)?.slice(0, 40)}`);
}

export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}
