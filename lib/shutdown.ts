import type { Logger } from './logger';

// A process started by a supervisor (lib/processes.ts gives it an IPC channel) must stop once that channel closes:
// its supervisor is gone, however it died, and nothing else would ever stop it. Listened for from the first import,
// so a process still starting up (before onShutdown) goes too.
let whenOrphaned: (() => void) | undefined;
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => (whenOrphaned ? whenOrphaned() : process.exit(1)));
}

/**
 * Runs cleanup once on SIGINT/SIGTERM (or when the supervisor that started this process is gone), then exits; a
 * second signal exits at once so an operator is never stuck.
 */
export function onShutdown(log: Logger, cleanup: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals | 'orphaned') => {
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
  whenOrphaned = () => { if (!stopping) handler('orphaned'); };
}
