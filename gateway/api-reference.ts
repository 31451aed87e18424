/**
 * docs/api.md, rendered from the OpenAPI document the gateway serves at /openapi.json, so the reference a reader opens
 * is the contract the server enforces (a test fails when the two drift; `npm run docs:api` rewrites the file).
 */

type Schema = Record<string, any>;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A schema as a short type phrase: `string (date-time)`, `array of string, 1–25 items`, `S2E \| BHD`, [Moment](#moment). */
export function typeOf(s: Schema | undefined): string {
  if (!s) return 'any';
  if (s.$ref) {
    const name = String(s.$ref).split('/').pop()!;
    return `[${name}](#${name.toLowerCase()})`;
  }
  if (s.enum) return s.enum.map((v: unknown) => `\`${String(v)}\``).join(' \\| ');
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  let base = types.join(' or ') || 'object';
  if (types.includes('array')) base = `array of ${typeOf(s.items)}`.replace(/^array of object$/, 'array of objects');
  const notes: string[] = [];
  if (s.format) notes.push(s.format);
  if (s.minItems !== undefined || s.maxItems !== undefined) notes.push(range(s.minItems, s.maxItems, 'items'));
  if (s.minimum !== undefined || s.maximum !== undefined) notes.push(range(s.minimum, s.maximum, ''));
  if (s.maxLength !== undefined) notes.push(`≤ ${s.maxLength} chars`);
  // Date patterns come with a format that says it better; short patterns are worth showing.
  if (s.pattern && !s.format && String(s.pattern).length <= 40) notes.push(`\`${s.pattern}\``);
  if (s.default !== undefined) notes.push(`default ${JSON.stringify(s.default)}`);
  return notes.length ? `${base} (${notes.join(', ')})` : base;
}

function range(min: number | undefined, max: number | undefined, unit: string): string {
  const u = unit ? ` ${unit}` : '';
  if (min !== undefined && max !== undefined) return `${min}–${max}${u}`;
  return min !== undefined ? `≥ ${min}${u}` : `≤ ${max}${u}`;
}

function propertiesTable(s: Schema): string[] {
  const required = new Set<string>(s.required ?? []);
  const rows = Object.entries<Schema>(s.properties ?? {}).map(([name, p]) => `| \`${name}\` | ${cell(typeOf(p))} | ${required.has(name) ? 'yes' : 'no'} |`);
  const extra = s.additionalProperties === false ? ['', 'Other fields are rejected (400).'] : [];
  return ['| field | type | required |', '|---|---|---|', ...rows, ...extra];
}

function operation(doc: Schema, path: string, method: string, op: Schema): string[] {
  const out = [`### ${method.toUpperCase()} ${path}`, '', op.summary ?? '', ''];
  const auth = op.security?.length ? Object.keys(op.security[0]).map((k) => doc.components?.securitySchemes?.[k]?.scheme ?? k).join(', ') : undefined;
  out.push(auth ? `Authentication: \`${auth}\` token (see [Authentication](#authentication)).` : 'Authentication: none (public).', '');
  const params: Schema[] = op.parameters ?? [];
  if (params.length) {
    out.push('| parameter | in | type | required | description |', '|---|---|---|---|---|');
    for (const p of params) out.push(`| \`${p.name}\` | ${p.in} | ${cell(typeOf(p.schema))} | ${p.required ? 'yes' : 'no'} | ${cell(p.description ?? '')} |`);
    out.push('');
  }
  const body = op.requestBody?.content as Record<string, { schema: Schema }> | undefined;
  if (body) {
    for (const [type, { schema }] of Object.entries(body)) {
      out.push(`Request body (\`${type}\`${op.requestBody.required ? ', required' : ''}): ${schema.properties ? '' : typeOf(schema)}`, '');
      if (schema.properties) out.push(...propertiesTable(schema), '');
    }
  }
  out.push('| status | meaning | body |', '|---|---|---|');
  for (const [status, r] of Object.entries<Schema>(op.responses ?? {})) {
    const content = Object.entries<Schema>(r.content ?? {}).map(([type, c]) => `\`${type}\` ${c.schema ? typeOf(c.schema) : ''}`.trim());
    out.push(`| ${status} | ${cell(r.description ?? '')} | ${cell(content.join('; '))} |`);
  }
  out.push('');
  return out;
}

export function renderApiReference(doc: Schema): string {
  const out = [
    `# ${doc.info.title} reference`,
    '',
    '<!-- Generated from /openapi.json by `npm run docs:api`; edit gateway/openapi.ts, not this file. -->',
    '',
    `${doc.info.description} OpenAPI ${doc.openapi}, version ${doc.info.version}. The same document is served at`,
    '`GET /openapi.json`.',
    '',
    '## Conventions',
    '',
    '- Money, token amounts, percentages and severities are decimal **strings** (exact), never JSON numbers.',
    '- Errors are `application/problem+json` ([Problem](#problem)) with a 4xx status; `requestId` repeats the',
    '  `X-Request-Id` response header (send your own to correlate).',
    '- `429` answers carry `Retry-After` and `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`.',
    '- Streams are Server-Sent Events: `id:` is the outbox id, reconnect with `Last-Event-ID` to resume with no gap and',
    '  no duplicate; comments are heartbeats.',
    '',
    '## Authentication',
    '',
  ];
  for (const [name, scheme] of Object.entries<Schema>(doc.components?.securitySchemes ?? {})) out.push(`- \`${name}\` (${scheme.type} ${scheme.scheme}): ${scheme.description ?? ''}`);
  out.push('', '## Routes', '');
  for (const [path, ops] of Object.entries<Schema>(doc.paths)) {
    for (const [method, op] of Object.entries<Schema>(ops)) out.push(...operation(doc, path, method, op));
  }
  out.push('## Schemas', '');
  for (const [name, s] of Object.entries<Schema>(doc.components?.schemas ?? {})) out.push(`### ${name}`, '', ...propertiesTable(s), '');
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
