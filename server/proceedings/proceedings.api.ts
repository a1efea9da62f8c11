import { Router } from 'express';
import type { Deps } from '../deps';

/** Proceedings: admin CRUD and the public notice. (Placeholder router: being built.) */
export function proceedingsApi(_deps: Deps): Router {
  return Router();
}
