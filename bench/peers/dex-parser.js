// The peer of the parse benchmark: solana-dex-parser over the same file, whole process, output written like ours.
// Plain JavaScript like build/cli, so neither side pays for a TypeScript loader.
const { readFileSync } = require('node:fs');
const { DexParser } = require('solana-dex-parser');

const txs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const parser = new DexParser();
const out = [];
for (const tx of txs) out.push(JSON.stringify(parser.parseAll(tx)));
process.stdout.write(`[${out.join(',\n')}]\n`);
