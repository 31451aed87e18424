import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { ParseError, parseTransactions } from '../domain/parsing/parse';
import { isSolanaAddress } from '../lib/solana-address';
import { jsonArrayItems } from './json-array-stream';
import { CliError } from './errors';

// Below this a file is read whole with one JSON.parse. Above it items are streamed and parsed one by one: each
// dies young, so the collector scavenges a few MB instead of promoting (and re-marking) the whole parsed file, which
// made streaming the faster path from a few MB up (profiled: scavenges 33 ms against 241 ms on 75 MB), with memory
// bounded (150 MB against 830 MB on 303 MB) and no 512 MiB string limit.
const WHOLE_FILE_LIMIT = Number(process.env.OOF_PARSE_WHOLE_FILE_LIMIT ?? 8 * 1024 * 1024);

async function* items(file: string | undefined, stdin: Readable): AsyncGenerator<unknown> {
  if (file && file !== '-') {
    const size = await stat(file).then((s) => s.size, (e) => { throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e.message}`); });
    if (size <= WHOLE_FILE_LIMIT) {
      let json: unknown;
      try {
        // One synchronous read: the promise API reads in chunks through a string decoder, a tenth slower here.
        json = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`);
      }
      if (!Array.isArray(json)) {
        yield json;
        return;
      }
      // Each item is let go once handed out: the heap stops growing with the output, so the collector stops
      // re-marking the whole input over and over.
      for (let i = 0; i < json.length; i++) {
        const item: unknown = json[i];
        json[i] = undefined;
        yield item;
      }
      return;
    }
    yield* guarded(jsonArrayItems(createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })), file);
    return;
  }
  yield* guarded(jsonArrayItems(stdin), 'standard input');
}

async function* guarded(gen: AsyncGenerator<unknown>, what: string): AsyncGenerator<unknown> {
  try {
    yield* gen;
  } catch (e) {
    if (e instanceof SyntaxError) throw new CliError(`${what} is not valid JSON: ${e.message}`);
    throw e;
  }
}

/** `oof parse [--wallet W] [FILE|-]`: a JSON array of normalized transactions (design §5) on stdout. */
export async function parseCommand(opts: { wallet?: string; file?: string }, io: { stdin: Readable; stdout: Writable }): Promise<number> {
  if (opts.wallet !== undefined && !isSolanaAddress(opts.wallet)) throw new CliError(`--wallet ${opts.wallet} is not a Solana address`);
  const out = io.stdout;
  let pending = '[';
  let first = true;
  let index = 0;
  const flush = async (force: boolean) => {
    if (!force && pending.length < 1 << 16) return;
    if (!out.write(pending)) await new Promise((r) => out.once('drain', r));
    pending = '';
  };
  for await (const item of items(opts.file, io.stdin)) {
    let parsed;
    try {
      parsed = parseTransactions(item, opts.wallet);
    } catch (e) {
      if (e instanceof ParseError) throw new CliError(`transaction ${index}${e.message.replace(/^\$(: )?/, (_m, colon) => (colon ? ': ' : ''))}`);
      throw e;
    }
    for (const n of parsed) {
      pending += (first ? '\n' : ',\n') + JSON.stringify(n);
      first = false;
    }
    index++;
    await flush(false);
  }
  pending += first ? ']\n' : '\n]\n';
  await flush(true);
  return 0;
}
