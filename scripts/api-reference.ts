/** `npm run docs:api`: rewrites docs/api.md from the OpenAPI document the gateway serves. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderApiReference } from '../gateway/api-reference';
import { openApiDocument } from '../gateway/openapi';
import { loadConfig } from '../lib/config';

const target = path.resolve(__dirname, '../docs/api.md');
writeFileSync(target, renderApiReference(openApiDocument(loadConfig({ ENVIRONMENT: 'development' }).MAX_WALLETS_PER_ANALYSIS)));
console.log(`wrote ${path.relative(process.cwd(), target)}`);
