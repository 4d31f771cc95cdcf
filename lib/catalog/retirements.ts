/**
 * Azure services that Microsoft has retired or announced it will retire: data, in this one list,
 * each with its date and Microsoft's notice. A workload that depends on one still loads (it may
 * be mid-migration), but `catalog check` warns, readiness says so, and so does every incident of
 * the workload, because failing over to a second region of a retired service buys nothing.
 */
import { serviceKey } from '../alerts/services.js';
import type { PlaybookKind, Workload } from './types.js';

export interface Retirement {
  /** The service's name; matched by serviceKey, so "Azure Media Services" matches too. */
  service: string;
  /** Playbook kinds that only make sense for this service. */
  playbookKinds: readonly PlaybookKind[];
  /** Retirement date, `YYYY-MM-DD` (UTC); from that day on the service is retired. */
  retiresOn: string;
  /** Microsoft's retirement notice. */
  notice: string;
  advice: string;
}

export const RETIREMENTS: readonly Retirement[] = [
  {
    service: 'Media Services',
    playbookKinds: ['mediaServices'],
    retiresOn: '2024-06-30',
    notice: 'https://azure.microsoft.com/updates/retirement-notice-azure-media-services-is-being-retired-on-30-june-2024/',
    advice: 'move streaming and encoding to a partner solution and remove this workload once migrated',
  },
  {
    // Microsoft Lifecycle's date (the service ended at 22:59:59 PT that day).
    service: 'Microsoft Genomics',
    playbookKinds: ['genomics'],
    retiresOn: '2025-01-06',
    notice: 'https://learn.microsoft.com/lifecycle/products/microsoft-genomics',
    advice: 'run the pipeline on Azure Batch or another workflow service and remove this workload once migrated',
  },
];

const BY_SERVICE_KEY = new Map(RETIREMENTS.map((r) => [serviceKey(r.service), r]));

export interface RetirementHit {
  retirement: Retirement;
  /** Index into `services` of the first retired service, or null when matched by playbook kind only. */
  serviceIndex: number | null;
}

/** Retirements that apply to a workload with these services and playbook kind, once each. */
export function findRetirements(services: readonly string[] | undefined, kind: PlaybookKind | undefined): RetirementHit[] {
  const hits = new Map<Retirement, RetirementHit>();
  services?.forEach((name, i) => {
    const retirement = BY_SERVICE_KEY.get(serviceKey(name));
    if (retirement !== undefined && !hits.has(retirement)) hits.set(retirement, { retirement, serviceIndex: i });
  });
  if (kind !== undefined) {
    for (const retirement of RETIREMENTS) {
      if (retirement.playbookKinds.includes(kind) && !hits.has(retirement)) hits.set(retirement, { retirement, serviceIndex: null });
    }
  }
  return [...hits.values()];
}

/**
 * One line: "Microsoft Genomics was retired on 2025-01-06 (<notice>); <advice>" once that day
 * has begun (UTC), "will be retired on …" before.
 */
export function retirementMessage(retirement: Retirement, now: Date): string {
  const retired = now.getTime() >= Date.parse(`${retirement.retiresOn}T00:00:00Z`);
  const when = retired ? `was retired on ${retirement.retiresOn}` : `will be retired on ${retirement.retiresOn}`;
  return `${retirement.service} ${when} (${retirement.notice}); ${retirement.advice}`;
}

/** What a loaded workload's readiness and incidents say of the retired services it depends on: one line each. */
export function workloadRetirements(workload: Pick<Workload, 'services' | 'playbook'>, now: Date): string[] {
  return findRetirements(workload.services, workload.playbook.kind).map((hit) => `depends on a retired service: ${retirementMessage(hit.retirement, now)}`);
}
