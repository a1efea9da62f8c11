// Queue benchmark server process (forked by bench/queue.mjs; not run by hand). Two modes:
//   floor  - a bare Express 5 hello-world (the same Express the portal runs on)
//   portal - the real app, compiled, from dist/, on the seeded database given as the third argument;
//            a fourth argument "false" turns the queue and credential caches off (QUEUE_CACHE=false, CREDENTIAL_CACHE=false)
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const [mode, databaseUrl, queueCache = 'true'] = process.argv.slice(2);
let shutdown = async () => {};
process.on('message', (msg) => { if (msg.type === 'exit') void shutdown().then(() => process.exit(0)); });

async function floor() {
  const express = require('express');
  const app = express();
  app.get('/', (_req, res) => { res.json({ hello: 'world' }); });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  shutdown = async () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
  return { port: server.address().port };
}

async function portal() {
  const { loadConfig } = require('../dist/server/config.js');
  const { openRuntime } = require('../dist/server/bootstrap.js');
  const { createApp } = require('../dist/server/app.js');
  const { createHttpServer } = require('../dist/server/http/server.js');
  const dir = path.join(os.tmpdir(), `vrp-queue-bench-${process.pid}`);
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, DATA_DIR: path.join(dir, 'data'), UPLOADS_DIR: path.join(dir, 'uploads'),
    SESSION_SECRET: randomBytes(32).toString('hex'), WORKER_IN_PROCESS: 'false', QUEUE_CACHE: queueCache, CREDENTIAL_CACHE: queueCache,
  });
  const runtime = await openRuntime(config);
  const server = createHttpServer(createApp(runtime.deps)).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  shutdown = async () => {
    await new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
    await runtime.close();
  };
  return { port: server.address().port };
}

const info = await (mode === 'floor' ? floor() : portal());
process.send({ type: 'ready', ...info });
