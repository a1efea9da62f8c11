// The caller of the export under measurement, as the worker is (bench/export.mjs forks it; not run
// by hand): opens the runtime on the benchmark's database and calls writeProductionInChild
// (dist/server/exports/production-child.js), which runs the export in its own process with the
// EXPORT_HEAP_MIB heap limit, exactly as the build_export job and `portal export` do. Reports over
// IPC: {ok, seconds, bytes, items, vmHwmKiB (the export process's peak RSS), callerHwmKiB} or
// {ok: false, missing?, error}.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const [docket, out] = process.argv.slice(2);
const MODULE = path.join(HERE, '..', 'dist', 'server', 'exports', 'production-child.js');

const vmHwmKiB = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
const report = (msg) => new Promise((resolve) => process.send(msg, resolve));

async function main() {
  if (!existsSync(MODULE)) {
    await report({ ok: false, missing: true, error: `${path.relative(process.cwd(), MODULE)} does not exist: run npm run build` });
    return;
  }
  const { writeProductionInChild } = require(MODULE);
  const { loadConfig } = require('../dist/server/config.js');
  const { openRuntime } = require('../dist/server/bootstrap.js');
  const runtime = await openRuntime(loadConfig(), { migrate: false });
  try {
    let last = 0;
    const started = process.hrtime.bigint();
    const { config, pool } = runtime.deps;
    const result = await writeProductionInChild({ pool, uploadsDir: config.uploadsDir, heapMiB: config.exportHeapMiB, logLevel: config.logLevel }, {
      docket, includeConfidential: true, exportId: randomUUID(), certifier: { name: 'Bench Certifier', title: 'Records Officer' },
    }, out, 'w', (done, total) => {
      const now = Date.now();
      if (now - last > 2000) { last = now; process.stdout.write(`  export: ${done}/${total}\n`); }
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await report({ ok: true, seconds, bytes: result.bytes, items: result.items, manifestSha256: result.manifestSha256, vmHwmKiB: result.peakRssKiB, callerHwmKiB: vmHwmKiB() });
  } finally {
    await runtime.close();
  }
}

main().then(() => process.exit(0), async (err) => {
  await report({ ok: false, error: err?.stack ?? String(err), callerHwmKiB: vmHwmKiB() });
  process.exit(1);
});
