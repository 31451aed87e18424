// Workflow ids are business keys: starting the same work twice finds the running one instead of duplicating it.
export const analysisWorkflowId = (analysisId: string) => `analysis/${analysisId}`;
export const walletAnalysisWorkflowId = (analysisId: string, wallet: string) => `analysis/${analysisId}/${wallet}`;
export const backfillWorkflowId = (wallet: string) => `backfill/${wallet}`;
export const walletActorWorkflowId = (wallet: string) => `wallet/${wallet}`;
export const watchWorkflowId = (signature: string, mint: string) => `watch/${signature}/${mint}`;
