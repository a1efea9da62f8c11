import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The node flags `npm start` runs the portal with (package.json is their one home), so a benchmark
 * measures the same process; test/unit/node-flags.test.ts holds the Docker image to them too.
 * BENCH_NODE_FLAGS adds diagnostics, e.g. "--trace-gc" or "--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
export function startFlags() {
  const start = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const match = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+dist\/server\/main\.js/.exec(start);
  if (!match) throw new Error(`cannot find "node ... dist/server/main.js" in the start script: ${start}`);
  return [...match[1].trim().split(/\s+/), ...(process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/)].filter(Boolean);
}
