import { allHandlersFinished, condition, continueAsNew, defineQuery, defineSignal, log, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ActorIngestResult, NewSwap } from '../activities/ingestion/actor-activities';
import type { OpenTrade } from '../activities/detection/detect-activities';
import type { ActorState, WatchOptions } from '../temporal/types';

export type { ActorState } from '../temporal/types';
import { DEFAULTS } from '../temporal/config';

export interface TransactionsSignal { signatures: string[] }
export const transactionsSignal = defineSignal<[TransactionsSignal]>('transactions');

export const actorStateQuery = defineQuery<ActorState>('state');

export interface WalletActorInput {
  wallet: string;
  /** Work carried over from the previous run (continue-as-new). */
  pending?: string[];
  /** How open windows are watched (defaults: 7 days, hourly polls). */
  watch?: WatchOptions;
  /** Swaps younger than this when they arrive get a live route quote for BadRoute (default 10 min). */
  freshSwapMs?: number;
  /** Signatures not found yet, retried after retryMissingAfterMs, and how often they have been. */
  missing?: Record<string, number>;
  processed?: number;
  swaps?: number;
  /** The actor ends after this long without a signal (default 1 h); the next webhook starts it again. */
  quietPeriodMs?: number;
  batchSize?: number;
  retryMissingAfterMs?: number;
  maxMissingRetries?: number;
  /** Continue as new past this history size (default DEFAULTS.actorHistoryBytes). */
  historyBytes?: number;
  /** How long a batch waits for its new mints' registration before publishing (default DEFAULTS.liveTokenBudgetMs). */
  tokenBudgetMs?: number;
  /** How long a busy actor may hold its trades' watches back while batches are waiting (default DEFAULTS.watchDeferMs). */
  watchDeferMs?: number;
}

function quoteRequest(s: NewSwap) {
  return { signature: s.signature, inMint: s.sent.mint, inAmount: s.sent.amount, outMint: s.received.mint, inDecimals: s.sent.decimals, outDecimals: s.received.decimals };
}

/**
 * One long-lived actor per wallet, fed by the `transactions` signal (signalWithStart from the webhook dispatcher):
 * ingests each signature once, in order of arrival, and hands new swaps on. Continues as new when Temporal suggests
 * it, carrying what is still pending; ends itself after a quiet period.
 */
