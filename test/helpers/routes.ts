import type { Express } from 'express';

/** One method on one registered path, e.g. `{ method: 'patch', path: '/api/v1/submissions/:id' }`. */
export interface RegisteredRoute { method: string; path: string }

/** A layer's handler: a router (stack), or server/http/dispatch.ts's routeBySegment (routers) or series (handlers). */
interface Handle { stack?: Layer[]; routers?: { stack: Layer[] }[]; handlers?: Handle[] }

/** What the router keeps of each `app.use`/`router.METHOD` (router 2.x layers). */
interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: Handle;
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
    } else if (layer.handle) {
      out.push(...walkHandle(layer.handle, mount));
    }
  }
  return out;
}

/** The routes under a layer's handler, mounted at `mount`. */
function walkHandle(handle: Handle, mount: string): RegisteredRoute[] {
  if (handle.stack) return walk(handle.stack, mount);
  // Routers entered through routeBySegment, or steps run as one layer by series (server/http/dispatch.ts).
  return [...(handle.routers ?? []).map((r) => walk(r.stack, mount)), ...(handle.handlers ?? []).map((h) => walkHandle(h, mount))].flat();
}

/** The same routes as sorted "METHOD /path" lines (`:param` placeholders kept), each once. */
export function routesOf(app: Express): string[] {
  const clean = (p: string) => p.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
  return [...new Set(registeredRoutes(app).map((r) => `${r.method.toUpperCase()} ${clean(r.path)}`))].sort();
}
