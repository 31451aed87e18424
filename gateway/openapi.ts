import { z } from 'zod';
import { analyzeBodySchema } from './routes/analyses';
import { listMomentsQuery } from './routes/moments';
import { walletPrivacyBody } from './routes/wallets';
import { createDestinationBody } from './routes/alerts';
import { reportQuerySchema, reportsBodySchema, reportsQuerySchema } from './routes/reports';

const problem = { $ref: '#/components/schemas/Problem' };
const moment = { $ref: '#/components/schemas/Moment' };
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problem } } });
const errors = { 400: problemResponse('invalid input'), 401: problemResponse('no or bad credentials'), 429: problemResponse('rate limited') };
const toSchema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', target: 'draft-2020-12' });

function queryParams(schema: z.ZodObject<any>): unknown[] {
  const js = toSchema(schema) as { properties: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties).map(([name, s]) => ({ name, in: 'query', required: js.required?.includes(name) ?? false, schema: s }));
}
const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const includeSpam = { name: 'includeSpam', in: 'query', required: false, description: 'true: list spam tokens\' moments too', schema: { enum: ['true', 'false'] } };
const sse = (events: string) => ({ 200: { description: `Server-Sent Events: ${events}; id = outbox id; resume with Last-Event-ID`, content: { 'text/event-stream': { schema: { type: 'string' } } } } });

