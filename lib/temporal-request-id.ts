import type { WorkflowClientInterceptor } from '@temporalio/client';
import { withRequestIdHeader, withRequestIdMemo } from '../temporal/request-id-header';
import { currentRequestId } from './request-context';

/** Puts the request id of the work in progress (gateway request or activity) on every workflow it starts or signals. */
export const requestIdClientInterceptor: WorkflowClientInterceptor = {
  start: (input, next) => next(withRequestIdMemo(withRequestIdHeader(input, currentRequestId()), currentRequestId())),
  signal: (input, next) => next(withRequestIdHeader(input, currentRequestId())),
  signalWithStart: (input, next) => next(withRequestIdMemo(withRequestIdHeader(input, currentRequestId()), currentRequestId())),
};
