#!/usr/bin/env node
'use strict';
// The CLI is written in TypeScript and compiled to dist/ by `npm ci` (the prepare script).
let cli;
try {
  cli = require('../dist/src/cli.js');
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('router-audit: the build is missing; run `npm run build` (npm ci does it for you)\n');
    process.exit(2);
  }
  throw error;
}
cli.main(process.argv).then((code) => { process.exitCode = code; });
