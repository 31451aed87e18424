// The production shape's application processes, shared by `npm run stack` (lib/production-stack.ts) and checked
// against temporal-compose.yml by test/unit/compose.test.ts, so the two cannot drift apart.

export interface AppProcess {
  name: string;
  entry: string;
  args?: string[];
  env?: Record<string, string>;
  /** The variable it listens on and the port the stack (and compose) publish it on. */
  listen?: { env: 'PORT' | 'INDEXER_PORT'; port: number };
  role: 'worker' | 'gateway' | 'indexer';
}

export const APP_PROCESSES: AppProcess[] = [
  { name: 'worker-1', entry: 'workers/main.ts', env: { WORKER_IDENTITY: 'worker-1' }, role: 'worker' },
  { name: 'worker-2', entry: 'workers/main.ts', env: { WORKER_IDENTITY: 'worker-2' }, role: 'worker' },
  { name: 'gateway-1', entry: 'gateway/main.ts', listen: { env: 'PORT', port: 8080 }, role: 'gateway' },
  { name: 'gateway-2', entry: 'gateway/main.ts', listen: { env: 'PORT', port: 8082 }, role: 'gateway' },
  { name: 'indexer', entry: 'gateway/main.ts', args: ['indexer'], listen: { env: 'INDEXER_PORT', port: 8081 }, role: 'indexer' },
];

/** What every application process of the production shape runs with, beyond the operator's secrets. */
export const PRODUCTION_ENV = { ENVIRONMENT: 'production', AUTH_ALLOW_ANONYMOUS: 'false' } as const;
