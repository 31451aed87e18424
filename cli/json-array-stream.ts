import type { Readable } from 'node:stream';
import { JsonArrayScanner } from '../lib/json-array-scanner';

/**
 * Yields the items of a top-level JSON array as they arrive, each parsed on its own, so a multi-gigabyte input
 * never has to fit in memory. A top-level object is yielded once.
 */
export async function* jsonArrayItems(input: Readable): AsyncGenerator<unknown> {
  const scanner = new JsonArrayScanner();
  for await (const chunk of input) {
    for (const text of scanner.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))) yield JSON.parse(text);
  }
  for (const text of scanner.end()) yield JSON.parse(text);
}
