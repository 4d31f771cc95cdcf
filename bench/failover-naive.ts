/**
 * The failover benchmark's baseline: the script an engineer in a hurry would write over the same
 * SDK clients the app uses. Every workload at once, and inside each every resource at once
 * (`Promise.all`), with only the orderings the services themselves impose (a live event's
 * recording before its start, the viewers' switch after the starts, the primary's schedules
 * removed after the standby's are made). ARM's 429s are left to the SDK's retry policy: no
 * queue, no priorities, no pacing. And the check both this script and the app must pass for a
 * time to count as a failover's: the estate, as the simulator holds it, has failed over.
 */
import { createAzureClients, type AzureClients } from '../lib/azure/clients.js';
import { parseResourceId } from '../lib/azure/resource-id.js';
import type { Catalog, Workload } from '../lib/catalog/types.js';
import type { Simulator } from '../sim/simulator.js';

export interface NaiveOptions {
  /** The simulator's time scale: the SDK's poll interval and retry delays shrink by it. */
  timeScale: number;
  /**
   * The SDK's retry count. Its default (3) loses requests as soon as ARM throttles a burst of
   * this size: the 429s spend the retries (Retry-After 1 s each) long before the budget refills.
   * A hurried engineer raises it until the script stops failing; so does this baseline.
   */
  maxRetries: number;
  store: string;
}

/** A resource's subscription, group and name, from its ARM id. */
export function where(id: string) {
  const p = parseResourceId(id)!;
  return { sub: p.subscriptionId, rg: p.resourceGroup!, name: p.names[0]! };
}

type MediaClient = ReturnType<AzureClients['media']>;

/**
 * What a live event's failover is, by hand: tagged as started by `startedBy`, its recording put in
 * place (asset, clear locator, live output), started, then where viewers play it. The naive
 * script and the sequential runbook both do this, each in its own order around it.
 */
export async function startLiveEventByHand(
  ams: MediaClient,
  to: ReturnType<typeof where>,
  liveEvent: string,
  location: string,
  startedBy: Record<string, string>,
  poll: { updateIntervalInMs: number },
): Promise<void> {
  const asset = `${liveEvent}-failover`;
  await ams.liveEvents.beginUpdateAndWait(to.rg, to.name, liveEvent, { location, tags: startedBy }, poll);
  await ams.assets.createOrUpdate(to.rg, to.name, asset, { description: `recording of ${liveEvent} during the failover` });
  await ams.streamingLocators.create(to.rg, to.name, asset, { assetName: asset, streamingPolicyName: 'Predefined_ClearStreamingOnly' });
  await ams.liveOutputs.beginCreateAndWait(to.rg, to.name, liveEvent, 'failover', { assetName: asset, archiveWindowLength: 'PT8H' }, poll);
  await ams.liveEvents.beginStartAndWait(to.rg, to.name, liveEvent, poll);
  await ams.streamingLocators.listPaths(to.rg, to.name, asset);
}

/** What the script records on what it starts, as the app does, so a failback stops exactly that. */
const STARTED_BY = { 'failover-started-by': 'script' };

/** Runs the script over every workload of `catalog`; rejects with the first error if any workload's calls fail for good. */
export async function naiveFailover(sim: Simulator, catalog: Catalog, options: NaiveOptions): Promise<{ failed: Array<{ workload: string; error: string }> }> {
  const clients = createAzureClients(
    { kind: 'simulator', endpoint: sim.baseUrl, caPem: sim.ca },
    // The SDK's own retry policy, with its exponential delay (800 ms) scaled like everything else.
    { retry: { maxRetries: options.maxRetries, retryDelayInMs: Math.max(1, Math.round(800 / options.timeScale)), maxRetryDelayInMs: Math.max(1, Math.round(60_000 / options.timeScale)) }, armThrottleQueue: false },
  );
  // core-lro's default poll interval (2 s) on the scaled clock.
  const poll = { updateIntervalInMs: Math.max(1, Math.round(2000 / options.timeScale)) };
  const results = await Promise.allSettled(
    catalog.workloads.map((w) => (w.playbook.kind === 'mediaServices' ? media(clients, w, poll, options.store) : dataShare(clients, w, poll.updateIntervalInMs, options.store))),
  );
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ workload: catalog.workloads[i]!.id, error: r.reason instanceof Error ? r.reason.message : String(r.reason) }] : []));
  return { failed };
}

