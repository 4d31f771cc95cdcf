/**
 * Case-insensitive path templates (ARM paths are case-insensitive and the SDKs mix
 * `mediaservices` and `mediaServices`), matched segment by segment.
 */
import type { Route } from './types.js';

interface Compiled {
  route: Route;
  method: string;
  segments: Array<{ literal: string } | { param: string }>;
}

export class Router {
  private readonly compiled: Compiled[] = [];

  add(routes: Route[]): void {
    for (const route of routes) {
      const segments = route.pattern
        .split('/')
        .filter((s) => s !== '')
        .map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : { literal: s.toLowerCase() }));
      this.compiled.push({ route, method: route.method.toUpperCase(), segments });
    }
  }

  /** The route and its parameters; `methodMismatch` when the path exists for other methods only. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | { methodMismatch: boolean } {
    const parts = path.split('/').filter((s) => s !== '');
    const lower = parts.map((p) => p.toLowerCase());
    let pathMatched = false;
    for (const c of this.compiled) {
      if (c.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = c.segments[i]!;
        if ('literal' in seg) {
          if (seg.literal !== lower[i]) {
            ok = false;
            break;
          }
        } else {
          params[seg.param] = decodeURIComponent(parts[i]!);
        }
      }
      if (!ok) continue;
      if (c.method !== method.toUpperCase()) {
        pathMatched = true;
        continue;
      }
      return { route: c.route, params };
    }
    return { methodMismatch: pathMatched };
  }
}
