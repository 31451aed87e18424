import pino, { type Logger } from 'pino';
import { currentRequestId } from './request-context';

/** JSON logs on stdout; secrets never reach them because the known carriers are redacted at the source. */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  return pino({
    name,
    level,
    base: { service: name, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Lines written while serving a request (or an activity run on its behalf) say which request, without plumbing.
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token', 'secret', '*.password', 'access_token', '*.access_token'],
      censor: '[redacted]',
    },
  }, destination);
}

export type { Logger };
