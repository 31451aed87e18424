import { z } from 'zod';
import { analyzeBodySchema } from './routes/analyses';
import { listMomentsQuery } from './routes/moments';

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
        Moment: {
          type: 'object', required: ['id', 'kind', 'wallet', 'mint', 'at', 'pct', 'missedUsd', 'severity', 'status', 'explain'],
          properties: {
            id: { type: 'string' }, kind: { enum: ['S2E', 'BHD', 'BadRoute', 'IdleYield'] }, wallet: { type: 'string' }, mint: { type: 'string' },
            signature: { type: ['string', 'null'] }, at: { type: 'string', format: 'date-time' }, pct: { type: 'string' }, missedUsd: { type: 'string' },
            severity: { type: 'string' }, status: { enum: ['provisional', 'final'] }, explain: { type: 'object' }, cardUrl: { type: 'string', description: 'this version of the card: /v1/cards/moment/<id>-<version>.png (immutable; a changed moment has a new one)' },
          },
        },
      },
    },
    paths: {
      '/v1/analyze': { post: { summary: 'Start an analysis of up to 25 wallets', security: secured, parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }], requestBody: { required: true, ...json(toSchema(analyzeBodySchema(maxWallets))) }, responses: { 202: { description: 'accepted (Location: the analysis)', ...json({ $ref: '#/components/schemas/AnalysisAccepted' }) }, 415: problemResponse('not JSON'), 422: problemResponse('Idempotency-Key reused with another body'), ...errors } } },
      '/v1/analyses/{id}': { get: { summary: 'Status and progress of an analysis', security: secured, parameters: [pathParam('id', 'analysis id (ULID)')], responses: { 200: { description: 'the analysis', ...json({ $ref: '#/components/schemas/Analysis' }) }, 404: problemResponse('unknown analysis'), ...errors } } },
      '/v1/analyses/{id}/stream': { get: { summary: 'Live progress and moments of an analysis', security: secured, parameters: [pathParam('id', 'analysis id (ULID)')], responses: { ...sse('progress, moment, done, error'), 404: problemResponse('unknown analysis'), ...errors } } },
      '/v1/moments': { get: { summary: 'Moments, newest first, with cursor pagination', security: secured, parameters: queryParams(listMomentsQuery), responses: { 200: { description: 'a page', ...json({ type: 'object', properties: { moments: { type: 'array', items: moment }, nextCursor: { type: ['string', 'null'] } } }) }, 403: problemResponse('not your wallet'), ...errors } } },
      '/v1/moments/{id}': { get: { summary: 'One moment', security: secured, parameters: [pathParam('id', 'moment id (ULID)')], responses: { 200: { description: 'the moment', ...json(moment) }, 404: problemResponse('unknown moment'), ...errors } } },
      '/v1/stream/moments': { get: { summary: 'Live new and updated moments (EventSource may pass the token as access_token)', security: secured, parameters: [{ name: 'wallet', in: 'query', schema: { type: 'string' } }, { name: 'access_token', in: 'query', schema: { type: 'string' } }, { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } }], responses: { ...sse('moment.created, moment.updated, moment.finalized'), ...errors } } },
      '/v1/wallets/{address}/summary': { get: { summary: 'Counts by kind, worst moments, missed USD', security: secured, parameters: [pathParam('address', 'Solana address')], responses: { 200: { description: 'the summary', ...json({ $ref: '#/components/schemas/WalletSummary' }) }, 403: problemResponse('not your wallet'), ...errors } } },
      '/v1/cards/moment/{file}': { get: { summary: 'A moment\'s 1200×630 card (public, shareable). <id>-<version>.png (the cardUrl of a moment) is one version, cached as immutable; <id>.png redirects to the newest version (max-age=60, ETag)', parameters: [pathParam('file', '<moment id>-<version>.png or <moment id>.png')], responses: { 200: { description: 'PNG of that version', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } }, 302: { description: 'the newest version (from <id>.png), or that version in the public bucket' }, 304: { description: 'not modified' }, 400: problemResponse('not <ULID>-<version>.png or <ULID>.png'), 404: problemResponse('unknown moment') } } },
      '/webhooks/helius': { post: { summary: 'Helius webhook deliveries (enhanced or raw), authenticated by the configured Authorization value', requestBody: { required: true, ...json({ type: 'array', minItems: 1, items: { type: 'object' } }) }, responses: { 200: { description: 'stored', ...json({ type: 'object', properties: { received: { type: 'integer' }, new: { type: 'integer' } } }) }, 400: problemResponse('malformed'), 401: problemResponse('bad Authorization'), 413: problemResponse('too large'), 415: problemResponse('not JSON'), 503: problemResponse('not enabled') } } },
      '/health': { get: { summary: 'Liveness', responses: { 200: { description: 'alive' } } } },
      '/health/ready': { get: { summary: 'Readiness: Postgres and Temporal', responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } } } },
      '/health/detailed': { get: { summary: 'Every dependency with latency', responses: { 200: { description: 'ok or degraded' }, 503: { description: 'unavailable' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text exposition format' } } } },
      '/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } } },
    },
  };
}
