import type { Readable, Writable } from 'node:stream';
import { computeReport } from '../domain/report/compute';
import { reportInputSchema, ReportInputError, toReportInput } from '../domain/report/input';
import { CliError } from './errors';
import { readJsonInput } from './read-input';

/** `oof report [FILE|-]`: the FIFO PnL report (issue #14) of `{ wallets, transactions, prices, now? }`. */
export async function reportCommand(opts: { file?: string }, io: { stdin: Readable; stdout: Writable }): Promise<number> {
  const json = await readJsonInput(opts.file, io.stdin);
  const parsed = reportInputSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(`invalid report input: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  let input;
  try {
    input = toReportInput(parsed.data, Date.now());
  } catch (e) {
    if (e instanceof ReportInputError) throw new CliError(`invalid report input: ${e.message}`);
    throw e;
  }
  io.stdout.write(`${JSON.stringify(computeReport(input).report, null, 2)}\n`);
  return 0;
}
