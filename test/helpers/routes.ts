import type { Express } from 'express';

/** One method on one registered path, e.g. `{ method: 'patch', path: '/api/v1/submissions/:id' }`. */
export interface RegisteredRoute { method: string; path: string }

/** What the router keeps of each `app.use`/`router.METHOD` (router 2.x layers). */
interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[]; routers?: { stack: Layer[] }[] };
  rawPath?: unknown;
}

/**
 * Every route the app registers, read from Express 5's router stack (nested routers and their
 * mount paths included), so a sweep over them covers a route added later without being told.
 */
export function registeredRoutes(app: Express): RegisteredRoute[] {
  const router = (app as unknown as { router: { stack: Layer[] } }).router;
  return walk(router.stack, '');
}

function walk(stack: Layer[], prefix: string): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  for (const layer of stack) {
    const mount = prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '');
    if (layer.route) {
      const paths = ([] as string[]).concat(layer.route.path);
      for (const path of paths) {
        for (const method of Object.keys(layer.route.methods)) {
          if (method !== '_all') out.push({ method, path: prefix + path });
        }
      }
    } else if (layer.handle?.stack) {
      out.push(...walk(layer.handle.stack, mount));
    } else if (layer.handle?.routers) {
      // Routers mounted through routeBySegment (server/http/dispatch.ts), at the layer's own path.
      for (const router of layer.handle.routers) out.push(...walk(router.stack, mount));
    }
  }
  return out;
}

/** The same routes as sorted "METHOD /path" lines (`:param` placeholders kept), each once. */
export function routesOf(app: Express): string[] {
  const clean = (p: string) => p.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return [...new Set(registeredRoutes(app).map((r) => `${r.method.toUpperCase()} ${clean(r.path)}`))].sort();
}
