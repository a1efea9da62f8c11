import { Router } from 'express';
import type { Deps } from '../deps';
import { findUserById } from '../accounts/users.repository';
import { openProceedingCards } from '../proceedings/proceedings.page-model';

/**
 * The landing page: what the portal is for, the proceedings open for responses now, and the way in
 * (register or sign in; a vendor whose address is unconfirmed is reminded to confirm it).
 */
export function homePages(deps: Deps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const now = new Date();
    const open = await openProceedingCards(deps.db, now);
    const actor = req.actor;
    const me = actor?.role === 'vendor' ? await findUserById(deps.db, actor.userId) : undefined;
    res.render('home/index', { title: 'Vendor Response Portal', open: open.items, moreOpen: open.more, unverified: Boolean(me && !me.email_verified_at) });
  });
  return router;
}
