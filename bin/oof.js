#!/usr/bin/env node
// The CLI is TypeScript run through tsx's require hook, so `npm exec oof` needs no build step.
require('tsx/cjs');
require('../cli/main.ts');
