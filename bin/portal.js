#!/usr/bin/env node
'use strict';
// `npx portal <command>`: runs the compiled CLI (npm install builds it; `npm run build` rebuilds).
const path = require('node:path');
const fs = require('node:fs');

const cli = path.join(__dirname, '..', 'dist', 'server', 'cli', 'main.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('The portal is not built yet. Run `npm run build` (npm install does it too).\n');
  process.exit(2);
}
require(cli);
