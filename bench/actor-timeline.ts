import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { percentile } from './machine';

const T = temporal.api.enums.v1.EventType;

export interface StageTimes { count: number; waitP50: number; waitP95: number; runP50: number; runP95: number; runTotal: number }

function ms(t: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
}

/**
 * Where a live batch spends its time, read from the actors' own histories: for each activity type, how long it waited
 * in the queue (scheduled → started) and ran (started → completed), and how long the first signal of a batch waited
 * for the actor to schedule that batch's work (the actor busy with the previous batch).
 */
export async function actorTimeline(client: Client, workflowIds: string[]): Promise<{ stages: Record<string, StageTimes>; signalledAt: Map<string, number>; ingestedAt: Map<string, number> }> {
  const signalledAt = new Map<string, number>();
  const ingestedAt = new Map<string, number>();
  const waits = new Map<string, number[]>();
  const runs = new Map<string, number[]>();
  const signalWait: number[] = [];
  const push = (m: Map<string, number[]>, k: string, v: number) => { const a = m.get(k) ?? []; a.push(v); m.set(k, a); };
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory().catch(() => undefined);
    if (!history?.events) continue;
    const scheduled = new Map<number, { type: string; at: number }>();
    const started = new Map<number, number>();
    let oldestUnservedSignal: number | undefined;
    const batchOf = new Map<number, string[]>();
    for (const e of history.events) {
      const at = ms(e.eventTime);
      const eventId = Number(e.eventId);
      if (e.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
        oldestUnservedSignal ??= at;
        const data = e.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0]?.data;
        if (data) for (const sig of (JSON.parse(Buffer.from(data).toString()) as { signatures?: string[] }).signatures ?? []) if (!signalledAt.has(sig)) signalledAt.set(sig, at);
      } else if (e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        const type = e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
        scheduled.set(eventId, { type, at });
        const input = e.activityTaskScheduledEventAttributes?.input?.payloads?.[1]?.data;
        if (type === 'ingestAndDetect' && input) batchOf.set(eventId, JSON.parse(Buffer.from(input).toString()) as string[]);
        if (type === 'ingestAndDetect' && oldestUnservedSignal !== undefined) {
          signalWait.push(at - oldestUnservedSignal);
          oldestUnservedSignal = undefined;
        }
      } else if (e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        started.set(Number(e.activityTaskStartedEventAttributes?.scheduledEventId), at);
      } else if (e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
        const sid = Number(e.activityTaskCompletedEventAttributes?.scheduledEventId);
        const s = scheduled.get(sid);
        const st = started.get(sid);
        if (!s || st === undefined) continue;
        push(waits, s.type, st - s.at);
        push(runs, s.type, at - st);
        // The batch's own account of its steps (ingest, quotes, detection), from its result.
        const result = s.type === 'ingestAndDetect' ? e.activityTaskCompletedEventAttributes?.result?.payloads?.[0]?.data : undefined;
        const timings = result ? (JSON.parse(Buffer.from(result).toString()) as { timings?: Record<string, number> }).timings : undefined;
        for (const [step, v] of Object.entries(timings ?? {})) if (step.endsWith('Ms')) push(runs, `ingestAndDetect.${step.replace(/Ms$/, '')}`, v);
        // Outside the batch's own code: started event → its first line, its last line → the completed event.
        if (timings?.beganAt) push(runs, 'ingestAndDetect.before', timings.beganAt - st);
        if (timings?.endedAt) push(runs, 'ingestAndDetect.after', at - timings.endedAt);
        for (const sig of batchOf.get(sid) ?? []) if (!ingestedAt.has(sig)) ingestedAt.set(sig, at);
      }
    }
  }
  const out: Record<string, StageTimes> = {};
  const stats = (wait: number[], run: number[]): StageTimes => {
    wait.sort((a, b) => a - b);
    run.sort((a, b) => a - b);
    return {
      count: run.length || wait.length, waitP50: percentile(wait, 50), waitP95: percentile(wait, 95),
      runP50: percentile(run, 50), runP95: percentile(run, 95), runTotal: run.reduce((a, b) => a + b, 0),
    };
  };
  for (const [type, run] of runs) out[type] = stats(waits.get(type) ?? [], run);
  out['signal → batch scheduled'] = stats(signalWait, []);
  return { stages: out, signalledAt, ingestedAt };
}

/** One line per stage, for the benchmark's notes. */
export function formatTimeline(t: Record<string, StageTimes>): string {
  return Object.entries(t).map(([k, s]) => (k.startsWith('signal')
    ? `${k}: n=${s.count} p50 ${s.waitP50} ms p95 ${s.waitP95} ms`
    : `${k}: n=${s.count} queue p50/p95 ${s.waitP50}/${s.waitP95} ms, run p50/p95 ${s.runP50}/${s.runP95} ms, total ${s.runTotal} ms`)).join('; ');
}
