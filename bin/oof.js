#!/usr/bin/env node
// The CLI as compiled by `npm run build` (npm's `prepare` runs it on `npm ci`, and `npm test` before the suites):
// plain JavaScript starts in a tenth of the time tsx takes to transpile the sources on every run. A checkout
// without build/ (node_modules shared from elsewhere, `npm ci --ignore-scripts`) still works through tsx.
try {
  require.resolve('../build/cli/main.js');
} catch {
  process.stderr.write('oof: build/ is missing (run `npm run build`); running the TypeScript sources through tsx\n');
  require('tsx/cjs');
  require('../cli/main.ts');
  return;
}
require('../build/cli/main.js');
