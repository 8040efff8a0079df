#!/usr/bin/env node
// The `tnet` command: the bundle built by `npm run build` (which `npm ci` runs through `prepare`).
require('../dist/cli.js').cli();
