// The ceiling of the parse benchmark: read and JSON.parse the file, nothing else.
import { readFileSync } from 'node:fs';

const txs = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as unknown[];
process.stdout.write(`${txs.length}\n`);
