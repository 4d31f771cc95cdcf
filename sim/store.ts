/**
 * The simulated estate: every resource by its ARM id (compared case-insensitively, as ARM
 * does), plus free-form records for things that are not ARM resources (App Configuration
 * key-values, Genomics workflows, Graph issues, jobs' history).
 */
import type { SimResource } from './types.js';

export function idKey(id: string): string {
  return id.trim().replace(/\/+$/, '').toLowerCase();
}

export class Store {
  private readonly resources = new Map<string, SimResource>();

  get(id: string): SimResource | undefined {
    return this.resources.get(idKey(id));
  }

  put(resource: SimResource): SimResource {
    this.resources.set(idKey(resource.id), resource);
    return resource;
  }

  delete(id: string): boolean {
    const key = idKey(id);
    let deleted = this.resources.delete(key);
    // Deleting a resource deletes its children, as in ARM.
    for (const k of [...this.resources.keys()]) {
      if (k.startsWith(`${key}/`)) deleted = this.resources.delete(k) || deleted;
    }
    return deleted;
  }

  /** Direct children of `parentId` of one type segment (`streamingEndpoints`). */
  children(parentId: string, typeSegment: string): SimResource[] {
    const prefix = `${idKey(parentId)}/${typeSegment.toLowerCase()}/`;
    return [...this.resources.entries()]
      .filter(([k]) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
      .map(([, r]) => r);
  }

  /** Every resource whose full type matches (case-insensitive), optionally within a subscription. */
  ofType(type: string, subscriptionId?: string): SimResource[] {
    const t = type.toLowerCase();
    const sub = subscriptionId?.toLowerCase();
    return [...this.resources.values()].filter(
      (r) => r.type.toLowerCase() === t && (sub === undefined || idKey(r.id).startsWith(`/subscriptions/${sub}/`)),
    );
  }

  all(): SimResource[] {
    return [...this.resources.values()];
  }

  /** The region of a resource, or of the nearest ancestor that has one. */
  regionOf(id: string): string | undefined {
    let key = idKey(id);
    for (;;) {
      const r = this.resources.get(key);
      if (r !== undefined && r.location !== '') return r.location;
      const cut = key.lastIndexOf('/');
      if (cut <= 0) return undefined;
      key = key.slice(0, cut);
    }
  }

  clear(): void {
    this.resources.clear();
  }
}
