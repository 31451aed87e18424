import { fakeSignature, prng } from '../../lib/replay/synthetic-history';
import { readJson } from './fixtures';

/**
 * `n` Helius enhanced transactions made from the real swap sample, with `wallet` as the swapper and fresh
 * signatures; each test file uses its own wallet so parallel files never see each other's rows.
 */
export function enhancedSwaps(wallet: string, n: number, seed: number): any[] {
  const sample = readJson('apis/helius-enhanced-swap-jupiter.json');
  const text = JSON.stringify(sample).split(sample.feePayer).join(wallet);
  const rand = prng(seed);
  return Array.from({ length: n }, (_, i) => ({ ...JSON.parse(text), signature: fakeSignature(rand), slot: sample.slot + i, timestamp: sample.timestamp + i }));
}
