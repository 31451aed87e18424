import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { analyzeWallets } from '../workflows/analyze-wallets';
import { postTradeWatch, priceCrossedSignal, type PostTradeWatchInput, type PriceCrossed } from '../workflows/post-trade-watch';
import { transactionsSignal, walletActor, type WalletActorInput } from '../workflows/wallet-actor';
import { ANALYSIS_ID, analysisWorkflowId, WALLET, walletActorWorkflowId, watchWorkflowId } from './config';
import type { AnalyzeRequest } from './types';

/**
 * The one way the gateway, the webhook dispatcher, activities and scripts reach workflows: typed by the workflow
 * functions and signal definitions themselves, with the ids, queues and search attributes of temporal/config.ts.
 */
export class OofWorkflows {
  constructor(readonly client: Client, readonly taskQueue: string) {}

  /** POST /v1/analyze → analyzeWallets(analysis/<id>). */
  async startAnalysis(req: AnalyzeRequest, meta: { requestId?: string; requestedBy?: string } = {}): Promise<void> {
    await this.client.workflow.start(analyzeWallets, {
      taskQueue: this.taskQueue,
      workflowId: analysisWorkflowId(req.analysisId),
      args: [req],
      typedSearchAttributes: [{ key: ANALYSIS_ID, value: req.analysisId }],
      memo: { requestId: meta.requestId, requestedBy: meta.requestedBy },
    });
  }

  /** Webhook dispatcher → walletActor(wallet/<w>): started when it is not running, then signalled. */
  async signalWalletActor(wallet: string, signatures: string[], input: Omit<WalletActorInput, 'wallet'> = {}): Promise<void> {
    await this.client.workflow.signalWithStart(walletActor, {
      workflowId: walletActorWorkflowId(wallet),
      taskQueue: this.taskQueue,
      args: [{ wallet, ...input }],
      signal: transactionsSignal,
      signalArgs: [{ signatures }],
      typedSearchAttributes: [{ key: WALLET, value: wallet }],
    });
  }

  /** Detection → postTradeWatch(watch/…); a trade is watched once, ever, so an existing watch is left alone. */
  async startWatch(input: PostTradeWatchInput): Promise<'started' | 'exists'> {
    try {
      await this.client.workflow.start(postTradeWatch, {
        taskQueue: this.taskQueue,
        workflowId: watchWorkflowId(input),
        args: [input],
        typedSearchAttributes: [{ key: WALLET, value: input.wallet }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      return 'started';
    } catch (e) {
      if (e instanceof WorkflowExecutionAlreadyStartedError) return 'exists';
      throw e;
    }
  }

  /**
   * Price refresh → postTradeWatch: its alarm's trigger was crossed. 'gone' when the watch no longer runs (its alarm
   * is then stale). The watch ignores a step it is not armed at, so a repeated signal judges nothing twice.
   */
  async signalPriceCrossed(watchId: string, crossed: PriceCrossed): Promise<'signalled' | 'gone'> {
    try {
      await this.client.workflow.getHandle(watchId).signal(priceCrossedSignal, crossed);
      return 'signalled';
    } catch (e) {
      if (e instanceof WorkflowNotFoundError) return 'gone';
      throw e;
    }
  }

  /** The status name of a workflow (RUNNING, COMPLETED, …); for waiting on work that is not our child. */
  async status(workflowId: string): Promise<string> {
    const { status } = await this.client.workflow.getHandle(workflowId).describe();
    return status.name;
  }
}
