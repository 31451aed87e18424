import { readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { detectMoments } from '../domain/detection/detect';
import { PriceSeries, toPoints } from '../domain/detection/price-series';
import { ParseError } from '../domain/parsing/amounts';
import type { NormalizedTx } from '../domain/parsing/normalized';
import { isSolanaAddress } from '../lib/solana-address';
import { CliError } from './errors';

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string');
const leg = z.object({ mint: z.string().min(1), amount: decimal }).nullable();
const inputSchema = z.object({
  wallet: z.string().refine(isSolanaAddress, 'must be a Solana address'),
  transactions: z.array(z.object({
    signature: z.string().min(1),
    slot: z.number().int().nonnegative().default(0),
    blockTime: z.string().nullable(),
    wallet: z.string().optional(),
    failed: z.boolean().default(false),
    feeLamports: z.string().regex(/^\d+$/).default('0'),
    feePayer: z.string().optional(),
    actions: z.array(z.object({
      kind: z.enum(['swap', 'transfer_in', 'transfer_out', 'other']),
      sent: leg.default(null),
      received: leg.default(null),
      source: z.string().optional(),
      counterparty: z.string().optional(),
    })),
  })),
  prices: z.record(z.string(), z.array(z.tuple([z.union([z.string(), z.number()]), z.union([z.string(), z.number()])]))).default({}),
  now: z.union([z.string(), z.number()]).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

async function readInput(file: string | undefined, stdin: Readable): Promise<string> {
  if (file && file !== '-') return readFile(file, 'utf8').catch((e) => { throw new CliError(`cannot read ${file}: ${e.code ?? e.message}`); });
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8');
}

/** `oof detect [FILE|-]`: the moments (design §6) of one wallet's normalized history and prices, sorted by at then kind. */
export async function detectCommand(opts: { file?: string }, io: { stdin: Readable; stdout: Writable }): Promise<number> {
  const text = await readInput(opts.file, io.stdin);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${opts.file && opts.file !== '-' ? opts.file : 'standard input'} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = inputSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(`invalid detect input: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const input = parsed.data;
  const nowMs = input.now === undefined ? Date.now() : typeof input.now === 'number' ? input.now * 1000 : Date.parse(input.now);
  if (!Number.isFinite(nowMs)) throw new CliError(`now: "${input.now}" is not an ISO time or unix seconds`);
  const prices = new Map<string, PriceSeries>();
  for (const [mint, points] of Object.entries(input.prices)) {
    try {
      prices.set(mint, new PriceSeries(toPoints(points)));
    } catch (e) {
      throw new CliError(`prices.${mint}: ${(e as Error).message}`);
    }
  }
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
