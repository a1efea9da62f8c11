// The export under measurement, in a process of its own so its peak RSS is its own (bench/export.mjs
// forks it; not run by hand): opens the runtime on the benchmark's database and calls x-jobs'
// writeProduction (dist/server/exports/production.js) into OUT. Reports over IPC:
// {ok, seconds, bytes, items, vmHwmKiB} or {ok: false, missing?, error}.
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const [docket, out] = process.argv.slice(2);
const MODULE = path.join(HERE, '..', 'dist', 'server', 'exports', 'production.js');

const vmHwmKiB = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
const report = (msg) => new Promise((resolve) => process.send(msg, resolve));

async function main() {
  if (!existsSync(MODULE)) {
    await report({ ok: false, missing: true, error: `${path.relative(process.cwd(), MODULE)} does not exist: writeProduction (x-jobs, server/exports/production.ts) is not on this branch yet` });
    return;
  }
  const { writeProduction } = require(MODULE);
  if (typeof writeProduction !== 'function') {
    await report({ ok: false, missing: true, error: `${MODULE} has no writeProduction export` });
    return;
  }
  const { loadConfig } = require('../dist/server/config.js');
  const { openRuntime } = require('../dist/server/bootstrap.js');
  const runtime = await openRuntime(loadConfig(), { migrate: false });
  try {
    const stream = createWriteStream(out, { highWaterMark: 1 << 20 });
    const closed = new Promise((resolve, reject) => { stream.on('close', resolve); stream.on('error', reject); });
    let last = 0;
    const started = process.hrtime.bigint();
    const result = await writeProduction(runtime.deps, {
      docket, includeConfidential: true, exportId: randomUUID(), certifier: { name: 'Bench Certifier', title: 'Records Officer' },
    }, stream, (done, total) => {
      const now = Date.now();
      if (now - last > 2000) { last = now; process.stdout.write(`  export: ${done}/${total}\n`); }
    });
    if (!stream.writableEnded) stream.end();
    await closed;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await report({ ok: true, seconds, bytes: result.bytes, items: result.items, manifestSha256: result.manifestSha256, vmHwmKiB: vmHwmKiB() });
  } finally {
    await runtime.close();
  }
}

main().then(() => process.exit(0), async (err) => {
  await report({ ok: false, error: err?.stack ?? String(err), vmHwmKiB: vmHwmKiB() });
  process.exit(1);
});
