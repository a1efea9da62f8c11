import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { AppError } from '../http/errors';
import { formString, refusalToShow, signedIn } from '../http/pages';
import { parser } from '../http/validate';
import { startExportSchema } from './exports.schemas';
import { listExports, requestExport } from './exports.service';
import { listExportableProceedings } from './record.repository';
import { exportJson } from './exports.json';

const parseStart = parser(startExportSchema);
/** Exports shown on the page, newest first; GET /api/v1/exports pages through the rest. */
const SHOWN_EXPORTS = 50;

const STATUS_LABELS: Record<string, string> = { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed' };

/** Human size: bytes in KB/MB/GB (1000-based, as file managers show). */
export function sizeLabel(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let i = -1;
  do { n /= 1000; i += 1; } while (n >= 1000 && i < units.length - 1);
  return `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

interface StartForm { docket: string; includeConfidential: boolean }

/**
 * /exports for legal staff: start an export (proceeding, scope) and follow past ones with a
 * progress bar that /assets/app/exports.js keeps current (polling GET /api/v1/exports/{id}) and
 * announces politely; without script, "Refresh" reloads the list. Plain forms, CSRF-protected.
 */
export function exportsPages(deps: Deps): Router {
  const router = Router();
  const { requirePermission, askerFor } = createGuards(deps.db);
  const legalOnly = requirePermission('export.create');

  const render = async (req: Request, res: Response, status: number, extra: { form?: StartForm; error?: AppError; notice?: string; started?: string }) => {
    const [page, proceedings] = await Promise.all([
      listExports(deps.db, askerFor(req), { limit: SHOWN_EXPORTS }),
      listExportableProceedings(deps.db),
    ]);
    const form = extra.form ?? { docket: '', includeConfidential: false };
    res.status(status).render('exports/index', {
      title: extra.error ? 'Error: Exports of the record' : 'Exports of the record',
      form, error: extra.error, notice: extra.notice, started: extra.started,
      proceedings: proceedings.map((p) => ({ code: p.docket, name: `${p.docket}: ${p.title}` })),
      exports: page.items.map((e) => ({ ...exportJson(e), statusLabel: STATUS_LABELS[e.status], sizeLabel: sizeLabel(Number(e.bytes)), title: e.proceeding_title })),
      more: page.nextCursor !== null,
      fieldErrors: extra.error?.details[0]?.['field'] === 'docket' || extra.error?.code === 'not_found' ? { docket: extra.error.message } : {},
    });
  };

  router.get('/exports', legalOnly, async (req, res) => {
    const started = typeof req.query['started'] === 'string' && /^[0-9a-f-]{36}$/.test(req.query['started']) ? req.query['started'] : undefined;
    await render(req, res, 200, { started, notice: started ? 'Export started. Its progress is shown below; the download link appears when it is done.' : undefined });
  });

  router.post('/exports', legalOnly, async (req, res) => {
    const form: StartForm = { docket: formString(req.body, 'docket'), includeConfidential: formString(req.body, 'includeConfidential') === 'true' };
    signedIn(req);
    let id: string;
    try {
      const input = parseStart({ docket: form.docket, includeConfidential: form.includeConfidential });
      id = (await requestExport(deps.db, auditContext(req), askerFor(req), input)).id;
    } catch (err) {
      const shown = refusalToShow(err, [401]);
      const error = shown.code === 'invalid_request' ? new AppError(400, shown.code, 'Choose the proceeding to export.', shown.details)
        : shown.code === 'not_found' ? new AppError(404, 'not_found', 'There is no proceeding with that docket. Choose one from the list.') : shown;
      return render(req, res, error.status, { form, error });
    }
    res.redirect(303, `/exports?started=${id}`);
  });

  return router;
}
