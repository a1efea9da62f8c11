import path from 'node:path';
import express, { type Express } from 'express';
import type { Deps } from './deps';
import { PROJECT_ROOT, USWDS_DIST } from './paths';
import { securityHeaders, noStore } from './http/security';
import { requestLog } from './http/request-log';
import { bodyPaceGuard } from './http/body-pace';
import { createMetrics } from './http/metrics';
import { configureViews } from './http/render';
import { csrfProtection } from './http/csrf';
import { formBody, jsonBody, screenBody, screenUrl } from './http/input-screen';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { routeBySegment, series } from './http/dispatch';
import { openApiDocument } from './http/openapi';
import { authenticate } from './accounts/auth.middleware';
import { accountsApi } from './accounts/auth.api';
import { accountPages } from './accounts/auth.pages';
import { auditApi } from './audit/audit.api';
import { submissionsApi } from './submissions/submissions.api';
import { visibleSubmission } from './submissions/drafts.service';
import { receiptsApi } from './receipts/receipts.api';
import { informationRequestsApi } from './review/information-requests.api';
import { conflictsApi } from './accounts/conflicts.api';
import { conflictsPages } from './accounts/conflicts.pages';
import { dispositionsApi } from './review/dispositions.api';
import { dispositionPages } from './review/dispositions.pages';
import { informationRequestPages } from './review/information-requests.pages';
import { assignmentsApi } from './review/assignments.api';
import { assignmentPages } from './review/assignments.pages';
import { documentsApi } from './documents/documents.api';
import { proceedingsApi } from './proceedings/proceedings.api';
import { registrationApi } from './accounts/registration.api';
import { opsRoutes } from './ops/ops.routes';
import { homePages } from './home/home.pages';
import { proceedingPages } from './proceedings/proceedings.pages';
import { registrationPages } from './accounts/registration.pages';
import { submissionPages } from './submissions/submissions.pages';
import { queuePages } from './review/queue.pages';
import { receiptPages } from './receipts/receipts.pages';
import { notesApi } from './review/notes.api';
import { notesPages } from './review/notes.pages';
import { findingsApi } from './review/findings.api';
import { findingsPages } from './review/findings.pages';
import { FORM_FIELDS_MAX as FINDINGS_FORM_FIELDS, FORM_PATH as FINDINGS_FORM_PATH } from './review/findings.form';
import { responseToArgumentsApi } from './review/response-to-arguments.api';
import { responseToArgumentsPages } from './review/response-to-arguments.pages';
import { reviewPagePages } from './review/review-page.pages';
import { dashboardApi } from './review/dashboard.api';
import { dashboardPages } from './review/dashboard.pages';
import { auditPages } from './audit/audit.pages';
import { legalHoldApi } from './proceedings/legal-hold.api';
import { legalHoldPages } from './proceedings/legal-hold.pages';
import { exportsApi } from './exports/exports.api';
import { exportsPages } from './exports/exports.pages';

/** Builds the Express app from its dependencies; main.ts listens, tests call it in-process. */
export function createApp(deps: Deps): Express {
  const app = express();
  const secure = deps.config.publicUrl.startsWith('https://');
  app.disable('x-powered-by');
  // Only the proxies named in TRUST_PROXY (default: one on this host) may say who the client is.
  app.set('trust proxy', deps.config.trustProxy);
  app.set('query parser', 'simple');
  // Responses are no-store: an ETag (a SHA-1 of every body) would never be used.
  app.set('etag', false);
  configureViews(app, { noCache: deps.config.nodeEnv === 'development' });
  const metrics = createMetrics(deps.pool);

  // Static files and operations routes answer before sign-in; their router is entered only for
  // their own first segments (assets, healthz, readyz, metrics).
  const assets = express.Router();
  assets.use('/assets/uswds', express.static(USWDS_DIST, { index: false, maxAge: '1d', immutable: false }));
  assets.use('/assets/app', express.static(path.join(PROJECT_ROOT, 'public'), { index: false, maxAge: '1h' }));

  // What every request passes before the feature routers, whatever its path, as one layer
  // (http/dispatch.ts): each app layer costs every request a match and a turn of the router.
  app.use(series(
    requestLog(deps.logger, app.request),
    // Before anything reads a body: one that stalls or trickles is dropped (uploads answer 408 themselves).
    bodyPaceGuard(deps.config.bodyPace),
    metrics.track,
    securityHeaders(),
    noStore,
    // The input screen, before static files, operations routes and routers (README "Request limits").
    // The findings form carries a row per argument (up to the API's limit), more than 100 fields.
    screenUrl, jsonBody(), formBody([{ path: FINDINGS_FORM_PATH, parameterLimit: FINDINGS_FORM_FIELDS }]), screenBody,
    routeBySegment([assets, opsRoutes(deps, metrics)]),
    authenticate(deps.db, deps.pool, { secure, cacheTokens: deps.config.credentialCache }),
    csrfProtection({ secret: deps.sessionSecret, secure, publicOrigin: new URL(deps.config.publicUrl).origin }),
    (req, res, next) => {
      res.locals['actor'] = req.actor;
      res.locals['signInPending'] = Boolean(req.portalSession && !req.actor);
      res.locals['currentPath'] = req.path;
      next();
    },
  ));

  const api = express.Router();
  // Each request enters only the feature routers with a route under its first segment (http/dispatch.ts).
  api.use(series(metrics.markBase, routeBySegment([
    accountsApi(deps),
    auditApi(deps),
    registrationApi(deps),
    proceedingsApi(deps),
    submissionsApi(deps),
    documentsApi(deps),
    receiptsApi(deps, visibleSubmission),
    informationRequestsApi(deps),
    notesApi(deps),
    findingsApi(deps),
    responseToArgumentsApi(deps),
    conflictsApi(deps),
    dispositionsApi(deps),
    dashboardApi(deps),
    assignmentsApi(deps),
    legalHoldApi(deps),
    exportsApi(deps),
  ])));
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(deps.config.publicUrl));
  });
  app.use('/api/v1', api);

  app.use(routeBySegment([
    homePages(deps),
    accountPages(deps),
    registrationPages(deps),
    proceedingPages(deps),
    submissionPages(deps),
    queuePages(deps),
    receiptPages(deps, visibleSubmission),
    notesPages(deps),
    findingsPages(deps),
    responseToArgumentsPages(deps),
    conflictsPages(deps),
    dispositionPages(deps),
    informationRequestPages(deps),
    reviewPagePages(deps),
    dashboardPages(deps),
    assignmentPages(deps),
    auditPages(deps),
    legalHoldPages(deps),
    exportsPages(deps),
  ]));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
