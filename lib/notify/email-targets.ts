/**
 * Email targets without email settings: what `failover catalog check` and `GET /api/health`
 * report, so a catalog's email targets are never accepted and then silently not sent. The app
 * still loads such a catalog (refusing it would stop failovers over a notification setting); the
 * targets are reported as errors, and each notification they miss is recorded undelivered and
 * told to the workload's other channels (delivery.ts).
 */
import type { Catalog, CatalogProblem } from '../catalog/types.js';
import { EMAIL_SETTINGS_HINT } from '../config.js';

/** Every email target of the catalog, by workload and position. */
export function emailTargets(catalog: Catalog): Array<{ workload: string; workloadIndex: number; index: number; address: string }> {
  return catalog.workloads.flatMap((w, workloadIndex) =>
    w.notify.flatMap((t, index) => (t.kind === 'email' ? [{ workload: w.id, workloadIndex, index, address: t.address }] : [])),
  );
}

/** One error per email target when email is not configured; none when it is. */
export function emailTargetProblems(catalog: Catalog, emailConfigured: boolean): CatalogProblem[] {
  if (emailConfigured) return [];
  return emailTargets(catalog).map((t) => ({
    severity: 'error',
    path: `workloads[${t.workloadIndex}].notify[${t.index}].email`,
    workload: t.workload,
    message: `${t.workload} notifies ${t.address} by email, but email is not configured: nothing would be sent to it. Set ${EMAIL_SETTINGS_HINT} in the app's settings, or replace the target with a teams, slack or webhook one`,
  }));
}
