import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { testEnv } from '../helpers/env';

const DIR = path.resolve(__dirname, '../fixtures/histories');

/**
 * The determinism guard: histories recorded from representative runs (scripts/export-histories.ts) replay against
 * the current workflow code. A change that would break workflows already running fails here, in CI.
 */
describe('recorded workflow histories replay against the current code', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

  it('has histories of every kind of workflow, continue-as-new runs included', () => {
    const starts = files.map((f) => JSON.parse(readFileSync(path.join(DIR, f), 'utf8')).events[0].workflowExecutionStartedEventAttributes);
    expect([...new Set(starts.map((s) => s.workflowType.name))].sort()).toEqual(['analyzeWallet', 'analyzeWallets', 'backfillWallet', 'maintenance', 'postTradeWatch', 'reconcileWallets', 'refreshPrices', 'walletActor']);
    expect(starts.some((s) => s.continuedExecutionRunId)).toBe(true);
  });

  it('replays every one of them', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../scripts/replay-histories.ts'), testEnv().workflowBundle], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout).toContain(`${files.length} replayed, 0 failed`);
    expect(r.status).toBe(0);
  });
});
