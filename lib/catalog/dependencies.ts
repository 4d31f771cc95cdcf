/**
 * `dependsOn` ordering: a database fails over before the app that reads it. The catalog check
 * rejects cycles (they could never be ordered), and dependencyGroups turns the workloads an
 * incident touches into waves the orchestration runs one after another.
 */
import { indexOf } from './lookup.js';
import type { Catalog } from './types.js';

/**
 * Every distinct cycle reachable in the graph, each as node indexes with the first repeated at
 * the end (`[a, b, a]`), rotated to start at its lowest index so reports are stable.
 */
export function findCycles(edges: readonly (readonly number[])[]): number[][] {
  const state = new Uint8Array(edges.length); // 0 unvisited, 1 on the stack, 2 done
  const stack: number[] = [];
  const seen = new Set<string>();
  const cycles: number[][] = [];
  const visit = (node: number): void => {
    state[node] = 1;
    stack.push(node);
    for (const next of edges[node] ?? []) {
      if (state[next] === 1) {
        const loop = stack.slice(stack.indexOf(next));
        const start = loop.indexOf(Math.min(...loop));
        const rotated = [...loop.slice(start), ...loop.slice(0, start)];
        const key = rotated.join(',');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...rotated, rotated[0] ?? next]);
        }
      } else if (state[next] === 0) {
        visit(next);
      }
    }
    stack.pop();
    state[node] = 2;
  };
  for (let node = 0; node < edges.length; node++) if (state[node] === 0) visit(node);
  return cycles;
}

/**
 * The given workloads in waves: each wave only after every workload it depends on, directly or
 * through workloads outside the set (A → B → C with only A and C given still puts C first).
 * Dependencies outside the set are otherwise ignored. Within a wave, catalog order.
 * Unknown ids throw: they are a caller's bug, and silently dropping one would skip a failover.
 */
export function dependencyGroups(catalog: Catalog, workloadIds: readonly string[]): string[][] {
  const index = indexOf(catalog);
  const wanted = new Set<number>();
  for (const id of workloadIds) {
    const i = index.byId.get(id);
    if (i === undefined) throw new Error(`dependencyGroups: unknown workload id '${id}'`);
    wanted.add(i);
  }
  const wave = new Map<number, number>();
  const computing = new Set<number>();

  // The nearest dependencies inside the set, looking through those outside it.
  const nearestWanted = (from: number): Set<number> => {
    const found = new Set<number>();
    const seen = new Set<number>([from]);
    const queue = [...(index.dependsOn[from] ?? [])];
    while (queue.length > 0) {
      const dep = queue.pop() as number;
      if (seen.has(dep)) continue;
      seen.add(dep);
      if (wanted.has(dep)) found.add(dep);
      else queue.push(...(index.dependsOn[dep] ?? []));
    }
    return found;
  };

  const waveOf = (node: number): number => {
    const known = wave.get(node);
    if (known !== undefined) return known;
    if (computing.has(node)) throw new Error(`dependencyGroups: dependency cycle through '${catalog.workloads[node]?.id}'`);
    computing.add(node);
    let level = 0;
    for (const dep of nearestWanted(node)) level = Math.max(level, waveOf(dep) + 1);
    computing.delete(node);
    wave.set(node, level);
    return level;
  };

  const groups: string[][] = [];
  for (const node of [...wanted].sort((a, b) => a - b)) {
    const level = waveOf(node);
    while (groups.length <= level) groups.push([]);
    groups[level]?.push(catalog.workloads[node]?.id ?? '');
  }
  return groups;
}
