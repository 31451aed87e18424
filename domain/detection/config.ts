import { USDC_MINT, USDT_MINT, WSOL_MINT } from '../parsing/constants';

/** Design §6 defaults; every number is configuration. Decimal strings keep the thresholds exact. */
export interface DetectionConfig {
  windowMs: number;
  /** How far price-at-t may look for a point (before, then after). */
  priceStalenessMs: number;
  s2e: { minPct: string; minUsd: string; fullSeverityPct: string };
  bhd: { minPct: string; minUsd: string; fullSeverityPct: string };
  badRoute: { minPct: string; minUsd: string; fullSeverityPct: string };
  idleYield: { minDays: number; minBalanceUsd: string; minUsd: string; fullSeverityUsd: string; apy: Record<string, string> };
  stablecoins: string[];
}

export const DEFAULT_DETECTION: DetectionConfig = {
  windowMs: 7 * 24 * 3600 * 1000,
  priceStalenessMs: 2 * 3600 * 1000,
  s2e: { minPct: '0.25', minUsd: '25', fullSeverityPct: '0.75' },
  bhd: { minPct: '0.30', minUsd: '25', fullSeverityPct: '0.80' },
  badRoute: { minPct: '0.01', minUsd: '10', fullSeverityPct: '0.10' },
  idleYield: {
    minDays: 30,
    minBalanceUsd: '100',
    minUsd: '25',
    fullSeverityUsd: '2000',
    apy: { [USDC_MINT]: '0.08', [USDT_MINT]: '0.08', [WSOL_MINT]: '0.07' },
  },
  stablecoins: [USDC_MINT, USDT_MINT],
};

export function mergeConfig(partial: Partial<DetectionConfig> | undefined): DetectionConfig {
  if (!partial) return DEFAULT_DETECTION;
  return {
    ...DEFAULT_DETECTION,
    ...partial,
    s2e: { ...DEFAULT_DETECTION.s2e, ...partial.s2e },
    bhd: { ...DEFAULT_DETECTION.bhd, ...partial.bhd },
    badRoute: { ...DEFAULT_DETECTION.badRoute, ...partial.badRoute },
    idleYield: { ...DEFAULT_DETECTION.idleYield, ...partial.idleYield, apy: { ...DEFAULT_DETECTION.idleYield.apy, ...partial.idleYield?.apy } },
  };
}
