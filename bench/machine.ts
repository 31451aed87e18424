import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Pair, Ratio } from './ceiling';

export function machine(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    // Other sessions share the machine: the load when the run started says how much the absolute figures mean.
    loadavg: os.loadavg().map((l) => l.toFixed(1)).join(' '),
    date: new Date().toISOString(),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** See bench/ceiling.ts: plain figures and ours/ceiling pairs; the ratios and their targets decide `pass`. */
export interface BenchResult {
  name: string;
  figures: Record<string, number | string | Pair>;
  ratio?: Record<string, Ratio>;
  target?: string;
  pass?: boolean;
}

/** A process's resident set in MiB from /proc, or undefined once it is gone (its exit is reported where it was spawned). */
export function rssMiB(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
