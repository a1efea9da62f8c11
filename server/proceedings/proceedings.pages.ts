import { Router } from 'express';
import type { Deps } from '../deps';

/** Public notice pages: open proceedings and each notice with its deadline and documents. (Placeholder router: being built.) */
export function proceedingPages(_deps: Deps): Router {
  return Router();
}
