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
