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

  app.use(requestLog(deps.logger));
  // Before anything reads a body: one that stalls or trickles is dropped (uploads answer 408 themselves).
  app.use(bodyPaceGuard(deps.config.bodyPace));
  app.use(metrics.track);
  app.use(securityHeaders());
  app.use(noStore);
  // The input screen, before static files, operations routes and routers (README "Request limits").
  // The findings form carries a row per argument (up to the API's limit), more than 100 fields.
  app.use(screenUrl, jsonBody(), formBody([{ path: FINDINGS_FORM_PATH, parameterLimit: FINDINGS_FORM_FIELDS }]), screenBody);
  app.use('/assets/uswds', express.static(USWDS_DIST, { index: false, maxAge: '1d', immutable: false }));
  app.use('/assets/app', express.static(path.join(PROJECT_ROOT, 'public'), { index: false, maxAge: '1h' }));
  app.use(opsRoutes(deps, metrics));

  app.use(authenticate(deps.db, deps.pool, { secure, cacheTokens: deps.config.credentialCache }));
  app.use(csrfProtection({ secret: deps.sessionSecret, secure, publicOrigin: new URL(deps.config.publicUrl).origin }));
  app.use((req, res, next) => {
    res.locals['actor'] = req.actor;
    res.locals['signInPending'] = Boolean(req.portalSession && !req.actor);
    res.locals['currentPath'] = req.path;
    next();
  });

  const api = express.Router();
  api.use(metrics.markBase);
  api.use(accountsApi(deps));
  api.use(auditApi(deps));
  api.use(registrationApi(deps));
  api.use(proceedingsApi(deps));
  api.use(submissionsApi(deps));
  api.use(documentsApi(deps));
  api.use(receiptsApi(deps, visibleSubmission));
  api.use(informationRequestsApi(deps));
  api.use(notesApi(deps), findingsApi(deps), responseToArgumentsApi(deps));
  api.use(conflictsApi(deps));
  api.use(dispositionsApi(deps));
  api.use(dashboardApi(deps));
  api.use(assignmentsApi(deps));
  api.use(legalHoldApi(deps));
  api.use(exportsApi(deps));
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(deps.config.publicUrl));
  });
  app.use('/api/v1', api);

  app.use(homePages(deps));
  app.use(accountPages(deps));
  app.use(registrationPages(deps));
  app.use(proceedingPages(deps));
  app.use(submissionPages(deps));
  app.use(queuePages(deps));
  app.use(receiptPages(deps, visibleSubmission));
  app.use(notesPages(deps), findingsPages(deps), responseToArgumentsPages(deps));
  app.use(conflictsPages(deps));
  app.use(dispositionPages(deps));
  app.use(informationRequestPages(deps));
  app.use(reviewPagePages(deps));
  app.use(dashboardPages(deps));
  app.use(assignmentPages(deps));
  app.use(auditPages(deps), legalHoldPages(deps));
  app.use(exportsPages(deps));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
