// Bates stamping and slip sheets (issue 10, docs/export-stamping.md): the incremental update the
// export uses against pdf-lib's load+save, both against the floor of writing the same bytes to disk,
// same machine, same run.
//
//   npm run build && node bench/stamp.mjs
//   BENCH_RUNS=10 node bench/stamp.mjs
//
// Makes its own PDFs (pdfkit with a large image on every tenth page, pdf-lib with object streams,
// many small pdfkit documents), stamps each with a Bates number and legend, writes the result to a
// temporary file, and prints one JSON line per case and a last line with every case.
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.join(HERE, '..', 'dist', 'server', 'exports');
if (!existsSync(path.join(DIST, 'pdf-stamp.js'))) {
  process.stderr.write('dist/ is missing: run "npm run build" first.\n');
  process.exit(2);
}
const { stampPdfIncremental, pageCountOrSlip } = require(path.join(DIST, 'pdf-stamp.js'));
const { slipSheet } = require(path.join(DIST, 'slip-sheet.js'));
const PDFKit = require('pdfkit');
const { PDFDocument, StandardFonts } = require('@cantoo/pdf-lib');

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const dir = mkdtempSync(path.join(os.tmpdir(), 'vrp-bench-stamp-'));
// One open file written on, as the export writes one ZIP: the floor is appending the bytes.
const fd = openSync(path.join(dir, 'out.bin'), 'w');
const write = (b) => { writeSync(fd, b); };
const opts = { firstBates: 1, prefix: 'DHS20170037', legend: 'CONFIDENTIAL \u2014 SUBJECT TO PROTECTIVE ORDER' };
const log = (s) => process.stdout.write(`${s}\n`);

function noisePng(w, h) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  randomFillSync(raw);
  for (let y = 0; y < h; y += 1) raw[y * (w * 3 + 1)] = 0;
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', Buffer.alloc(0))]);
}

function pdfkit(pages, image) {
  const doc = new PDFKit({ autoFirstPage: false });
  const chunks = [];
  doc.on('data', (c) => chunks.push(c));
  const done = new Promise((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  for (let i = 0; i < pages; i += 1) {
    doc.addPage();
    doc.text(`Page ${i + 1} `.repeat(150));
    if (image && i % 10 === 0) doc.image(image, 50, 300, { width: 300 });
  }
  doc.end();
  return done;
}

async function pdflib(pages, image) {
  const d = await PDFDocument.create();
  const font = await d.embedFont(StandardFonts.Helvetica);
  const img = image && await d.embedPng(image);
  for (let i = 0; i < pages; i += 1) {
    const p = d.addPage();
    p.drawText(`Page ${i + 1} of a pdf-lib document`, { x: 50, y: 700, font, size: 12 });
    if (img && i % 10 === 0) p.drawImage(img, { x: 50, y: 100, width: 300, height: 300 });
  }
  return Buffer.from(await d.save({ useObjectStreams: true }));
}

const now = () => process.hrtime.bigint();
const ms = (t) => Number(now() - t) / 1e6;

/**
 * Median of RUNS runs of fn over the whole set of documents: wall time, and CPU time of this
 * process (user + system), which a loaded machine disturbs less.
 */
async function time(fn) {
  const wall = [];
  const cpu = [];
  for (let r = 0; r < RUNS; r += 1) {
    ftruncateSync(fd, 0);
    const c = process.cpuUsage();
    const t = now();
    await fn();
    wall.push(ms(t));
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wall: median(wall), cpu: median(cpu) };
}

async function pdfLibStamp(bytes) {
  const d = await PDFDocument.load(bytes, { updateMetadata: false });
  const font = await d.embedFont(StandardFonts.Helvetica);
  d.getPages().forEach((p, i) => {
    p.drawText(`DHS20170037${String(i + 1).padStart(6, '0')}`, { x: p.getWidth() - 100, y: 18, size: 9, font });
    p.drawText('CONFIDENTIAL', { x: 18, y: 18, size: 9, font });
  });
  return d.save({ useObjectStreams: false });
}

async function bench(name, docs) {
  const bytes = docs.reduce((n, d) => n + d.length, 0);
  let pages = 0;
  for (const d of docs) pages += (await pageCountOrSlip(d)).pages;
  const copy = await time(async () => { for (const d of docs) write(d); });
  const incremental = await time(async () => {
    for (const d of docs) {
      const fresh = d.subarray(0); // a new buffer object, as read from the store: no remembered plan
      await pageCountOrSlip(fresh);
      const { head, tail } = await stampPdfIncremental(fresh, opts);
      write(head);
      write(tail);
    }
  });
  const pdfLib = await time(async () => { for (const d of docs) write(await pdfLibStamp(d)); });
  const r1 = (x) => +x.toFixed(1);
  const result = {
    case: name, documents: docs.length, pages, MiB: r1(bytes / 1048576),
    copyMs: r1(copy.wall), incrementalMs: r1(incremental.wall), pdfLibMs: r1(pdfLib.wall),
    copyCpuMs: r1(copy.cpu), incrementalCpuMs: r1(incremental.cpu), pdfLibCpuMs: r1(pdfLib.cpu),
    incrementalRatio: +(copy.wall / incremental.wall).toFixed(2), pdfLibRatio: +(copy.wall / pdfLib.wall).toFixed(2),
  };
  log(JSON.stringify(result));
  return result;
}

const image = noisePng(600, 600);
const results = [];
results.push(await bench('pdfkit 300 pages, 30 images', [await pdfkit(300, image)]));
results.push(await bench('pdf-lib 300 pages, object streams', [await pdflib(300, image)]));
const small = [];
for (let i = 0; i < 200; i += 1) small.push(await pdfkit(5, i % 4 === 0 ? image : null));
results.push(await bench('200 pdfkit documents of 5 pages', small));

const slipOpts = { title: 'Exhibit', documentName: 'photo.png', mediaType: 'image/png', sha256: 'ab'.repeat(32), reason: 'Produced natively: image/png is not a PDF', nativePath: 'submissions/X/001-photo.png' };
const slip = await time(async () => {
  for (let i = 0; i < 1000; i += 1) write(await slipSheet({ ...slipOpts, bates: `DHS20170037${String(i + 1).padStart(6, '0')}` }));
});
const slips = { case: '1000 slip sheets', msPerSheet: +(slip.wall / 1000).toFixed(3), cpuMsPerSheet: +(slip.cpu / 1000).toFixed(3) };
log(JSON.stringify(slips));
closeSync(fd);
rmSync(dir, { recursive: true, force: true });
log(JSON.stringify({ bench: 'stamp', runs: RUNS, results: [...results, slips] }));
