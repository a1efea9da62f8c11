import { Router } from 'express';
import type { Deps } from '../deps';

/** Evidence uploads, downloads and notice documents. (Placeholder router: being built.) */
export function documentsApi(_deps: Deps): Router {
  return Router();
}
