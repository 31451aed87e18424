/**
 * `npm run stack`: the production shape on this machine — the real Temporal server on Postgres with SQL visibility
 * (schema set up and upgraded by the SQL tool, search attributes registered) and its Web UI, two workers, two
 * gateways and the indexer as separate supervised processes with ENVIRONMENT=production. Postgres is DATABASE_URL's
 * server when set, else an embedded one under DATA_DIR/stack. Ctrl-C stops all of it, in order.
 */
import path from 'node:path';
import { startProductionStack, stackSecrets, type ProductionStack } from '../lib/production-stack';

async function main(): Promise<void> {
  const dataDir = path.resolve(process.env.DATA_DIR ?? '.data', 'stack');
  const secrets = await stackSecrets(dataDir, process.env);
  const env: Record<string, string> = {
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    APP_SECRET: secrets.APP_SECRET,
    HELIUS_WEBHOOK_AUTH: secrets.HELIUS_WEBHOOK_AUTH,
    ALERTS_ENCRYPTION_KEY: secrets.ALERTS_ENCRYPTION_KEY,
    SERVICE_IDS: process.env.SERVICE_IDS ?? 'ops',
  };
  let stack: ProductionStack | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.error('stopping the stack…');
    await stack?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    stack = await startProductionStack({
      dataDir,
      databaseUrl: process.env.DATABASE_URL || undefined,
      temporalPort: Number(process.env.TEMPORAL_PORT ?? 7233),
      uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      env,
      log: (m) => console.error(m),
    });
  } catch (err) {
    console.error(`the stack did not start: ${(err as Error).message}`);
    await stop(1);
    return;
  }
  console.log([
    '',
    'OOF production shape is running',
    `  temporal     ${stack.temporal.address} (Postgres persistence + SQL visibility), UI ${stack.temporal.uiUrl ?? '–'}`,
    ...stack.gateways.map((g, i) => `  gateway ${i + 1}    ${g.url}`),
    `  indexer      ${stack.indexer.url}/webhooks/helius`,
    `  workers      ${stack.workers.length}`,
    `  database     ${stack.databaseUrl.replace(/:[^:@/]+@/, ':…@')}`,
    `  secrets      ${[...secrets.generated.map((n) => `${n} generated into ${secrets.file}`), ...secrets.fromFile.map((n) => `${n} from ${secrets.file}`)].join(', ') || 'from the environment'}`,
    'Ctrl-C stops everything.',
  ].join('\n'));
}

void main();
