import { Router } from 'express';
import type { Deps } from '../deps';

/** Self-registration, e-mail verification and organization invitations. (Placeholder router: being built.) */
export function registrationApi(_deps: Deps): Router {
  return Router();
}
