import type { Logger } from './logger';

/**
 * Runs cleanup once on SIGINT/SIGTERM, then exits; a second signal exits at once so an operator is never stuck.
 */
export function onShutdown(log: Logger, cleanup: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    cleanup(signal).then(
      () => {
        log.info('shutdown complete');
        process.exit(0);
      },
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
