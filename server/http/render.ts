import type { Express } from 'express';
import nunjucks from 'nunjucks';
import { VIEWS_DIR } from '../paths';

/** Nunjucks with autoescaping on: every value is HTML-escaped unless a template says otherwise. */
export function configureViews(app: Express, opts: { noCache: boolean }): nunjucks.Environment {
  const env = nunjucks.configure(VIEWS_DIR, { autoescape: true, throwOnUndefined: false, noCache: opts.noCache, express: app });
  env.addFilter('isoDate', (d: Date | string | null) => (d ? new Date(d).toISOString() : ''));
  app.set('view engine', 'njk');
  return env;
}