export async function walletActor(input: WalletActorInput): Promise<ActorState> {
  const { registerWalletTokens, registerTokens } = proxyActivities<Activities>({
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: DEFAULTS.heartbeatTimeoutMs, // a killed worker's registration resumes elsewhere in seconds (#17)
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 3 },
  });
  const { renderMomentCards } = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 3 },
  });
  const { ingestWalletTransactions, takeRouteQuote, startWatches } = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: DEFAULTS.heartbeatTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  const { detectWallet } = proxyActivities<Activities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: DEFAULTS.heartbeatTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  // Incremental most of the time; a full re-run of a long history (no fold yet, a late transaction) may take longer.
  const { ingestAndDetect } = proxyActivities<Activities>({
    startToCloseTimeout: '30 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const queue: string[] = [...(input.pending ?? [])];
  const queued = new Set(queue);
  const missing: Record<string, number> = { ...input.missing };
  const state: ActorState = { pending: queue.length, processed: input.processed ?? 0, swaps: input.swaps ?? 0 };
  setHandler(transactionsSignal, ({ signatures }) => {
    for (const s of signatures) {
      if (typeof s === 'string' && !queued.has(s)) {
        queued.add(s);
        queue.push(s);
      }
    }
    state.pending = queue.length;
  });
  setHandler(actorStateQuery, () => state);
  const quiet = input.quietPeriodMs ?? DEFAULTS.actorQuietPeriodMs;
  // A batch's side work — its watches (held back while batches wait, below), a token registration that did not fit
  // the batch's budget and, when that found new tokens, its cards — runs beside the next batch: the moments are
  // published already, and nothing in them feeds the next batch's detection. At most a few batches' worth runs at
  // once; all of it is done before the actor continues as new or ends, and a watch that cannot be started still
  // fails the actor.
  const side = new Set<Promise<void>>();
  let sideFailure: unknown;
  const beside = (work: () => Promise<unknown>) => {
    const p: Promise<void> = work().then(() => undefined, (e) => { sideFailure ??= e; }).finally(() => { side.delete(p); });
    side.add(p);
  };
  const settleSide = async (atMost: number) => {
    while (side.size > atMost) await Promise.race(side);
    if (sideFailure) throw sideFailure;
  };
  const batchSize = input.batchSize ?? 100;
  const registered = new Set<string>();
  // A busy wallet's watches start when its actor has caught up (its queue empty), or once they have waited
  // watchDeferMs: starting a batch's watches beside the next batch put dozens of workflow starts on the same
  // Temporal server and worker as the batches a live moment waits for (issue 20: POST → SSE p95 2.6 s with them, 1.7 s
  // without). A watch's window runs from its trade whenever it starts, and its last judgement reads every stored point.
  const plan = { windowMs: input.watch?.windowMs ?? DEFAULTS.watchWindowMs, ...(input.watch?.alarms !== undefined ? { alarms: input.watch.alarms } : {}) };
  const deferMs = input.watchDeferMs ?? DEFAULTS.watchDeferMs;
  let deferred: OpenTrade[] = [];
  let deferredSince = 0;
  const startDeferred = () => {
    if (!deferred.length) return;
    const trades = deferred;
    deferred = [];
    beside(() => startWatches(trades, plan));
  };

  for (;;) {
    if (queue.length === 0) startDeferred();
    const hasMissing = Object.keys(missing).length > 0;
    const gotWork = await condition(() => queue.length > 0, hasMissing ? Math.min(quiet, input.retryMissingAfterMs ?? 30_000) : quiet);
    if (!gotWork && hasMissing) {
      for (const s of Object.keys(missing)) if (!queued.has(s)) { queued.add(s); queue.push(s); }
    } else if (!gotWork) {
      break;
    }
    const batch = queue.splice(0, batchSize);
    const freshMs = input.freshSwapMs ?? DEFAULTS.freshSwapMs;
    let result: ActorIngestResult;
    let sideDone = false;
    if (patched('side-work-beside-next-batch')) {
      // A batch's new mints are registered before its moments go out (within a budget, beside the quotes), so their
      // first readers draw the cards with names and logos; before this, a first batch's cards were drawn twice.
      const tokensFirst = patched('tokens-before-publish');
      const done = await ingestAndDetect(input.wallet, batch, freshMs, tokensFirst ? { cardsLater: true, tokenBudgetMs: input.tokenBudgetMs ?? DEFAULTS.liveTokenBudgetMs } : { cardsLater: true });
      result = done;
      for (const m of done.tokens?.registered ?? []) registered.add(m);
      const late = new Set(done.tokens?.late ?? []);
      const openTrades = done.detection?.openTrades ?? [];
      if (openTrades.length && patched('watches-off-the-live-path')) {
        if (!deferred.length) deferredSince = Date.now();
        deferred.push(...openTrades);
        if (Date.now() - deferredSince >= deferMs) startDeferred();
      } else if (openTrades.length) {
        beside(() => startWatches(openTrades, plan));
      }
      const changed = done.detection?.changedIds ?? [];
      // Each mint once per run of the actor (a wallet trading the same pair all day asked about it on every batch: an
      // activity per batch for nothing); one whose registration failed is asked again with the next batch naming it.
      const mints = patched('register-each-mint-once') ? (done.mints ?? []).filter((m) => !registered.has(m)) : done.mints ?? [];
      for (const m of mints) registered.add(m);
      beside(async () => {
        // The batch's mints this run has not registered (a mint the registry knows is one indexed lookup). The cards
        // are drawn again when this found tokens the registry lacked, or when it finished a registration that outran
        // the batch's budget (that one may have ended inside the batch's activity, after the moments went out, and
        // then this call fetches nothing though first readers may have drawn short mints).
        let redraw = false;
        if (mints.length) {
          const reg = await registerTokens(mints).catch((err) => {
            for (const m of mints) registered.delete(m);
            log.warn('token registry unavailable; moments keep short mints', { wallet: input.wallet, error: String(err) });
            return undefined;
          });
          redraw = reg !== undefined && (reg.fetched > 0 || mints.some((m) => late.has(m)));
        }
        if (!changed.length) return;
        // A live moment's card is drawn when it is first asked for (the gateway stores it): drawn here as well, it
        // raced the stream's readers for the same pixels and doubled the batch's CPU. Only when this batch brought
        // tokens the registry did not have are its cards drawn again, over any its first readers got with short mints.
        if (!patched('cards-on-first-request')) await renderMomentCards(changed).catch((err) => log.warn('cards left to render on demand', { wallet: input.wallet, error: String(err) }));
        else if (redraw) await renderMomentCards(changed, { redraw: true }).catch((err) => log.warn('cards keep short mints until they change', { wallet: input.wallet, error: String(err) }));
      });
      sideDone = true;
      await settleSide(4);
    } else if (patched('batch-costs-what-is-new')) {
      // A batch costs what is new in it: linked, its fresh swaps quoted side by side and its transactions judged
      // against the wallet's stored fold in one activity; watches for its own open trades only.
      const done = await ingestAndDetect(input.wallet, batch, freshMs);
      result = done;
      if (done.detection?.openTrades.length) await startWatches(done.detection.openTrades, plan);
    } else {
      // Histories recorded before the patch replay the old sequence: one quote after another, the whole history.
      result = await ingestWalletTransactions(input.wallet, batch);
      if (result.swaps.length) {
        const fresh = result.swaps.filter((s) => s.blockTime && Date.now() - Date.parse(s.blockTime) <= freshMs);
        for (const s of fresh) await takeRouteQuote(quoteRequest(s));
        const found = await detectWallet(input.wallet);
        await startWatches(found.openTrades, plan);
      }
    }
    for (const s of batch) queued.delete(s);
    for (const s of batch) if (!result.missing.includes(s)) delete missing[s];
    for (const s of result.missing) {
      missing[s] = (missing[s] ?? 0) + 1;
      if (missing[s]! > (input.maxMissingRetries ?? 10)) delete missing[s];
    }
    // Mints that arrived with these transactions join the token registry (cards and moments name them from there).
    if (!sideDone && result.stored > 0 && patched('token-registry')) {
      try {
        await registerWalletTokens(input.wallet);
      } catch (err) {
        log.warn('token registry unavailable; moments keep short mints', { wallet: input.wallet, error: String(err) });
      }
    }
    state.processed += result.stored;
    state.swaps += result.swaps.length;
    state.pending = queue.length;
    state.lastActivityAt = new Date().toISOString();
    const info = workflowInfo();
    if (info.continueAsNewSuggested || (patched('actor-bounded-history') && info.historySize > (input.historyBytes ?? DEFAULTS.actorHistoryBytes))) {
      startDeferred();
      await settleSide(0);
      await condition(allHandlersFinished);
      return continueAsNew<typeof walletActor>({ ...input, pending: queue, missing, processed: state.processed, swaps: state.swaps });
    }
  }
  // Signals that raced with the end are not dropped: drain them before closing.
  startDeferred();
  await settleSide(0);
  await condition(allHandlersFinished);
  if (queue.length) return continueAsNew<typeof walletActor>({ ...input, pending: queue, missing, processed: state.processed, swaps: state.swaps });
  return state;
}
