/**
 * `npm start`: the whole system on embedded defaults — Temporal dev server, Postgres (embedded unless DATABASE_URL),
 * migrations, one worker and the gateway — until Ctrl-C, which stops all of it.
 */
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { startStack, type Stack } from '../lib/stack';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('oof', config.LOG_LEVEL);
  let stack: Stack | undefined;
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping OOF');
    await stack?.stop();
    process.exit(code);
  };
  // `on`, not `once`: Ctrl-C reaches npm too, which relays it, and a repeat must not kill us mid-cleanup.
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  // A bug of ours must not leave the children running either.
  process.on('uncaughtException', (err) => { log.error({ err }, 'uncaught exception'); void stopAll(1); });
  process.on('unhandledRejection', (err) => { log.error({ err }, 'unhandled rejection'); void stopAll(1); });
  try {
    stack = await startStack(config, log, {}, () => void stopAll(1));
    console.log(`\nOOF is running\n  gateway      ${stack.gatewayUrl}\n  temporal ui  ${stack.temporalUiUrl ?? `(external Temporal at ${stack.temporalAddress})`}\n  try          curl -XPOST ${stack.gatewayUrl}/v1/analyze -H 'content-type: application/json' -d '{"wallets":["<address>"]}'\n  offline demo npm run demo\nCtrl-C stops everything.\n`);
  } catch (err) {
    log.error({ err: (err as Error).message }, 'start-up failed');
    await stopAll(1);
  }
}

void main();
