import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Registered on the server by lib/temporal-dev-server.ts (dev) and temporal-compose.yml (production-shaped).
export const WALLET = defineSearchAttributeKey('Wallet', SearchAttributeType.KEYWORD);
export const MOMENT_KINDS = defineSearchAttributeKey('MomentKinds', SearchAttributeType.KEYWORD_LIST);
export const ANALYSIS_ID = defineSearchAttributeKey('AnalysisId', SearchAttributeType.KEYWORD);