/** OpenAPI 3.1 for every route the gateway serves, built from the same zod schemas that validate the requests. */
export function openApiDocument(maxWallets = 25): Record<string, unknown> {
  const secured = [{ bearer: [] }];
  return {
    openapi: '3.1.0',
    info: { title: 'OOF API', version: '1.0.0', description: 'Solana trading disasters ("OOF moments") and their cards.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A Dynamic.xyz access token (RS256 JWT) or a service token service_id.timestamp.signature' } },
      schemas: {
        Problem: { type: 'object', required: ['type', 'title', 'status'], properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' }, requestId: { type: 'string' } } },
        Links: { type: 'object', required: ['self', 'stream'], properties: { self: { type: 'string' }, stream: { type: 'string' } } },
        AnalysisAccepted: {
          type: 'object', required: ['analysisId', 'wallets', 'links'],
          properties: { analysisId: { type: 'string' }, wallets: { type: 'array', items: { type: 'string' } }, links: { $ref: '#/components/schemas/Links' } },
        },
        WalletProgress: {
          type: 'object', required: ['stage', 'transactions', 'moments'],
          properties: { stage: { enum: ['queued', 'backfilling', 'detecting', 'completed', 'failed'] }, transactions: { type: 'integer' }, moments: { type: 'integer' }, error: { type: 'string' } },
        },
        Analysis: {
          type: 'object', required: ['analysisId', 'status', 'wallets', 'progress', 'createdAt', 'finishedAt', 'links'],
          properties: {
            analysisId: { type: 'string' }, status: { enum: ['pending', 'running', 'completed', 'failed', 'cancelled'] }, wallets: { type: 'array', items: { type: 'string' } },
            progress: {
              type: 'object', required: ['totalWallets', 'completedWallets', 'failedWallets', 'wallets'],
              properties: { totalWallets: { type: 'integer' }, completedWallets: { type: 'integer' }, failedWallets: { type: 'integer' }, wallets: { type: 'object', additionalProperties: { $ref: '#/components/schemas/WalletProgress' } } },
            },
            createdAt: { type: 'string', format: 'date-time' }, finishedAt: { type: ['string', 'null'], format: 'date-time' }, links: { $ref: '#/components/schemas/Links' },
          },
        },
        WalletSummary: {
          type: 'object', required: ['wallet', 'transactions', 'moments', 'byKind', 'totalMissedUsd', 'worst'],
          properties: {
            wallet: { type: 'string' }, transactions: { type: 'integer' }, moments: { type: 'integer' },
            byKind: { type: 'object', additionalProperties: { type: 'object', required: ['count', 'missedUsd'], properties: { count: { type: 'integer' }, missedUsd: { type: 'string' } } } },
            totalMissedUsd: { type: 'string' }, worst: { type: 'array', items: { $ref: '#/components/schemas/Moment' } },
          },
        },
        WalletPrivacy: { type: 'object', required: ['wallet', 'private'], properties: { wallet: { type: 'string' }, private: { type: 'boolean' } } },
        AlertDestination: {
          type: 'object', required: ['id', 'kind', 'label', 'target', 'filters', 'status', 'createdAt', 'links'],
          properties: {
            id: { type: 'string' }, kind: { enum: ['webhook', 'discord', 'telegram'] }, label: { type: ['string', 'null'] },
            target: { type: 'string', description: 'a hint (host, chat id); secrets are never returned' },
            filters: {
              type: 'object', required: ['wallets', 'kinds', 'minSeverity', 'statuses'],
              properties: { wallets: { type: 'array', items: { type: 'string' } }, kinds: { type: ['array', 'null'], items: { enum: ['S2E', 'BHD', 'BadRoute', 'IdleYield'] } }, minSeverity: { type: 'string' }, statuses: { type: 'array', items: { enum: ['provisional', 'final'] } } },
            },
            status: {
              type: 'object', required: ['state', 'reason', 'consecutiveFailures', 'lastError', 'lastSuccessAt', 'lastFailureAt'],
              properties: { state: { enum: ['active', 'paused'] }, reason: { type: ['string', 'null'], description: 'why it was paused' }, consecutiveFailures: { type: 'integer' }, lastError: { type: ['string', 'null'] }, lastSuccessAt: { type: ['string', 'null'], format: 'date-time' }, lastFailureAt: { type: ['string', 'null'], format: 'date-time' } },
            },
            createdAt: { type: 'string', format: 'date-time' },
            links: { type: 'object', required: ['self'], properties: { self: { type: 'string' } } },
            signingSecret: { type: 'string', description: 'generic webhooks: the OOF-Signature key, in the creation answer only' },
            deliveriesLastDay: { type: 'object', additionalProperties: { type: 'integer' }, description: 'GET one: deliveries of the last 24 h by outcome (sent, held, digested, failed, skipped)' },
          },
        },
        WalletReport: {
          type: 'object', required: ['now', 'wallets', 'positions', 'totals', 'unpriced', 'from', 'to', 'oof', 'scoreHistory', 'chart', 'tokens', 'spam', 'card'],
          description: 'FIFO cost basis across the wallets (one owner); USD and quantities are exact decimal strings',
          properties: {
            now: { type: 'string', format: 'date-time' }, wallets: { type: 'array', items: { type: 'string' } },
            positions: { type: 'array', items: { type: 'object', required: ['mint', 'held', 'costBasisUsd', 'priceUsd', 'valueUsd', 'realizedPnlUsd', 'unrealizedPnlUsd', 'unknownCostQty', 'token'], properties: { mint: { type: 'string' }, held: { type: 'string' }, costBasisUsd: { type: 'string' }, priceUsd: { type: ['string', 'null'] }, valueUsd: { type: ['string', 'null'] }, realizedPnlUsd: { type: 'string' }, unrealizedPnlUsd: { type: ['string', 'null'] }, unknownCostQty: { type: 'string' }, token: { $ref: '#/components/schemas/TokenView' } } } },
            totals: { type: 'object', required: ['realizedPnlUsd', 'unrealizedPnlUsd', 'feesUsd', 'netPnlUsd', 'volumeUsd', 'sells', 'winningSells', 'winRate'], properties: { realizedPnlUsd: { type: 'string' }, unrealizedPnlUsd: { type: 'string' }, feesUsd: { type: 'string' }, netPnlUsd: { type: 'string' }, volumeUsd: { type: 'string' }, sells: { type: 'integer' }, winningSells: { type: 'integer' }, winRate: { type: ['string', 'null'] } } },
            unpriced: { type: 'array', items: { type: 'object', required: ['signature', 'mint', 'reason'], properties: { signature: { type: 'string' }, mint: { type: 'string' }, reason: { enum: ['swap', 'fee'] } } } },
            from: { type: ['string', 'null'], format: 'date-time' }, to: { type: 'string', format: 'date-time' },
            oof: { type: 'object', required: ['score', 'missedUsd', 'moments', 'worstMoment'], properties: { score: { type: 'integer', minimum: 0, maximum: 100, description: 'docs/detection.md, "The OOF score"' }, missedUsd: { type: 'string' }, moments: { type: 'integer' }, worstMoment: { type: ['object', 'null'] } } },
            scoreHistory: { type: 'array', items: { type: 'object', required: ['day', 'score'], properties: { day: { type: 'string', format: 'date' }, score: { type: 'integer' } } } },
            chart: { type: 'array', description: 'cumulative realized PnL net of fees: [time, USD]', items: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'string' }], minItems: 2, maxItems: 2 } },
            tokens: { type: 'object', additionalProperties: { $ref: '#/components/schemas/TokenView' } },
            spam: { type: 'object', required: ['included', 'mints'], description: 'the tokens judged spam: left out of positions, totals and moments unless includeSpam=true', properties: { included: { type: 'boolean' }, mints: { type: 'array', items: { type: 'string' } } } },
            card: { type: ['object', 'null'], description: 'one wallet: its card (this version) and share page; null with includeSpam=true (the card is the report without spam)', properties: { version: { type: 'string' }, url: { type: 'string' }, latestUrl: { type: 'string' }, shareUrl: { type: 'string' } } },
          },
        },
        Moment: {
          type: 'object', required: ['id', 'kind', 'wallet', 'mint', 'at', 'pct', 'missedUsd', 'severity', 'status', 'explain'],
          properties: {
            id: { type: 'string' }, kind: { enum: ['S2E', 'BHD', 'BadRoute', 'IdleYield'] }, wallet: { type: 'string' }, mint: { type: 'string' },
            signature: { type: ['string', 'null'] }, at: { type: 'string', format: 'date-time' }, pct: { type: 'string' }, missedUsd: { type: 'string' },
            severity: { type: 'string' }, status: { enum: ['provisional', 'final'] }, explain: { type: 'object' }, cardUrl: { type: 'string', description: 'this version of the card: /v1/cards/moment/<id>-<version>.png (immutable; a changed moment has a new one)' },
            token: { $ref: '#/components/schemas/TokenView' }, spam: { type: 'boolean', description: 'spam for this wallet; listed only with includeSpam=true' },
          },
        },
        TokenView: {
          type: 'object', required: ['symbol', 'name', 'logoUrl', 'verified'],
          description: 'A token as traders know it; an unknown mint shows its short form and an identicon',
          properties: { symbol: { type: 'string' }, name: { type: 'string' }, logoUrl: { type: 'string' }, verified: { type: 'boolean' } },
        },
        Token: {
          type: 'object', required: ['mint', 'symbol', 'name', 'logoUrl', 'verified', 'known', 'tags', 'source'],
          properties: {
            mint: { type: 'string' }, symbol: { type: 'string' }, name: { type: 'string' }, logoUrl: { type: 'string' }, verified: { type: 'boolean' },
            known: { type: 'boolean', description: 'false when the registry has not resolved this mint (yet)' },
            decimals: { type: ['integer', 'null'] }, tokenProgram: { enum: ['spl-token', 'token-2022', null] }, tags: { type: 'array', items: { type: 'string' } },
            organicScore: { type: ['string', 'null'] }, hasMarket: { type: ['boolean', 'null'] }, source: { type: 'string' },
            firstSeen: { type: ['string', 'null'], format: 'date-time' }, fetchedAt: { type: ['string', 'null'], format: 'date-time' },
          },
        },
      },
    },
    paths: {
      '/v1/analyze': { post: { summary: 'Start an analysis of up to 25 wallets', security: secured, parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }], requestBody: { required: true, ...json(toSchema(analyzeBodySchema(maxWallets))) }, responses: { 202: { description: 'accepted (Location: the analysis)', ...json({ $ref: '#/components/schemas/AnalysisAccepted' }) }, 415: problemResponse('not JSON'), 422: problemResponse('Idempotency-Key reused with another body'), ...errors } } },
      '/v1/analyses/{id}': { get: { summary: 'Status and progress of an analysis', security: secured, parameters: [pathParam('id', 'analysis id (ULID)')], responses: { 200: { description: 'the analysis', ...json({ $ref: '#/components/schemas/Analysis' }) }, 404: problemResponse('unknown analysis'), ...errors } } },
      '/v1/analyses/{id}/stream': { get: { summary: 'Live progress and moments of an analysis', security: secured, parameters: [pathParam('id', 'analysis id (ULID)'), includeSpam], responses: { ...sse('progress, moment, done, error'), 404: problemResponse('unknown analysis'), ...errors } } },
      '/v1/moments': { get: { summary: 'Moments, newest first, with cursor pagination', security: secured, parameters: queryParams(listMomentsQuery), responses: { 200: { description: 'a page', ...json({ type: 'object', properties: { moments: { type: 'array', items: moment }, nextCursor: { type: ['string', 'null'] } } }) }, 403: problemResponse('not your wallet'), ...errors } } },
      '/v1/moments/{id}': { get: { summary: 'One moment', security: secured, parameters: [pathParam('id', 'moment id (ULID)')], responses: { 200: { description: 'the moment', ...json(moment) }, 404: problemResponse('unknown moment'), ...errors } } },
      '/v1/stream/moments': { get: { summary: 'Live new and updated moments (EventSource may pass the token as access_token)', security: secured, parameters: [{ name: 'wallet', in: 'query', schema: { type: 'string' } }, includeSpam, { name: 'access_token', in: 'query', schema: { type: 'string' } }, { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } }], responses: { ...sse('moment.created, moment.updated, moment.finalized'), ...errors } } },
      '/v1/wallets/{address}/summary': { get: { summary: 'Counts by kind, worst moments, missed USD', security: secured, parameters: [pathParam('address', 'Solana address'), includeSpam], responses: { 200: { description: 'the summary', ...json({ $ref: '#/components/schemas/WalletSummary' }) }, 403: problemResponse('not your wallet'), ...errors } } },
      '/v1/wallets/{address}/privacy': {
        get: { summary: 'Whether the wallet is private (readable by whoever may read the wallet)', security: secured, parameters: [pathParam('address', 'Solana address')], responses: { 200: { description: 'its privacy', ...json({ $ref: '#/components/schemas/WalletPrivacy' }) }, 403: problemResponse('not a wallet you may read'), ...errors } },
        put: { summary: 'Make the wallet private (others\' analyses refused, their access ended) or public again; its verified owners only', security: secured, parameters: [pathParam('address', 'Solana address')], requestBody: { required: true, ...json(toSchema(walletPrivacyBody)) }, responses: { 200: { description: 'the new privacy', ...json({ $ref: '#/components/schemas/WalletPrivacy' }) }, 403: problemResponse('not a verified owner of the wallet'), 415: problemResponse('not JSON'), ...errors } },
      },
      '/v1/wallets/{address}/report': { get: { summary: 'The wallet\'s FIFO PnL report with its OOF score (Accept: text/csv: the positions, or with export=trades every disposal matched to its lots). Cached until the history, the moments or the day of now change', security: secured, parameters: [pathParam('address', 'Solana address'), ...queryParams(reportQuerySchema as any)], responses: { 200: { description: 'the report', content: { 'application/json': { schema: { $ref: '#/components/schemas/WalletReport' } }, 'text/csv': { schema: { type: 'string' } } } }, 403: problemResponse('not a wallet you may read'), 406: problemResponse('neither JSON nor CSV accepted'), ...errors } } },
      '/v1/wallets/{address}/report.csv': { get: { summary: 'The report as CSV: positions, or with export=trades (date, signature, wallet, mint, kind, qty, proceeds_usd, cost_usd, realized_usd, lot_date, lot_signature)', security: secured, parameters: [pathParam('address', 'Solana address'), ...queryParams(reportQuerySchema as any)], responses: { 200: { description: 'CSV with a header row', content: { 'text/csv': { schema: { type: 'string' } } } }, 403: problemResponse('not a wallet you may read'), ...errors } } },
      '/v1/reports': { post: { summary: 'One report over one owner\'s wallets (FIFO across them; transfers between them keep cost basis); without wallets, the caller\'s verified wallets. ?export=trades with Accept: text/csv for the trades export', security: secured, parameters: queryParams(reportsQuerySchema as any), requestBody: { required: true, ...json(toSchema(reportsBodySchema(maxWallets))) }, responses: { 200: { description: 'the report', content: { 'application/json': { schema: { $ref: '#/components/schemas/WalletReport' } }, 'text/csv': { schema: { type: 'string' } } } }, 403: problemResponse('a wallet you may not read'), 415: problemResponse('not JSON'), ...errors } } },
      '/v1/wallets/{address}/score-history': { get: { summary: 'The wallet\'s daily OOF score (as stored when its report was computed)', security: secured, parameters: [pathParam('address', 'Solana address'), { name: 'days', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 366 } }], responses: { 200: { description: 'oldest first', ...json({ type: 'object', required: ['wallet', 'days'], properties: { wallet: { type: 'string' }, days: { type: 'array', items: { type: 'object', required: ['day', 'score'], properties: { day: { type: 'string', format: 'date' }, score: { type: 'integer' } } } } } }) }, 403: problemResponse('not a wallet you may read'), ...errors } } },
      '/v1/cards/wallet/{file}': { get: { summary: 'A wallet\'s 1200×630 report card (public, shareable; none for private wallets): net PnL, missed USD, OOF score, worst moment, cumulative-PnL chart. <address>-<version>.png (the report\'s card.url) is immutable; <address>.png redirects to the newest', parameters: [pathParam('file', '<address>-<version>.png or <address>.png')], responses: { 200: { description: 'PNG of that version', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } }, 302: { description: 'the newest version' }, 400: problemResponse('not <address>-<version>.png or <address>.png'), 404: problemResponse('private wallet') } } },
      '/w/{address}': { get: { summary: 'The wallet card\'s share page (Open Graph, Twitter and Farcaster embeds of the versioned card); public, none for private wallets', parameters: [pathParam('address', 'Solana address')], responses: { 200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } }, 400: problemResponse('not an address'), 404: problemResponse('private wallet') } } },
      '/v1/cards/moment/{file}': { get: { summary: 'A moment\'s 1200×630 card (public, shareable). <id>-<version>.png (the cardUrl of a moment) is one version, cached as immutable (none for private wallets); <id>.png redirects to the newest version (max-age=60, ETag)', parameters: [pathParam('file', '<moment id>-<version>.png or <moment id>.png')], responses: { 200: { description: 'PNG of that version', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } }, 302: { description: 'the newest version (from <id>.png), or that version in the public bucket' }, 304: { description: 'not modified' }, 400: problemResponse('not <ULID>-<version>.png or <ULID>.png'), 404: problemResponse('unknown moment') } } },
      '/v1/alerts/destinations': {
        post: { summary: 'Add an alert destination (generic webhook, Discord webhook or Telegram chat) for your wallets', security: secured, requestBody: { required: true, ...json(toSchema(createDestinationBody)) }, responses: { 201: { description: 'created (Location: the destination); a generated signingSecret is in this answer only', ...json({ $ref: '#/components/schemas/AlertDestination' }) }, 403: problemResponse('not your wallet'), 409: problemResponse('too many destinations'), 415: problemResponse('not JSON'), ...errors } },
        get: { summary: 'Your alert destinations', security: secured, responses: { 200: { description: 'the list', ...json({ type: 'object', properties: { destinations: { type: 'array', items: { $ref: '#/components/schemas/AlertDestination' } } } }) }, ...errors } },
      },
      '/v1/alerts/destinations/{id}': {
        get: { summary: 'One destination with its delivery status (paused and why)', security: secured, parameters: [pathParam('id', 'destination id (ULID)')], responses: { 200: { description: 'the destination', ...json({ $ref: '#/components/schemas/AlertDestination' }) }, 404: problemResponse('unknown (or not yours)'), ...errors } },
        delete: { summary: 'Delete a destination (deliveries stop at once)', security: secured, parameters: [pathParam('id', 'destination id (ULID)')], responses: { 204: { description: 'deleted' }, 404: problemResponse('unknown (or not yours)'), ...errors } },
      },
      '/v1/alerts/destinations/{id}/resume': { post: { summary: 'Resume a paused destination', security: secured, parameters: [pathParam('id', 'destination id (ULID)')], responses: { 200: { description: 'the destination, active again', ...json({ $ref: '#/components/schemas/AlertDestination' }) }, 404: problemResponse('unknown (or not yours)'), ...errors } } },
      '/v1/tokens/{mint}': { get: { summary: 'What the token registry knows of a mint (unknown mints degrade, they are no error)', security: secured, parameters: [pathParam('mint', 'mint address')], responses: { 200: { description: 'the token', ...json({ $ref: '#/components/schemas/Token' }) }, ...errors } } },
      '/v1/tokens/{mint}/logo.png': { get: { summary: 'The token\'s logo, 96×96 PNG, or its identicon (public)', parameters: [pathParam('mint', 'mint address')], responses: { 200: { description: 'PNG', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } }, 400: problemResponse('not a mint address') } } },
      '/webhooks/helius': { post: { summary: 'Helius webhook deliveries (enhanced or raw), authenticated by the configured Authorization value', requestBody: { required: true, ...json({ type: 'array', minItems: 1, items: { type: 'object' } }) }, responses: { 200: { description: 'stored', ...json({ type: 'object', properties: { received: { type: 'integer' }, new: { type: 'integer' } } }) }, 400: problemResponse('malformed'), 401: problemResponse('bad Authorization'), 413: problemResponse('too large'), 415: problemResponse('not JSON'), 503: problemResponse('not enabled') } } },
      '/health': { get: { summary: 'Liveness', responses: { 200: { description: 'alive' } } } },
      '/health/ready': { get: { summary: 'Readiness: Postgres and Temporal', responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } } } },
      '/health/detailed': { get: { summary: 'Every dependency with latency, cached a few seconds (operators: a service token or an admin)', security: secured, responses: { 200: { description: 'ok or degraded' }, 403: problemResponse('not an operator'), 503: { description: 'unavailable' }, ...errors } } },
      '/metrics': { get: { summary: 'Prometheus metrics (operators, or METRICS_TOKEN)', security: secured, responses: { 200: { description: 'text exposition format' }, 403: problemResponse('not an operator'), ...errors } } },
      '/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } } },
    },
  };
}
