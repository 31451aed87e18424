#!/usr/bin/env node
// npm's `prepare` hook (runs on `npm ci` and `npm install`) and `npm run build`: compiles the CLI to build/ with
// tsconfig.build.json, so `oof` starts as plain JavaScript. An install without devDependencies (the production
// image, whose services run through tsx and need no CLI) has no TypeScript and skips it; bin/oof.js then falls
// back to tsx.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  console.error('oof: TypeScript is not installed (production install); the CLI is not compiled');
  process.exit(0);
}
const r = spawnSync(process.execPath, [tsc, '-p', path.join(__dirname, '..', 'tsconfig.build.json')], { stdio: 'inherit' });
process.exit(r.status ?? 1);
