import { readFile, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { renderCard } from '../adapters/rendering/render';
import { toPoints } from '../domain/detection/price-series';
import { CliError } from './errors';

const momentSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['S2E', 'BHD', 'BadRoute', 'IdleYield']),
  wallet: z.string().min(1),
  mint: z.string().min(1),
  signature: z.string().nullable(),
  at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO time'),
  pct: z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string'),
  missedUsd: z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string'),
  severity: z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string'),
  status: z.enum(['provisional', 'final']),
  explain: z.record(z.string(), z.unknown()),
  cardUrl: z.string().optional(),
  /** Optional: price points of the window for the chart, [[ISO time or unix s, "usd"], …]. */
  prices: z.array(z.tuple([z.union([z.string(), z.number()]), z.union([z.string(), z.number()])])).optional(),
});

/** `oof render [FILE|-] --out card.png`: one moment (design §6) as a 1200×630 PNG. */
export async function renderCommand(opts: { file?: string; out?: string }, stdin: Readable): Promise<number> {
  if (!opts.out) throw new CliError('oof render needs --out FILE.png');
  let text: string;
  if (opts.file && opts.file !== '-') text = await readFile(opts.file, 'utf8').catch((e) => { throw new CliError(`cannot read ${opts.file}: ${e.code ?? e.message}`); });
  else {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(Buffer.from(c));
    text = Buffer.concat(chunks).toString('utf8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`the moment is not valid JSON: ${(e as Error).message}`);
  }
  if (Array.isArray(json) && json.length === 1) json = json[0]; // `oof detect` prints an array
  const parsed = momentSchema.safeParse(json);
  if (!parsed.success) throw new CliError(`invalid moment: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const { prices, ...moment } = parsed.data;
  const points = prices ? toPoints(prices) : [];
  const { png } = await renderCard(moment, { chart: { points } });
  await writeFile(opts.out, png).catch((e) => { throw new CliError(`cannot write ${opts.out}: ${e.code ?? e.message}`); });
  return 0;
}
