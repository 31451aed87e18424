import { rm } from 'node:fs/promises';
import { createDb } from '../lib/db';
import { stopProcess } from '../lib/processes';

export default async function globalTeardown(): Promise<void> {
  const t = (globalThis as any).__OOF_TEST__;
  if (!t) return;
  await t.temporal?.teardown();
  if (t.adminUrl && t.dbName) {
    const admin = createDb(t.adminUrl, { poolMax: 1 });
    try {
      await admin.raw('drop database if exists ?? with (force)', [t.dbName]);
    } finally {
      await admin.destroy();
    }
  }
  const pg = (globalThis as any).__OOF_TEST_PG__;
  if (pg) await stopProcess(pg);
  if (process.env.OOF_KEEP_TEST_TMP !== '1') await rm(t.tmp, { recursive: true, force: true });
}
