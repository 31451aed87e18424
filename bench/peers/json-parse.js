// The ceiling of the parse benchmark: read and JSON.parse the file, nothing else (plain JavaScript, no loader).
const { readFileSync } = require('node:fs');

const txs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(`${txs.length}\n`);
