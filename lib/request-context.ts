import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request id of the work in progress, wherever it runs: a gateway request, or an activity started on its behalf.
 * The logger reads it, so every line written while serving that request carries it without being passed by hand.
 */
const store = new AsyncLocalStorage<{ requestId: string }>();

export function currentRequestId(): string | undefined {
  return store.getStore()?.requestId;
}

export function withRequestId<T>(requestId: string | undefined, fn: () => T): T {
  return requestId ? store.run({ requestId }, fn) : fn();
}
