/**
 * Which catalog workloads a signal calls for failing over: those whose primary side it touches.
 * A hit on the secondary side only is news, not a reason to act. One rule for the webhook (which
 * answers "nothing to do" without starting an incident) and the planning activity.
 */
import type { Signal } from '../alerts/signal.js';
import { matchSignal } from '../catalog/match.js';
import type { Catalog, Workload } from '../catalog/types.js';

export type Affected = { workloads: Workload[]; reason: null } | { workloads: []; reason: string };

export function affectedWorkloads(catalog: Catalog, signal: Signal): Affected {
  const matches = matchSignal(catalog, signal);
  const affected = matches.filter((m) => m.side !== 'secondary').map((m) => m.workload);
  if (affected.length > 0) return { workloads: affected, reason: null };
  if (matches.length > 0) return { workloads: [], reason: `only the secondary side of ${matches.map((m) => m.workload.id).join(', ')} is affected` };
  return { workloads: [], reason: 'no workload in the catalog is affected' };
}
