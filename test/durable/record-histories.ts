/**
 * `npm run histories:record`: runs each scenario on the whole app in-process (the local host
 * loading functions/, its durable runtime on virtual time, the Azure simulator with the sample
 * estate, Azurite) and writes the histories of the incident and its playbooks to
 * test/durable/histories/<scenario>.json, which histories.test.ts replays against today's code.
 *
 * Re-record after a change that is meant to change what new incidents record (behind a version
 * branch, or under a new orchestration name): orchestrations/README.md, "Changing an orchestration".
 * `npm run histories:record -- cancel-rollback` records only the scenarios named.
 */
import { isDeepStrictEqual } from 'node:util';
import { createManualSignal } from '../../lib/alerts/manual.js';
import { startIncident, type IncidentClient } from '../../lib/incidents/client.js';
import { summarizeSignal } from '../../lib/incidents/signals.js';
import { incidentInstanceId } from '../../lib/intake/accept.js';
import { INCIDENT_ORCHESTRATOR_VERSION, type IncidentInput } from '../../lib/incidents/types.js';
import type { RecordedInstance } from '../../local/durable/index.js';
import { startApp, type App, type StartAppOptions } from '../e2e/support.js';
import { EventType } from '../../local/durable/history.js';
import { readHistoryFile, stored, writeHistoryFile } from './histories.js';

const RECORDED = 'npm run histories:record (test/durable/record-histories.ts): the app in-process on the local host with its durable runtime on virtual time, the Azure simulator with the sample estate, and Azurite';
const MEDIA_NEU = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu';
const TRAFFIC_NEU = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-global/providers/Microsoft.Network/trafficManagerProfiles/contoso-stream/externalEndpoints/neu';

interface View {
  phase: string;
  runtimeStatus: string;
  outcome: string | null;
}

interface Scenario {
  name: string;
  scenario: string;
  version: number;
  app?: StartAppOptions;
  /** Runs the scenario to its end; answers the incident's id. */
  run(app: App, step: (what: string) => void): Promise<string>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'failover-approval-failback',
    scenario: 'purview-governance failed over by request after an approval, then failed back after a sustained healthy primary and a second approval',
    version: INCIDENT_ORCHESTRATOR_VERSION,
    async run(app, step) {
      const dana = await app.signIn('dana@contoso.example', { roles: ['Failover.Approver'] });
      const id = await requestFailover(app, ['purview-governance'], 'histories: approval, then failback');
      await until(app, id, 'the failover approval request', (v) => v.phase === 'awaiting-approval');
      step('approving the failover');
      await expectStatus(app.request('POST', `/api/incidents/${id}/approve`, { body: { comment: 'go' }, headers: dana }), 202);
      await until(app, id, 'the failover', (v) => v.phase === 'failed-over');
      step('failed over; requesting the failback');
      await expectStatus(app.request('POST', `/api/incidents/${id}/failback`, { body: { comment: 'primary is back' }, headers: dana }), 202);
      await until(app, id, 'the failback approval request', (v) => v.phase === 'awaiting-failback-approval');
      step('approving the failback');
      await expectStatus(app.request('POST', `/api/incidents/${id}/approve`, { body: { comment: 'back we go' }, headers: dana }), 202);
      await until(app, id, 'the failback', (v) => v.runtimeStatus === 'Completed');
      return expectOutcome(app, id, 'failed-over-and-back');
    },
  },
  {
    name: 'cancel-rollback',
    scenario: 'media-streaming cancelled while failing over (the standby streaming endpoint starting): stopped at the next step boundary, then rolled back on request (a compensation run)',
    version: INCIDENT_ORCHESTRATOR_VERSION,
    // Azure at 30x: a streaming endpoint takes seconds to start, time enough to cancel mid-way.
    app: { simTimeScale: 30 },
    async run(app, step) {
      const id = await requestFailover(app, ['media-streaming'], 'histories: cancel while failing over');
      const state = () => (app.sim.store.get(`${MEDIA_NEU}/streamingEndpoints/default`)?.properties as Record<string, unknown> | undefined)?.['resourceState'];
      const cancelled = (async () => {
        while (state() !== 'Starting') await new Promise((r) => setTimeout(r, 20));
        step('cancelling while the standby streaming endpoint starts');
        return expectStatus(app.request('POST', `/api/incidents/${id}/cancel`, { body: { comment: 'wrong workload' } }), 202);
      })();
      await until(app, id, 'the failover to stop', (v) => v.phase === 'stopped-partway');
      await cancelled;
      step('stopped partway; rolling back');
      await expectStatus(app.request('POST', `/api/incidents/${id}/failback`, { body: {} }), 202);
      await until(app, id, 'the rollback', (v) => v.runtimeStatus === 'Completed');
      return expectOutcome(app, id, 'rolled-back');
    },
  },
  {
    name: 'failed-step-compensation',
    scenario: "media-streaming's switch-traffic step fails for good (its Traffic Manager endpoint is gone): the steps done are compensated newest first and the incident ends failover-failed",
    version: INCIDENT_ORCHESTRATOR_VERSION,
    async run(app) {
      app.sim.store.delete(TRAFFIC_NEU);
      const id = await requestFailover(app, ['media-streaming'], 'histories: a step fails');
      await until(app, id, 'the failed failover', (v) => v.runtimeStatus === 'Completed');
      return expectOutcome(app, id, 'failover-failed');
    },
  },
  {
    name: 'version-1',
    scenario: 'datashare-sales failed over and forced back by an incident started under orchestrator version 1 (before versioning): it ends without archiving its page',
    version: 1,
    async run(app, step) {
      const at = new Date(app.clock.now());
      const signal = createManualSignal({ requestId: 'histories-version-1', workloads: ['datashare-sales'], reason: 'histories: version 1', requestedBy: 'histories', at });
      const incidentId = incidentInstanceId(signal.incidentKey, at);
      const input: IncidentInput = { incidentId, version: 1, signal: summarizeSignal(signal, 'manual'), mode: 'execute', kind: 'planned' };
      // Through the client every start path uses, with the version named: the old branch runs.
      if ((await startIncident(runtimeClient(app), incidentId, input)) !== 'started') throw new Error(`${incidentId} was not started`);
      await until(app, incidentId, 'the failover', (v) => v.phase === 'failed-over');
      step('failed over; forcing the failback');
      const grace = await app.signIn('grace@contoso.example', { roles: ['Failover.Approver'] });
      await expectStatus(app.request('POST', `/api/incidents/${incidentId}/failback`, { body: { force: true, reason: 'drill over' }, headers: grace }), 202);
      await until(app, incidentId, 'the failback', (v) => v.runtimeStatus === 'Completed');
      return expectOutcome(app, incidentId, 'failed-over-and-back');
    },
  },
];

