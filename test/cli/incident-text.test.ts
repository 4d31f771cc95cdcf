/**
 * The words of `failover incidents list` and `show` for an incident's source and checklist,
 * from view objects as the app answers them.
 */
import { describe, expect, it } from 'vitest';
import { checklistLines, listLines, sourceLines } from '../../cli/incident-text.js';
import type { IncidentSource } from '../../lib/incidents/source.js';
import type { IncidentBrief } from '../../lib/operators/incidents.js';
import type { ChecklistItem } from '../../lib/playbooks/types.js';

const SH: IncidentSource = {
  kind: 'service-health',
  trackingId: '7K2T-LQ8',
  resourceId: null,
  operationName: 'Microsoft.ServiceHealth/incident/action',
  subscriptionId: 'bba14129-e895-429b-8809-278e836ecdb3',
  services: ['Media Services', 'Storage'],
  regions: ['westeurope'],
  portalUrl: 'https://app.azure.com/h/7K2T-LQ8/bbadb3',
};
const RH: IncidentSource = {
  kind: 'resource-health',
  trackingId: null,
  resourceId: '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourceGroups/rg-media/providers/Microsoft.Media/mediaservices/contosomediaweu',
  operationName: 'Microsoft.Resourcehealth/healthevent/Activated/action',
  subscriptionId: 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e',
  services: [],
  regions: [],
  portalUrl: 'https://portal.azure.com/#resource/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourceGroups/rg-media/providers/Microsoft.Media/mediaservices/contosomediaweu/resourceHealth',
};

const brief = (incidentId: string, source: IncidentSource | null, outcome: string | null, title: string): IncidentBrief =>
  ({ incidentId, incidentKey: null, source, replay: null, runtimeStatus: 'Completed', phase: 'completed', outcome, title, mode: 'execute', kind: 'unplanned', workloads: ['media-streaming'], duplicates: 0, createdAt: '2026-11-23T09:14:00.000Z', updatedAt: '', statusUrl: '' }) as IncidentBrief;

describe('incidents list', () => {
  it('shows the tracking ID or the resource name, and the subscription first segment, aligned', () => {
    expect(
      listLines([
        brief('incident-1', SH, 'failed-over', 'West Europe outage'),
        brief('incident-2', RH, 'notified-only', 'contosomediaweu unavailable'),
        brief('incident-3', { ...SH, kind: 'manual', trackingId: null, operationName: null, subscriptionId: null, portalUrl: null }, 'planned', 'drill'),
      ]),
    ).toEqual([
      'incident-1  2026-11-23T09:14:00.000Z  7K2T-LQ8         bba14129  failed-over                  media-streaming  West Europe outage',
      'incident-2  2026-11-23T09:14:00.000Z  contosomediaweu  aaaa0a0a  notified-only                media-streaming  contosomediaweu unavailable',
      'incident-3  2026-11-23T09:14:00.000Z  -                -         planned                      media-streaming  drill',
    ]);
  });
});

describe('incidents show: Source', () => {
  it('names the kind, the tracking ID, subscription, services, regions and the portal link', () => {
    expect(sourceLines(SH)).toEqual([
      '  Source',
      '    kind          Service Health',
      '    tracking ID   7K2T-LQ8',
      '    operation     Microsoft.ServiceHealth/incident/action',
      '    subscription  bba14129-e895-429b-8809-278e836ecdb3',
      '    services      Media Services, Storage',
      '    regions       westeurope',
      '    portal        https://app.azure.com/h/7K2T-LQ8/bbadb3',
    ]);
  });

  it('names the resource of a Resource Health incident; a manual request says it has no Azure reference', () => {
    expect(sourceLines(RH)).toContain(`    resource      ${RH.resourceId}`);
    expect(sourceLines({ kind: 'manual', trackingId: null, resourceId: null, operationName: null, subscriptionId: null, services: [], regions: [], portalUrl: null })).toEqual([
      '  Source',
      '    kind          manual request (no Azure reference)',
    ]);
    expect(sourceLines(null)).toEqual(['  Source: not known (the incident keeps no first signal)']);
  });
});

describe('incidents show: What to do next', () => {
  const item = (workloadId: string, direction: 'failover' | 'failback', text: string, url?: string): ChecklistItem => ({ workloadId, direction, step: 's', kind: 'check', text, ...(url !== undefined ? { url } : {}) });

  it('lists each workload with its to-dos as check boxes', () => {
    expect(
      checklistLines(
        [
          item('media-streaming', 'failover', 'Point the encoders of live-1 at rtmps://live-1-neu.example:2935/live/abc', 'rtmps://live-1-neu.example:2935/live/abc'),
          item('genomics-pipeline', 'failover', 'Resubmit the workflow wgs-17 by hand'),
          item('media-streaming', 'failover', 'Give the CDN the new playback URL', 'https://ep-neu.streaming.media.azure.net/abc/manifest'),
        ],
        true,
      ),
    ).toEqual([
      '  What to do next',
      '    media-streaming (failover)',
      '      [ ] Point the encoders of live-1 at rtmps://live-1-neu.example:2935/live/abc',
      '      [ ] Give the CDN the new playback URL (https://ep-neu.streaming.media.azure.net/abc/manifest)',
      '    genomics-pipeline (failover)',
      '      [ ] Resubmit the workflow wgs-17 by hand',
    ]);
  });

  it('says in words when there is nothing to do', () => {
    expect(checklistLines([], true)).toEqual(['  What to do next: Nothing to do by hand.']);
    expect(checklistLines([], false)).toEqual(['  What to do next: Nothing to do by hand so far.']);
  });
});
