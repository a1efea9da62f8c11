import { promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Router, type Response } from 'express';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { describe } from '../http/openapi';
import { parseLimit, singleQuery } from '../http/pagination';
import { uuidParam } from '../http/params';
import { parser } from '../http/validate';
import { AppError } from '../http/errors';
import { attachmentHeader } from '../documents/filename';
import { exportListResponse, exportResponse, exportStartedResponse, startExportSchema } from './exports.schemas';
import { exportForDownload, listExports, requestExport, visibleExport } from './exports.service';
import { exportJson, scopeOf } from './exports.json';

const parseStart = parser(startExportSchema);
const TAG = 'record';
const LEGAL = ['legal'] as const;

/**
 * Legal exports of a proceeding's record (docs/exports.md): start one (a background job), follow
 * its progress, list past ones, download the ZIP. Legal staff recused from any organization that
 * filed in a proceeding can neither start nor see its exports.
 */
export function exportsApi(deps: Deps): Router {
  const router = Router();
  const { requirePermission, askerFor } = createGuards(deps.db);
  const legalOnly = requirePermission('export.create');

  describe({ method: 'post', path: '/exports', tag: TAG, roles: LEGAL, requestBody: startExportSchema, response: { status: 202, schema: exportStartedResponse },
    summary: 'Start exporting a proceeding\'s record as a verifiable production (ZIP; docs/export-format.md), public or including confidential material. 202 {id}; follow GET /exports/{id}. 404 unknown docket; 403 recused when you declared a conflict with any organization that filed in it.' });
  router.post('/exports', legalOnly, async (req, res) => {
    const input = parseStart(req.body);
    const started = await requestExport(deps.db, auditContext(req), askerFor(req), input);
    res.status(202).location(`/api/v1/exports/${started.id}`).json({ id: started.id, status: 'queued' });
  });

  describe({ method: 'get', path: '/exports', tag: TAG, roles: LEGAL, response: { status: 200, schema: exportListResponse },
    summary: 'Exports made so far by any legal staff, newest first (`?limit=&cursor=`); those of proceedings you are recused in are left out.' });
  router.get('/exports', legalOnly, async (req, res) => {
    const q = singleQuery(req.query, ['limit', 'cursor']);
    const page = await listExports(deps.db, askerFor(req), { cursor: q['cursor'], limit: parseLimit(q['limit']) });
    res.json({ items: page.items.map(exportJson), nextCursor: page.nextCursor });
  });

  describe({ method: 'get', path: '/exports/:id', tag: TAG, roles: LEGAL, response: { status: 200, schema: exportResponse },
    summary: 'One export: status (queued, running, done, failed), progress in percent, and once done its size, item count and manifest hash; error {code, message} when it failed.' });
  router.get('/exports/:id', legalOnly, async (req, res) => {
    const row = await visibleExport(deps.db, askerFor(req), uuidParam(req.params['id'], 'export'));
    res.json(exportJson(row));
  });

  describe({ method: 'get', path: '/exports/:id/download', tag: TAG, roles: LEGAL, response: { status: 200, description: 'The ZIP (application/zip, attachment)' },
    summary: 'Download a finished export (the ZIP). 409 export_not_ready until its status is done. Every download is audited.' });
  router.get('/exports/:id/download', legalOnly, async (req, res) => {
    const { row, file } = await exportForDownload(deps.db, auditContext(req), askerFor(req), deps.config.dataDir, uuidParam(req.params['id'], 'export'));
    await sendArchive(res, file, `${row.docket}-${scopeOf(row.include_confidential)}-${row.id.slice(0, 8)}.zip`, row.manifest_sha256);
  });

  return router;
}

/** Streams the archive as an attachment nothing renders or sniffs, with its exact length. */
async function sendArchive(res: Response, file: string, name: string, manifestSha256: string | null): Promise<void> {
  const handle = await fsp.open(file, 'r').catch((err: unknown) => {
    // Done in the database but not on this host's disk: DATA_DIR not shared with the worker, or removed.
    if ((err as { code?: string }).code === 'ENOENT') throw new AppError(410, 'export_file_missing', 'The archive of this export is no longer on the server. Start a new export.');
    throw err;
  });
  const { size } = await handle.stat().catch(async (err: unknown) => { await handle.close(); throw err; });
  res.status(200);
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Content-Disposition', attachmentHeader(name));
  res.setHeader('Content-Length', String(size));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; frame-ancestors 'none'");
  if (manifestSha256) res.setHeader('X-Manifest-SHA256', manifestSha256);
  try {
    await pipeline(handle.createReadStream({ highWaterMark: 128 * 1024 }), res);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}
