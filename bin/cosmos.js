#!/usr/bin/env node
// The `cosmos` command: the bundled CLI built by esbuild.mjs (`npm ci` runs the build via `prepare`).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('cosmos: dist/cli.js is missing — run `npm run build` first.\n');
  process.exit(1);
}
require(bundle)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
    // Let stdout drain naturally; if a stray handle keeps the process alive, leave anyway.
    setTimeout(() => process.exit(code), 3000).unref();
  });
