/**
 * The default demo scenario: West Europe goes down for Media Services and East US 2 for Azure
 * Data Share; Service Health tells the webhook; both fail over, Azure resolves both incidents,
 * on-call approves the failbacks, and the estate must end back on the primaries with the
 * secondaries idle.
 */
import type { ReportCheck } from '../lib/report/incident-report.js';
import { dataShareEastUs2, mediaWestEurope } from './alerts.js';
import type { DemoDriver, ScenarioResult } from './driver.js';

const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups';
const NEU = `${SUB}/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu`;
const TM = `${SUB}/rg-media-global/providers/Microsoft.Network/trafficManagerProfiles/contoso-stream/externalEndpoints`;
const DS_PRIMARY = `${SUB}/rg-datashare-eus2/providers/Microsoft.DataShare/accounts/contosodsconsumereus2/shareSubscriptions/sales-snapshots`;
const DS_SECONDARY = `${SUB}/rg-datashare-cus/providers/Microsoft.DataShare/accounts/contosodsconsumercus/shareSubscriptions/sales-snapshots`;

export async function regionsScenario(d: DemoDriver): Promise<ScenarioResult> {
  const { stack, say } = d;
  say('West Europe goes down for Media Services, East US 2 for Azure Data Share (simulated)');
  await d.sim('POST', '/_sim/regions/westeurope/outage', { services: ['Media Services'] });
  await d.sim('POST', '/_sim/regions/eastus2/outage', { services: ['Azure Data Share'] });
  await d.deliver('media', 'media-streaming', mediaWestEurope({ stage: 'Active', title: 'Media Services - West Europe - Investigating', communicationId: '1100009900001', at: d.azureNow() }));
  await d.deliver('datashare', 'datashare-sales', dataShareEastUs2({ stage: 'Active', title: 'Azure Data Share - East US 2 - Investigating', communicationId: '1100009900101', at: d.azureNow() }));
  if (d.incidents.length !== 2) throw new Error(`expected two incidents, got ${d.incidents.length}`);

  await d.follow('both failovers', (v) => v.phase === 'failed-over');

  say('Azure resolves both incidents; the regions come back');
  await d.sim('DELETE', '/_sim/regions/westeurope/outage');
  await d.sim('DELETE', '/_sim/regions/eastus2/outage');
  await d.deliver('media', 'media-streaming', mediaWestEurope({ stage: 'Resolved', title: 'Media Services - West Europe - Mitigated', communicationId: '1100009900002', at: d.azureNow() }));
  await d.deliver('datashare', 'datashare-sales', dataShareEastUs2({ stage: 'Resolved', title: 'Azure Data Share - East US 2 - Mitigated', communicationId: '1100009900102', at: d.azureNow() }));

  await d.follow('the primaries to stay healthy and the failbacks to be asked for', (v) => v.phase === 'awaiting-failback-approval');
  for (const i of d.incidents) await d.approve(i, 'primary healthy, failing back');
  const finals = await d.follow('both failbacks', (v) => v.runtimeStatus === 'Completed');

  const pointer = await d.setting('media:activeAccount');
  const props = (id: string) => (stack.sim.store.get(id)?.properties ?? {}) as Record<string, unknown>;
  const triggers = (id: string) => stack.sim.store.children(id, 'triggers').map((t) => t.name);
  const log = (op: string) => stack.sim.log.list({ operation: op }).filter((o) => o.status < 300).length;
  const checks: ReportCheck[] = [
    ...finals.map((v) => ({ ok: v.outcome === 'failed-over-and-back', what: `${v.workloads.join(', ')}: ${v.outcome}` })),
    { ok: pointer === 'contosomediaweu', what: `media:activeAccount is ${pointer} (new encoding jobs go to West Europe)` },
    { ok: props(`${TM}/weu`)['endpointStatus'] === 'Enabled' && props(`${TM}/neu`)['endpointStatus'] === 'Disabled', what: 'Traffic Manager sends viewers to West Europe again' },
    { ok: props(`${NEU}/streamingEndpoints/default`)['resourceState'] === 'Stopped', what: 'the North Europe streaming endpoint is stopped again' },
    { ok: props(`${NEU}/liveEvents/live-main`)['resourceState'] === 'Stopped', what: 'the North Europe live event is stopped again' },
    { ok: log('Microsoft.Media/streamingEndpoints/start') === 1 && log('Microsoft.Media/streamingEndpoints/stop') === 1, what: 'the standby streaming endpoint was started once and stopped once' },
    { ok: stack.sim.store.get(`${NEU}/transforms/adaptive-1080p`) !== undefined, what: 'the adaptive-1080p transform exists in North Europe (transforms stay)' },
    { ok: triggers(DS_PRIMARY).length === 1 && triggers(DS_SECONDARY).length === 0, what: `Data Share snapshots are scheduled in East US 2 (${triggers(DS_PRIMARY).join(', ')}) and not in Central US` },
  ];
  return { title: 'Failover demo: West Europe and East US 2', finals, checks };
}
