import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { detectMoments } from '../domain/detection/detect';
import { normalizedTxSchema, nowMsOf, nowSchema, priceSeriesOf, priceTableSchema } from '../domain/parsing/history-input';
import { ParseError } from '../domain/parsing/amounts';
import type { NormalizedTx } from '../domain/parsing/normalized';
import { isSolanaAddress } from '../lib/solana-address';
import { CliError } from './errors';
import { readJsonInput } from './read-input';

const inputSchema = z.object({
  wallet: z.string().refine(isSolanaAddress, 'must be a Solana address'),
  transactions: z.array(normalizedTxSchema),
  prices: priceTableSchema,
  now: nowSchema,
  config: z.record(z.string(), z.unknown()).optional(),
});

/** `oof detect [FILE|-]`: the moments (design §6) of one wallet's normalized history and prices, sorted by at then kind. */
export async function detectCommand(opts: { file?: string }, io: { stdin: Readable; stdout: Writable }): Promise<number> {
  const json = await readJsonInput(opts.file, io.stdin);
  const parsed = inputSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(`invalid detect input: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const input = parsed.data;
  const nowMs = nowMsOf(input.now, Date.now());
  if (!Number.isFinite(nowMs)) throw new CliError(`now: "${input.now}" is not an ISO time or unix seconds`);
  const prices = priceSeriesOf(input.prices, (message) => new CliError(message));
  const transactions = input.transactions.map((t) => ({ ...t, wallet: t.wallet ?? input.wallet, feePayer: t.feePayer ?? input.wallet })) as NormalizedTx[];
  try {
    const { moments } = detectMoments({ wallet: input.wallet, transactions, prices, nowMs, priceSource: () => 'input', config: input.config as any });
    io.stdout.write(`${JSON.stringify(moments, null, 2)}\n`);
  } catch (e) {
    if (e instanceof ParseError) throw new CliError(e.message);
    throw e;
  }
  return 0;
}
