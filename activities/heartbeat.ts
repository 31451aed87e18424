import { Context } from '@temporalio/activity';

/**
 * Heartbeats when called inside an activity; the same functions also run outside one (the CLI, benchmarks, unit
 * tests of the function itself), where there is nothing to report to.
 */
export function heartbeatIfActivity(details?: unknown): void {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return;
  }
  ctx.heartbeat(details);
}
