import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { CliError } from './errors';

/** FILE, or standard input for `-` or none, parsed as JSON; a failure says which and why. */
export async function readJsonInput(file: string | undefined, stdin: Readable): Promise<unknown> {
  let text: string;
  if (file && file !== '-') {
    text = await readFile(file, 'utf8').catch((e) => { throw new CliError(`cannot read ${file}: ${e.code ?? e.message}`); });
  } else {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(Buffer.from(c));
    text = Buffer.concat(chunks).toString('utf8');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file && file !== '-' ? file : 'standard input'} is not valid JSON: ${(e as Error).message}`);
  }
}
