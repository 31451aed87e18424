import { workflowInfo, type WorkflowInterceptors } from '@temporalio/workflow';
import { requestIdFromHeaders, withRequestIdHeader, withRequestIdMemo } from '../temporal/request-id-header';

function memoRequestId(): string | undefined {
  const id = workflowInfo().memo?.requestId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Carries the request id that started (or last signalled) this workflow into its log lines, its activities, its
 * children and its next run after continue-as-new, so an operator can follow one request through every process.
 * A workflow's own id lives in its memo (visible in the UI, and readable before the first line the SDK logs); the
 * factory runs once per execution, so a signal's newer id stays in this closure and never leaks between workflows.
 */
export const interceptors = (): WorkflowInterceptors => {
  let signalled: string | undefined;
  const current = () => signalled ?? memoRequestId();
  return {
    inbound: [
      {
        handleSignal: (input, next) => {
          signalled = requestIdFromHeaders(input.headers) ?? signalled;
          return next(input);
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => next(withRequestIdHeader(input, current())),
        scheduleLocalActivity: (input, next) => next(withRequestIdHeader(input, current())),
        startChildWorkflowExecution: (input, next) => next(withRequestIdMemo(withRequestIdHeader(input, current()), current())),
        continueAsNew: (input, next) => next(withRequestIdMemo(input, current(), workflowInfo().memo)),
        getLogAttributes: (input, next) => {
          const requestId = current();
          return next(requestId ? { ...input, requestId } : input);
        },
      },
    ],
  };
};
