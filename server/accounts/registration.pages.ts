import { Router } from 'express';
import type { Deps } from '../deps';

/** Registration, e-mail verification and invitation pages for vendors. (Placeholder router: being built.) */
export function registrationPages(_deps: Deps): Router {
  return Router();
}
