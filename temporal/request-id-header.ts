import { defaultPayloadConverter, type Headers } from '@temporalio/common';

/** The Temporal header that carries the gateway's X-Request-Id from client to workflow, child, and activity. */
export const REQUEST_ID_HEADER = 'oof-request-id';

export function requestIdFromHeaders(headers: Headers): string | undefined {
  const payload = headers[REQUEST_ID_HEADER];
  if (!payload) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return typeof value === 'string' ? value : undefined;
}

/** The input with the request id header added, unless it has one already or there is no id to add. */
export function withRequestIdHeader<T extends { headers: Headers }>(input: T, requestId: string | undefined): T {
  if (!requestId || input.headers[REQUEST_ID_HEADER]) return input;
  return { ...input, headers: { ...input.headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) } };
}

/**
 * The input with requestId in the started workflow's memo, so that workflow knows it from its first log line (headers
 * reach a workflow's interceptors only after the SDK has logged its start). `inherited` is the memo to keep.
 */
export function withRequestIdMemo<T extends { options: { memo?: Record<string, unknown> } }>(input: T, requestId: string | undefined, inherited?: Record<string, unknown>): T {
  const memo = { ...inherited, ...input.options.memo };
  if (!requestId || typeof memo.requestId === 'string') return inherited ? { ...input, options: { ...input.options, memo } } : input;
  return { ...input, options: { ...input.options, memo: { ...memo, requestId } } };
}
