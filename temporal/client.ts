import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { analyzeWallets } from '../workflows/analyze-wallets';
import { walletReport, type WalletReportInput } from '../workflows/wallet-report';
import { alertDigest, deliverAlert, type AlertDigestInput, type DeliverAlertInput } from '../workflows/deliver-alert';
import { postTradeWatch, priceCrossedSignal, type PostTradeWatchInput, type PriceCrossed } from '../workflows/post-trade-watch';
import { actorStateQuery, transactionsSignal, walletActor, type WalletActorInput } from '../workflows/wallet-actor';
import { alertDeliveryWorkflowId, alertDigestWorkflowId, ANALYSIS_ID, walletReportWorkflowId, analysisWorkflowId, WALLET, walletActorWorkflowId, watchWorkflowId } from './config';
import type { ActorState, AnalyzeRequest } from './types';

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

  /** Operators and the fault suite → walletActor(wallet/<w>): its run and, while it runs, its state query. */
  async walletActorState(wallet: string): Promise<{ runId: string; status: string; state?: ActorState } | undefined> {
    const h = this.client.workflow.getHandle(walletActorWorkflowId(wallet));
    const d = await h.describe().catch((e: unknown) => {
      if (e instanceof WorkflowNotFoundError) return undefined;
      throw e;
    });
    if (!d) return undefined;
    const state = d.status.name === 'RUNNING' ? await h.query(actorStateQuery) : undefined;
    return { runId: d.runId, status: d.status.name, state };
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

  /**
   * Alert dispatcher → deliverAlert(alert/<destination>/<moment>/<version>): a version is delivered once, ever, so
   * a re-dispatched outbox event or an update that changed nothing finds the existing workflow and sends nothing.
   */
  async startAlertDelivery(input: DeliverAlertInput): Promise<'started' | 'exists'> {
    return this.startOnce(() => this.client.workflow.start(deliverAlert, {
      taskQueue: this.taskQueue,
      workflowId: alertDeliveryWorkflowId(input),
      args: [input],
      typedSearchAttributes: [{ key: WALLET, value: input.moment.wallet }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }));
  }

  /** A held alert → alertDigest(alert-digest/<destination>/<window>): one digest per destination and window. */
  async startAlertDigest(input: AlertDigestInput): Promise<'started' | 'exists'> {
    return this.startOnce(() => this.client.workflow.start(alertDigest, {
      taskQueue: this.taskQueue,
      workflowId: alertDigestWorkflowId(input.destinationId, input.windowStartMs),
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }));
  }

  /**
   * Gateway → walletReport(report/<scope>/<stamp>): a large history's report computed on the worker; waits for it.
   * Requests for the same report while it runs join the same run instead of computing it twice.
   */
  async computeReport(input: WalletReportInput, scope: string, stamp: string): Promise<{ scope: string; stamp: string; actions: number }> {
    return this.client.workflow.execute(walletReport, {
      taskQueue: this.taskQueue,
      workflowId: walletReportWorkflowId(scope, createHash('sha256').update(stamp).digest('hex').slice(0, 16)),
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowExecutionTimeout: '5 minutes',
    });
  }

  private async startOnce(start: () => Promise<unknown>): Promise<'started' | 'exists'> {
    try {
      await start();
      return 'started';
    } catch (e) {
      if (e instanceof WorkflowExecutionAlreadyStartedError) return 'exists';
      throw e;
    }
  }

  /** The status name of a workflow (RUNNING, COMPLETED, …); for waiting on work that is not our child. */
  async status(workflowId: string): Promise<string> {
    const { status } = await this.client.workflow.getHandle(workflowId).describe();
    return status.name;
  }
}
