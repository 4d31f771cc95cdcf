/**
 * `npm run demo -- --scenario governance`: the data-governance estate. East US goes down for
 * Microsoft Purview, and Service Health tells the webhook: the incident waits for approval, then
 * points the workload at the warm standby in West US, naming what the standby lacks. Meanwhile
 * Microsoft announces a Dynamics 365 failover in Europe, only through Microsoft 365 service
 * health: the poller turns it into an incident that pauses integrations and records the possible
 * data loss. Both end: Purview fails back after approval, Dynamics 365 resumes when Microsoft
 * resolves its issue.
 */
import type { ReportCheck } from '../lib/report/incident-report.js';
import { purviewEastUs } from './alerts.js';
import type { DemoDriver, ScenarioResult, Tracked } from './driver.js';
import { EMAIL_SEND_OPERATION } from '../sim/providers/communication-email.js';

const DYNAMICS_ISSUE = 'CR700001';

export async function governanceScenario(d: DemoDriver): Promise<ScenarioResult> {
  const { stack, say } = d;
  const readiness = (await d.call('GET', '/api/workloads/purview-governance/readiness')).body as { ready: boolean; standby: { summary: string } };
  say(`before anything happens, the Purview readiness check: ${readiness.ready ? 'ready' : 'NOT READY'}: ${readiness.standby.summary}`);

  say('East US goes down for Microsoft Purview (simulated)');
  await d.sim('POST', '/_sim/regions/eastus/outage', { services: ['Microsoft Purview'] });
  await d.deliver('purview', 'purview-governance', purviewEastUs({ stage: 'Active', title: 'Microsoft Purview - East US - Investigating', communicationId: '1100009900201', at: d.azureNow() }));
  const purview = d.incidents.find((i) => i.workload === 'purview-governance');
  if (purview === undefined) throw new Error('the Purview alert started no incident');

  say('Microsoft announces a Dynamics 365 failover in Europe (Microsoft 365 service health, simulated)');
  await d.sim('POST', '/_sim/graph/issues', {
    id: DYNAMICS_ISSUE,
    title: 'Users in Europe may be unable to access Dynamics 365 environments',
    classification: 'incident',
    status: 'serviceDegradation',
    impactDescription: 'Microsoft is failing Dynamics 365 environments in Europe over to the paired datacenter.',
  });
  const dynamics = await waitForIncident(d, 'dynamics', 'dynamics-crm');

  await d.follow('the Purview failover to be asked for', (v) => v.phase === 'awaiting-approval', [purview]);
  await d.approve(purview, 'East US Purview is down; go to the warm standby');
  await d.follow('both to act', (v) => v.phase === 'failed-over');

  say('Azure resolves the Purview incident; Microsoft resolves the Dynamics 365 issue');
  await d.sim('DELETE', '/_sim/regions/eastus/outage');
  await d.deliver('purview', 'purview-governance', purviewEastUs({ stage: 'Resolved', title: 'Microsoft Purview - East US - Mitigated', communicationId: '1100009900202', at: d.azureNow() }));
  await d.sim('POST', `/_sim/graph/issues/${DYNAMICS_ISSUE}/resolve`);
  await d.follow('the Purview failback to be asked for', (v) => v.phase === 'awaiting-failback-approval', [purview]);
  await d.approve(purview, 'East US healthy again');
  const finals = await d.follow('both to end', (v) => v.runtimeStatus === 'Completed', [purview, dynamics]);

  // Sorted: the two incidents write in whichever order their playbooks reach the step. Emails are the channels' messages, not the estate's changes.
  const writes = stack.sim.log.list({}).filter((o) => o.status < 300 && o.method !== 'GET' && o.operation !== EMAIL_SEND_OPERATION).map((o) => o.path.split('/').pop()).sort();
  const drift = finals[0]?.summary?.failover['purview-governance']?.steps.find((s) => s.step === 'check-readiness')?.detail ?? '';
  const checks: ReportCheck[] = [
    ...finals.map((v) => ({ ok: v.outcome === 'failed-over-and-back', what: `${v.workloads.join(', ')}: ${v.outcome}` })),
    { ok: (await d.setting('purview:activeAccount')) === 'contosopurvieweus', what: 'purview:activeAccount points at East US again' },
    { ok: drift.includes('finance-sql'), what: `the failover named the standby's drift: ${drift}` },
    { ok: (await d.setting('crm:degradedMode')) === 'false', what: 'crm:degradedMode is false: Dynamics 365 integrations run again' },
    {
      ok: writes.filter((w) => w === 'crm:degradedMode').length === 2 && writes.every((w) => w === 'crm:degradedMode' || w === 'purview:activeAccount'),
      what: `the only writes were the two keys, each once each way (${writes.join(', ')})`,
    },
  ];
  return { title: 'Failover demo: Purview in East US, Dynamics 365 in Europe', finals, checks };
}

/** The incident the service health poller starts for `workload`, once it has. */
async function waitForIncident(d: DemoDriver, label: string, workload: string): Promise<Tracked> {
  d.say(`waiting for the service health poller to bring ${workload} an incident…`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const list = (await d.call('GET', '/api/incidents?state=all')).body as { incidents: Array<{ incidentId: string; workloads: string[] }> };
    const found = list.incidents.find((i) => i.workloads.includes(workload));
    if (found !== undefined) {
      d.say(`${label}: incident ${found.incidentId} started from Microsoft 365 service health`);
      return d.track(label, workload, found.incidentId);
    }
    if (Date.now() > deadline) throw new Error(`no incident for ${workload} within a minute`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
