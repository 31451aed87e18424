import { readFileSync } from 'node:fs';

/**
 * Binance kline CSV (`open_time_ms,open_time_utc,open,high,low,close,volume`) as price points: each candle's close
 * belongs to the instant its interval ends (open + interval), per fixtures/prices/README.md. USDT taken as USD.
 */
export function klinePoints(csvText: string, intervalMs?: number): Array<[number, string]> {
  const lines = csvText.trim().split('\n');
  if (!lines[0]?.startsWith('open_time_ms,')) throw new Error('not a kline CSV (expected header open_time_ms,…)');
  const rows = lines.slice(1).map((l) => l.split(','));
  const step = intervalMs ?? (rows.length > 1 ? Number(rows[1]![0]) - Number(rows[0]![0]) : 3_600_000);
  return rows.map((r) => [Number(r[0]) + step, r[5]!] as [number, string]);
}

export function klinePointsFromFile(path: string, intervalMs?: number): Array<[number, string]> {
  return klinePoints(readFileSync(path, 'utf8'), intervalMs);
}
