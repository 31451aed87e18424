import { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { currentRequestId, withRequestId } from '../lib/request-context';
import { requestIdFromHeaders } from '../temporal/request-id-header';

/** Workflow-side interceptors, bundled with the workflows (a prebuilt bundle must be built with the same list). */
export const workflowInterceptorModules = [require.resolve('../workflows/interceptors')];

/**
 * The SDK logs 'Activity started' before any interceptor has seen the headers, so that line could never carry the
 * request id; the runtime logger drops it and the interceptor below logs it again from inside the request.
 */
export function isEarlyActivityStartLine(message: string, meta: Record<string, unknown> | undefined): boolean {
  return message === 'Activity started' && meta?.sdkComponent === 'worker';
}

/** Activities that checkpoint through their heartbeat details heartbeat themselves (every few seconds). */
const SELF_HEARTBEATING = new Set(['watchTrade', 'awaitWorkflowClosed']);

/**
 * Keeps every other activity that has a heartbeat timeout heartbeating while it runs, whatever it is waiting on (a
 * slow RPC page, a price provider, a big wallet), so heartbeat timeouts can be short: a worker that dies is noticed,
 * and its activities retried elsewhere, within that timeout (seconds) instead of the activity's whole start-to-close.
 */
export const keepAliveActivityInterceptors: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    execute: async (input, next) => {
      const timeout = ctx.info.heartbeatTimeoutMs;
      if (!timeout || SELF_HEARTBEATING.has(ctx.info.activityType)) return next(input);
      const beat = setInterval(() => ctx.heartbeat(), Math.max(250, Math.min(5_000, timeout / 4)));
      try {
        return await next(input);
      } finally {
        clearInterval(beat);
      }
    },
  },
});

/**
 * Runs each activity inside the request id its workflow sent along, so the SDK's activity log lines, our own pino
 * lines and the workflows the activity starts all carry it.
 */
export const requestIdActivityInterceptors: ActivityInterceptorsFactory = () => {
  let requestId: string | undefined;
  return {
    inbound: {
      execute: (input, next) => {
        requestId = requestIdFromHeaders(input.headers);
        return withRequestId(requestId, () => {
          Context.current().log.debug('Activity started');
          return next(input);
        });
      },
    },
    outbound: {
      // Also consulted after execute returns ('Activity completed', 'Activity failed'), outside the async context.
      getLogAttributes: (input, next) => {
        const id = requestId ?? currentRequestId();
        return next(id ? { ...input, requestId: id } : input);
      },
    },
  };
};