async function media(clients: AzureClients, w: Workload, poll: { updateIntervalInMs: number }, store: string): Promise<void> {
  if (w.playbook.kind !== 'mediaServices') return;
  const pb = w.playbook;
  const to = where(w.secondary!.resources['account']!);
  const from = where(w.primary.resources['account']!);
  const ams = clients.media(to.sub);
  const location = (await ams.mediaservices.get(to.rg, to.name)).location!;
  await Promise.all([
    ...pb.transforms.map((t) =>
      ams.transforms.createOrUpdate(to.rg, to.name, t.name, { outputs: (t.presets ?? []).map((presetName) => ({ preset: { odataType: '#Microsoft.Media.BuiltInStandardEncoderPreset', presetName } as never })) }),
    ),
    ...pb.streamingEndpoints.map(async (e) => {
      await ams.streamingEndpoints.beginUpdateAndWait(to.rg, to.name, e.name, { location, tags: STARTED_BY }, poll);
      await ams.streamingEndpoints.beginStartAndWait(to.rg, to.name, e.name, poll);
    }),
    // A live event starts only with its recording in place: asset, clear locator, live output; then where viewers play it.
    ...pb.liveEvents.map((l) => startLiveEventByHand(ams, to, l.name, location, STARTED_BY, poll)),
    // The primary's jobs, to resubmit on the standby (none in this estate).
    ...pb.transforms.map(async (t) => {
      for await (const page of clients.media(from.sub).jobs.list(from.rg, from.name, t.name).byPage()) void page;
    }),
  ]);
  const appConfig = clients.appConfiguration(clients.dataPlaneEndpoint('appConfiguration', store));
  const pointer = await appConfig.getConfigurationSetting({ key: pb.activeAccountKey });
  await appConfig.setConfigurationSetting({ ...pointer, value: to.name }, { onlyIfUnchanged: true });
  const tm = pb.trafficManager!;
  const profile = where(tm.profile);
  // Viewers go only to endpoints that answer their host name.
  for await (const e of ams.streamingEndpoints.list(to.rg, to.name)) {
    if (tm.hostName !== null && !(e.customHostNames ?? []).includes(tm.hostName)) throw new Error(`${e.name} does not answer ${tm.hostName}`);
  }
  // The standby is enabled before the primary is disabled: never neither.
  const endpoints = clients.trafficManager(profile.sub).endpoints;
  await endpoints.update(profile.rg, profile.name, 'ExternalEndpoints', tm.secondaryEndpoint, { endpointStatus: 'Enabled' });
  await endpoints.update(profile.rg, profile.name, 'ExternalEndpoints', tm.primaryEndpoint, { endpointStatus: 'Disabled' });
}

