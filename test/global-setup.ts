import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createDb, migrateLatest } from '../lib/db';
import { spawnEntry } from '../lib/processes';
import { DEV_SERVER_SQLITE_PRAGMAS, freePort } from '../lib/temporal-dev-server';
import { ANALYSIS_ID, MOMENT_KINDS, WALLET } from '../temporal/config';
import { workflowInterceptorModules } from '../workers/interceptors';
import { buildCli } from './setup/cli-build';
import { findTestTools } from './setup/tools';

/**
 * Once per `npm test`: the tools the suites run (Temporal CLI, versitygw, Chromium: found, else built or installed),
 * the CLI compiled from the current sources, one real Temporal dev server for the whole run, a fresh Postgres
 * database with the migrations applied, and one workflow bundle shared by every in-process test worker.
 */
export default async function globalSetup(): Promise<void> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'oof-test-'));
  const started = Date.now();
  const log = (m: string) => console.log(`[oof test setup] ${m}`);
  const tools = await findTestTools(log);
  process.env.TEMPORAL_CLI = tools.temporalCli;
  process.env.VERSITYGW = tools.versitygw;
  process.env.TEMPORAL_SERVER = tools.temporalServer;
  process.env.TEMPORAL_SQL_TOOL = tools.temporalSqlTool;
  process.env.CHROMIUM_PATH = tools.chromium;
  await buildCli(log);

  // @temporalio/testing's local environment over the CLI found or built above (never its download), one for the
  // whole run: a server per suite would cost each file a start-up and split two cores further.
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: tools.temporalCli },
      ip: '127.0.0.1',
      port: await freePort(),
      dbFilename: path.join(tmp, 'temporal.sqlite'),
      searchAttributes: [WALLET, MOMENT_KINDS, ANALYSIS_ID],
      extraArgs: [
        '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
        // Suggest continue-as-new early so the long-lived workflows take that path in seconds, not hours.
        '--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=300',
        ...DEV_SERVER_SQLITE_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]),
      ],
    },
  });
  (globalThis as any).__OOF_TEST__ = { tmp, temporal };
  // Jest runs no teardown when the setup throws: stop the server here rather than leave it running.
  await setUpRest(tmp, temporal, started).catch(async (e) => {
    await temporal.teardown();
    throw e;
  });
}

/** The database, the workflow bundle and the environment the suites read. */
async function setUpRest(tmp: string, temporal: TestWorkflowEnvironment, started: number): Promise<void> {
  const adminUrl = await postgresAdminUrl(tmp);
  const dbName = `oof_test_${Date.now()}_${process.pid}`;
  const admin = createDb(adminUrl, { poolMax: 1 });
  await admin.raw('create database ??', [dbName]);
  await admin.destroy();
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const db = createDb(u.toString(), { poolMax: 2 });
  await migrateLatest(db);
  await db.destroy();

  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), workflowInterceptorModules, logger: quietLogger });
  const bundlePath = path.join(tmp, 'workflow-bundle.js');
  await writeFile(bundlePath, bundle.code);

  Object.assign((globalThis as any).__OOF_TEST__, { adminUrl, dbName });
  process.env.OOF_TEST_TMP = tmp;
  process.env.OOF_TEST_TEMPORAL_ADDRESS = temporal.address;
  process.env.OOF_TEST_DATABASE_URL = u.toString();
  process.env.OOF_TEST_ADMIN_DATABASE_URL = adminUrl;
  process.env.OOF_TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.TEMPORAL_LOG_LEVEL ??= 'ERROR';
  console.log(`\n[oof test setup] temporal ${temporal.address}, postgres db ${dbName}, ready in ${Date.now() - started} ms`);
}

const quietLogger = {
  log() {}, trace() {}, debug() {}, info() {}, warn() {},
  error: (m: string, meta?: unknown) => console.error(m, meta),
};

/** TEST_DATABASE_URL, DATABASE_URL, the local server on 5432, else an embedded Postgres for this run only. */
async function postgresAdminUrl(tmp: string): Promise<string> {
  const candidates = [process.env.TEST_DATABASE_URL, process.env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/postgres'].filter(Boolean) as string[];
  for (const url of candidates) {
    const db = createDb(url, { poolMax: 1 });
    try {
      await db.raw('select 1');
      return url;
    } catch {
      // try the next one
    } finally {
      await db.destroy();
    }
  }
  const port = await freePort();
  const child = spawnEntry('scripts/embedded-postgres.ts', { LOG_LEVEL: 'warn' }, { silent: true, args: [String(port), path.join(tmp, 'pg')] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => { if (b.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`no Postgres reachable and the embedded one failed (exit ${code})`)));
  });
  (globalThis as any).__OOF_TEST_PG__ = child;
  return `postgres://postgres:oof-embedded@127.0.0.1:${port}/postgres`;
}
