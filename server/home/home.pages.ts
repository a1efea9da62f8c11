import { Router } from 'express';

/** The landing page. */
export function homePages(): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.render('home/index', { title: 'Vendor Response Portal' });
  });
  return router;
}
