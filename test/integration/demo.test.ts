import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../lib/db';
import { freePort } from '../../lib/temporal-dev-server';
import { testEnv } from '../helpers/env';

/** The README's first command, end to end and offline: `npm run demo -- --exit` must find all four kinds. */
describe('npm run demo', () => {
  const name = `oof_demo_${Date.now()}`;
  const admin = createDb(testEnv().adminDatabaseUrl, { poolMax: 1 });
  afterAll(async () => {
    await admin.raw('drop database if exists ?? with (force)', [name]);
    await admin.destroy();
  });

  it('analyses the demo wallets through the REST API and prints moments of every kind with their cards', async () => {
    const url = new URL(testEnv().adminDatabaseUrl);
    url.pathname = `/${name}`;
    const env = {
      ...process.env, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'oof-demo-')), DATABASE_URL: url.toString(),
      PORT: String(await freePort()), TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()), TEMPORAL_ADDRESS: '',
    };
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../scripts/demo.ts'), '--exit'], { env, cwd: path.resolve(__dirname, '../..') });
      let out = '';
      let err = '';
      child.stdout.on('data', (b) => { out += b; });
      child.stderr.on('data', (b) => { err += b; });
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    expect({ code, tail: stdout.slice(-400) }).toMatchObject({ code: 0 });
    expect(stdout).toMatch(/6 moments \(BHD, BadRoute, IdleYield, S2E\)/);
    expect(stdout).toMatch(/S2E\s+WIF\s+26 Mar 2024\s+\$2\.68\s+\$4\.82\s+\$2\.1K/);
    expect(stdout).toMatch(/BHD\s+TRUMP\s+19 Jan 2025\s+\$74\.06\s+\$26\.45\s+\$476/);
    expect(stdout).toMatch(/demo-cards\/BadRoute-[0-9A-Z]{26}\.png/);
    expect(stderr).toMatch(/2\/2 wallets/); // the progress line
  }, 180_000);
});
