// The peer of the parse benchmark: solana-dex-parser over the same file, whole process, output written like ours.
import { readFileSync } from 'node:fs';
import { DexParser } from 'solana-dex-parser';

const txs = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as any[];
const parser = new DexParser();
const out: string[] = [];
for (const tx of txs) out.push(JSON.stringify(parser.parseAll(tx)));
process.stdout.write(`[${out.join(',\n')}]\n`);
