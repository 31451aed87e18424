/**
 * `npm run temporal -- <cli|start|versitygw>`: `cli` prints the path of the Temporal CLI (building it when needed, as
 * CI does); `start` runs the dev server in the foreground until Ctrl-C; `versitygw` prints (building it when needed)
 * the S3-compatible server the card-storage tests run against.
 */
import path from 'node:path';
import { findOrBuildVersitygw } from '../lib/s3-dev-server';
import { findOrBuildTemporalCli, startDevServer } from '../lib/temporal-dev-server';

async function main(): Promise<void> {
  const cmd = process.argv[2] ?? 'cli';
  if (cmd === 'cli') {
    console.log(await findOrBuildTemporalCli((m) => console.error(m)));
    return;
  }
  if (cmd === 'versitygw') {
    console.log(await findOrBuildVersitygw((m) => console.error(m)));
    return;
  }
  if (cmd === 'start') {
    const dataDir = process.env.DATA_DIR ?? '.data';
    const port = Number(process.env.TEMPORAL_PORT ?? 7233);
    const server = await startDevServer({
      dbFile: path.resolve(dataDir, 'temporal.sqlite'),
      port,
      uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      onOutput: (l) => console.error(l),
    });
    console.log(`Temporal dev server on ${server.address}, UI ${server.uiUrl}`);
    const shutdown = () => void server.stop().then(() => process.exit(0));
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    return;
  }
  throw new Error(`unknown command ${cmd}: use "cli", "start" or "versitygw"`);
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
