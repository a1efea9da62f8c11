import { Router } from 'express';
import type { Deps } from '../deps';

/** Vendor pages: dashboard, draft editor, evidence, review before filing, withdrawal. (Placeholder router: being built.) */
export function submissionPages(_deps: Deps): Router {
  return Router();
}
