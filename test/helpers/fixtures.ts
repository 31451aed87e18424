import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository's own copy of the real data (provenance in fixtures/README.md): a clone needs nothing beside it. */
export const FIXTURES = path.resolve(__dirname, '../../fixtures');

export function readJson(rel: string): any {
  return JSON.parse(readFileSync(path.join(FIXTURES, rel), 'utf8'));
}

/** Every transaction fixture as [relative path, parsed JSON], in a stable order. */
export function transactionFixtures(): Array<[string, any]> {
  const out: Array<[string, any]> = [];
  for (const dir of ['metamask', 'txparser', 'anchores']) {
    for (const f of readdirSync(path.join(FIXTURES, 'transactions', dir)).sort()) {
      if (f === 'expected.json') continue;
      out.push([`transactions/${dir}/${f}`, readJson(`transactions/${dir}/${f}`)]);
    }
  }
  return out;
}

/** The transaction result inside any of the fixture containers (bare, [result], {jsonrpc, result}). */
export function unwrap(j: any): any {
  if (Array.isArray(j)) j = j[0];
  if (j && typeof j === 'object' && 'result' in j) j = j.result;
  return j;
}
