import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, whether running compiled (dist/server) or from source. */
export const PROJECT_ROOT = ((): string => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
})();

export const VIEWS_DIR = path.join(PROJECT_ROOT, 'views');
export const USWDS_DIST = path.join(PROJECT_ROOT, 'node_modules', '@uswds', 'uswds', 'dist');