/** The durable client's start, on the in-process runtime; the rest of the client is not used here. */
function runtimeClient(app: App): IncidentClient {
  const unused = () => Promise.reject(new Error('not used when recording histories'));
  return {
    startNew: async (name, { instanceId, input }) => app.runtime.start(name, input, instanceId),
    getStatus: unused,
    getStatusBy: unused,
    raiseEvent: unused,
  };
}

async function requestFailover(app: App, workloads: string[], reason: string): Promise<string> {
  const reply = await expectStatus(app.request('POST', '/api/failovers', { body: { workloads, reason, requestId: reason.replace(/\W+/g, '-') } }), 202);
  return reply.body.incidentId as string;
}

async function expectStatus<T extends { status: number; body: unknown }>(reply: Promise<T>, status: number): Promise<T> {
  const r = await reply;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}

const until = (app: App, id: string, what: string, done: (v: View) => boolean) => app.until<View>(id, what, done);

async function expectOutcome(app: App, id: string, outcome: string): Promise<string> {
  const v = await app.view<View>(id);
  if (v.outcome !== outcome) throw new Error(`${id} ended ${v.outcome ?? v.phase}, not ${outcome}`);
  return id;
}

/** The incident and every playbook it started, each finished: the incident first, then its playbooks in the order it started them. */
function instancesOf(app: App, id: string): RecordedInstance[] {
  const started = app.runtime.history(id).filter((e) => e.EventType === EventType.SubOrchestrationInstanceCreated).map((e) => e.InstanceId);
  const found = [app.runtime.get(id)!, ...started.map((child) => app.runtime.get(child ?? '')!)];
  const open = found.filter((i) => i.status !== 'Completed');
  if (open.length > 0) throw new Error(`not finished: ${open.map((i) => `${i.instanceId} ${i.status}`).join(', ')}`);
  return found.map((i) => ({ name: i.name, instanceId: i.instanceId, status: i.status, history: app.runtime.history(i.instanceId) }));
}

async function record(s: Scenario): Promise<void> {
  const started = Date.now();
  const say = (what: string) => console.log(`  ${s.name}: ${what}`);
  say('starting the app (local host, simulator, Azurite)');
  const app = await startApp(s.app);
  try {
    say('running');
    const id = await s.run(app, say);
    const instances = instancesOf(app, id);
    const version = (JSON.parse(instances[0]!.history.find((e) => e.EventType === EventType.ExecutionStarted)!.Input ?? '{}') as { version?: number }).version ?? 1;
    if (version !== s.version) throw new Error(`${id} ran under version ${version}, not ${s.version}`);
    const file = { scenario: s.scenario, orchestratorVersion: version, recorded: RECORDED, instances };
    const path = writeHistoryFile(s.name, file);
    // What is read back is what was recorded, less only what the file leaves out on purpose (histories.ts).
    const back = readHistoryFile(path).instances;
    const bad = instances.flatMap((i, k) => i.history.flatMap((e, n) => (isDeepStrictEqual(back[k]?.history[n], { EventId: -1, ...stored(e), IsPlayed: false }) && isDeepStrictEqual({ ...back[k], history: [] }, { ...i, history: [] }) ? [] : [`${i.instanceId} event #${n}`])));
    if (bad.length > 0 || back.length !== instances.length) throw new Error(`${path} does not read back as recorded: ${bad.slice(0, 3).join(', ')}`);
    const events = instances.reduce((n, i) => n + i.history.length, 0);
    say(`wrote ${path} (${instances.length} instances, ${events} events) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await app.close();
  }
}

const only = process.argv.slice(2);
const unknown = only.filter((n) => !SCENARIOS.some((s) => s.name === n));
if (unknown.length > 0) {
  console.error(`no scenario ${unknown.join(', ')}; the scenarios are ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
for (const s of SCENARIOS.filter((x) => only.length === 0 || only.includes(x.name))) {
  console.log(`recording ${s.name}: ${s.scenario}`);
  await record(s);
}
console.log('done: npx vitest run test/durable/histories.test.ts replays them');
process.exit(0);
