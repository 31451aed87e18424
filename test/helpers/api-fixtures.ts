import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The API samples copied (byte for byte, same names) from shared/fixtures/apis into the repository's fixtures/apis. */
export const API_FIXTURES = path.resolve(__dirname, '../../fixtures/apis');

export function apiFixture(name: string): any {
  return JSON.parse(readFileSync(path.join(API_FIXTURES, name), 'utf8'));
}
