import { execSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../lib/db';
import { freePort } from '../../lib/temporal-dev-server';
import { eventually, testEnv } from '../helpers/env';

/** The README's first command, end to end and offline: `npm run demo` must find all four kinds, then take a webhook. */
describe('npm run demo', () => {
  const name = `oof_demo_${Date.now()}`;
  const admin = createDb(testEnv().adminDatabaseUrl, { poolMax: 1 });
  afterAll(async () => {
    await admin.raw('drop database if exists ?? with (force)', [name]);
    await admin.destroy();
  });

  it('analyses the demo wallets through the REST API, prints moments of every kind with their cards, and takes a live webhook', async () => {
    const url = new URL(testEnv().adminDatabaseUrl);
    url.pathname = `/${name}`;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'oof-demo-'));
    const env = {
      ...process.env, DATA_DIR: dataDir, DATABASE_URL: url.toString(), HELIUS_WEBHOOK_AUTH: '',
      PORT: String(await freePort()), TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()), TEMPORAL_ADDRESS: '',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../scripts/demo.ts')], { env, cwd: path.resolve(__dirname, '../..') });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => { stderr += b; });
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    try {
      await eventually(async () => (/Ctrl-C stops everything/.test(stdout) ? true : undefined), 150_000, 200);
      expect(stdout).toMatch(/6 moments \(BHD, BadRoute, IdleYield, S2E\)/);
      expect(stdout).toMatch(/S2E\s+WIF\s+26 Mar 2024\s+\$2\.68\s+\$4\.82\s+\$2\.1K/);
      expect(stdout).toMatch(/BHD\s+TRUMP\s+19 Jan 2025\s+\$74\.06\s+\$26\.45\s+\$476/);
      expect(stdout).toMatch(/demo-cards\/BadRoute-[0-9A-Z]{26}\.png/);
      expect(stderr).toMatch(/2\/2 wallets/); // the progress line
      // The printed curl, run as a user would: the webhook is on, and the swap it posts becomes a BadRoute moment.
      const curl = /^\s*(curl -XPOST \S+\/webhooks\/helius .*)$/m.exec(stdout)?.[1];
      expect(curl).toBeDefined();
      const status = execSync(`${curl} -s -o /dev/null -w '%{http_code}'`, { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' });
      expect(status).toBe('200');
      const posted = JSON.parse(readFileSync(path.join(dataDir, 'demo-webhook.json'), 'utf8'))[0];
      const gateway = /^\s*curl -XPOST (\S+)\/webhooks/m.exec(stdout)![1];
      const wallet = /stream\/moments\?wallet=(\w+)/.exec(stdout)![1];
      const live = await eventually(async () => {
        const res = await fetch(`${gateway}/v1/moments?wallet=${wallet}&kind=BadRoute`);
        const body: any = await res.json();
        return body.moments?.find((m: any) => m.signature === posted.transaction.signatures[0]);
      }, 60_000, 300);
      expect(live.explain).toMatchObject({ reference: 'quote' });
    } finally {
      child.kill('SIGINT');
    }
    expect(await closed).toBe(0);
  }, 240_000);
});