async function dataShare(clients: AzureClients, w: Workload, pollIntervalMs: number, store: string): Promise<void> {
  if (w.playbook.kind !== 'dataShare') return;
  const pb = w.playbook;
  const to = where(w.secondary!.resources['consumerAccount']!);
  const from = where(w.primary.resources['consumerAccount']!);
  const provider = where(w.secondary!.resources['providerAccount']!);
  const ds = clients.dataShare(to.sub);
  const primary = clients.dataShare(from.sub);
  await Promise.all([
    ...pb.shares.flatMap((share) => share.consumers.map((email) => ds.createInvitation(provider.rg, provider.name, share.name, `failover-${email.replace(/[^a-z0-9]+/gi, '-')}`, { targetEmail: email }))),
    (async () => {
      await Promise.all(
        pb.shareSubscriptions.map(async (s) => {
          const [mappings, schedules] = await Promise.all([ds.listDataSetMappings(to.rg, to.name, s.name), ds.listSourceShareSynchronizationSettings(to.rg, to.name, s.name)]);
          if (mappings.length === 0) throw new Error(`${s.name} has no dataset mapped`);
          if (schedules.length === 0) throw new Error(`${s.name}: the provider has no schedule`);
          await Promise.all([
            ds.createTrigger(to.rg, to.name, s.name, 'snapshot-schedule', { kind: 'ScheduleBased', properties: { recurrenceInterval: s.recurrence, synchronizationTime: s.synchronizationTime, synchronizationMode: s.synchronizationMode } }, { pollIntervalMs }),
            ds.synchronize(to.rg, to.name, s.name, s.synchronizationMode, { pollIntervalMs }),
          ]);
        }),
      );
      // The primary's schedules go once the standby's exist, recorded first so a failback puts them back.
      const found = (await Promise.all(pb.shareSubscriptions.map(async (s) => (await primary.listTriggers(from.rg, from.name, s.name)).map((t) => ({ sub: s.name, name: t.name!, properties: t.properties }))))).flat();
      await clients.appConfiguration(clients.dataPlaneEndpoint('appConfiguration', store)).setConfigurationSetting({ key: `failover:${w.id}:datashare-primary-schedules`, value: JSON.stringify(found), contentType: 'application/json' });
      await Promise.all(found.map((t) => primary.deleteTrigger(from.rg, from.name, t.sub, t.name, { pollIntervalMs })));
    })(),
  ]);
}

/**
 * What is wrong with the estate after a failover, read from the simulator's own state (no ARM
 * request, so no budget spent): the standby's streaming endpoints and live events running, each
 * live event recording, Traffic Manager sending viewers to the standby; each standby share
 * subscription scheduled and synchronized since `since`, and the primary's schedules gone.
 * Empty when every workload failed over.
 */
export function failoverProblems(sim: Simulator, catalog: Catalog, since: number): string[] {
  const problems: string[] = [];
  const state = (id: string) => sim.store.get(id)?.properties?.['resourceState'];
  const syncs = new Set(
    sim.log
      .list()
      .filter((o) => /shareSubscriptions\/synchronize$/i.test(o.operation) && o.status < 300 && Date.parse(o.at) >= since && o.resource !== null)
      .map((o) => o.resource!.toLowerCase()),
  );
  for (const w of catalog.workloads) {
    const pb = w.playbook;
    if (pb.kind === 'mediaServices') {
      const account = w.secondary!.resources['account']!;
      for (const e of pb.streamingEndpoints) if (state(`${account}/streamingEndpoints/${e.name}`) !== 'Running') problems.push(`${w.id}: streaming endpoint ${e.name} is ${String(state(`${account}/streamingEndpoints/${e.name}`))}`);
      for (const l of pb.liveEvents) {
        const le = `${account}/liveEvents/${l.name}`;
        if (state(le) !== 'Running') problems.push(`${w.id}: live event ${l.name} is ${String(state(le))}`);
        if (sim.store.children(le, 'liveOutputs').length === 0) problems.push(`${w.id}: live event ${l.name} records nothing`);
      }
      const tm = pb.trafficManager!;
      const status = (name: string) => sim.store.get(`${tm.profile}/externalEndpoints/${name}`)?.properties?.['endpointStatus'];
      if (status(tm.secondaryEndpoint) !== 'Enabled' || status(tm.primaryEndpoint) !== 'Disabled') problems.push(`${w.id}: Traffic Manager still sends viewers to the primary`);
    } else if (pb.kind === 'dataShare') {
      const standby = w.secondary!.resources['consumerAccount']!;
      const primary = w.primary.resources['consumerAccount']!;
      for (const s of pb.shareSubscriptions) {
        if (sim.store.children(`${standby}/shareSubscriptions/${s.name}`, 'triggers').length === 0) problems.push(`${w.id}: standby ${s.name} has no schedule`);
        if (!syncs.has(`${standby}/shareSubscriptions/${s.name}`.toLowerCase())) problems.push(`${w.id}: standby ${s.name} was not synchronized`);
        if (sim.store.children(`${primary}/shareSubscriptions/${s.name}`, 'triggers').length > 0) problems.push(`${w.id}: primary ${s.name} is still scheduled`);
      }
    }
  }
  return problems;
}
