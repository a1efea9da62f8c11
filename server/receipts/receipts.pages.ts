import { Router } from 'express';
import type { Deps } from '../deps';

/** Receipt page (printable) and the public receipt verification page. (Placeholder router: being built.) */
export function receiptPages(_deps: Deps): Router {
  return Router();
}
