/**
 * A scaled estate for the failover benchmark, written as an estate file and a catalog: N Media
 * Services workloads (each a primary and a standby account with its storage account attached,
 * streaming endpoints that answer the viewers' host name, live events, a transform, a Traffic
 * Manager profile, an App Configuration key) and M Data Share workloads
 * (each a primary and a standby consumer account with share subscriptions, and a standby provider
 * share with one consumer), spread round robin over `armSubscriptions` Azure subscriptions: a
 * workload lives whole in one subscription, as an estate's workloads usually do, and each
 * subscription has its own ARM throttling budget.
 */
import { stringify } from 'yaml';

export interface Scale {
  media: number;
  endpoints: number;
  liveEvents: number;
  dataShare: number;
  /** Share subscriptions per Data Share workload. */
  subscriptions: number;
  /** Azure subscriptions the workloads are spread over (default 1). */
  armSubscriptions?: number;
}

export const SUBSCRIPTION = '22222222-2222-2222-2222-222222222222';
/** The k-th Azure subscription of the estate (0: SUBSCRIPTION). */
export function subscriptionId(k: number): string {
  return k === 0 ? SUBSCRIPTION : `22222222-2222-2222-2222-${String(k).padStart(12, '0')}`;
}
/** Which of `count` subscriptions holds the i-th (1-based) workload of a kind: round robin. */
export function subscriptionIndex(i: number, count: number): number {
  return (i - 1) % Math.max(1, count);
}
export const STORE = 'benchfailover';
/** Two digits up to 99 workloads of a kind (the names the 40-workload estate always had), else three. */
const padder = (max: number) => (n: number) => String(n).padStart(max > 99 ? 3 : 2, '0');
/** The last group of a GUID: `prefix` then `n` zero-padded, 12 hex digits in all. */
const guidTail = (n: number, suffix: string) => `${String(n).padStart(12 - suffix.length, '0')}${suffix}`;

export interface BenchEstate {
  estateYaml: string;
  catalogYaml: string;
  workloads: string[];
  /** The subscription each workload lives in, by workload id. */
  subscriptionOf: Record<string, string>;
}

export function benchEstate(scale: Scale): BenchEstate {
  const resources: Array<Record<string, unknown>> = [];
  const keys: Array<{ key: string; value: string }> = [];
  const workloads: Array<Record<string, unknown>> = [];
  const subscriptionOf: Record<string, string> = {};
  const at = (id: string, location: string, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => resources.push({ id, location, properties, ...extra });
  const subscriptions = scale.armSubscriptions ?? 1;
  const rgOf = (sub: string) => (name: string) => `/subscriptions/${sub}/resourceGroups/${name}`;
  const placed = (i: number) => subscriptionId(subscriptionIndex(i, subscriptions));

  const mediaPad = padder(scale.media);
  for (let i = 1; i <= scale.media; i++) {
    const n = mediaPad(i);
    const RG = rgOf(placed(i));
    subscriptionOf[`media-${n}`] = placed(i);
    const primary = `${RG(`rg-m${n}-weu`)}/providers/Microsoft.Media/mediaservices/benchm${n}weu`;
    const standby = `${RG(`rg-m${n}-neu`)}/providers/Microsoft.Media/mediaservices/benchm${n}neu`;
    const profile = `${RG('rg-bench-global')}/providers/Microsoft.Network/trafficManagerProfiles/bench-m${n}`;
    // Each account has its storage account attached: the failover's recordings are assets, stored there.
    const storage = (acct: string, suffix: string) => ({ storageAccounts: [{ id: `${RG(`rg-m${n}-${suffix}`)}/providers/Microsoft.Storage/storageAccounts/${acct}store`, type: 'Primary' }] });
    at(primary, 'westeurope', { mediaServiceId: `00000000-0000-4000-a000-${guidTail(i, '001')}`, ...storage(`benchm${n}weu`, 'weu') });
    at(standby, 'northeurope', { mediaServiceId: `00000000-0000-4000-a000-${guidTail(i, '002')}`, ...storage(`benchm${n}neu`, 'neu') });
    // Every endpoint answers the viewers' host name (verified at DR setup), so the switch may send viewers to it.
    const hostName = `live-m${n}.fabrikam.example`;
    for (let e = 1; e <= scale.endpoints; e++) {
      at(`${primary}/streamingEndpoints/se${e}`, 'westeurope', { resourceState: 'Running', scaleUnits: 0, customHostNames: [hostName] }, { sku: { name: 'Standard', capacity: 0 } });
      at(`${standby}/streamingEndpoints/se${e}`, 'northeurope', { resourceState: 'Stopped', scaleUnits: 0, customHostNames: [hostName] }, { sku: { name: 'Standard', capacity: 0 } });
    }
    for (let l = 1; l <= scale.liveEvents; l++) {
      const input = (acct: string) => ({ streamingProtocol: 'RTMP', endpoints: [{ protocol: 'RTMP', url: `rtmp://le${l}-${acct}.channel.media.azure.net:1935/live/${n}${l}` }] });
      at(`${primary}/liveEvents/le${l}`, 'westeurope', { resourceState: 'Running', encoding: { encodingType: 'Standard' }, input: input(`benchm${n}weu`) });
      at(`${standby}/liveEvents/le${l}`, 'northeurope', { resourceState: 'Stopped', encoding: { encodingType: 'Standard' }, input: input(`benchm${n}neu`) });
    }
    at(`${primary}/transforms/abr`, 'westeurope', { outputs: [{ onError: 'StopProcessingJob', relativePriority: 'Normal', preset: { '@odata.type': '#Microsoft.Media.BuiltInStandardEncoderPreset', presetName: 'H264MultipleBitrate1080p' } }] });
    at(profile, 'global', { profileStatus: 'Enabled', trafficRoutingMethod: 'Priority', dnsConfig: { relativeName: `bench-m${n}`, ttl: 30 } });
    at(`${profile}/externalEndpoints/weu`, 'global', { endpointStatus: 'Enabled', target: `se1-benchm${n}weu.streaming.media.azure.net`, priority: 1 });
    at(`${profile}/externalEndpoints/neu`, 'global', { endpointStatus: 'Disabled', target: `se1-benchm${n}neu.streaming.media.azure.net`, priority: 2 });
    keys.push({ key: `bench:m${n}:activeAccount`, value: `benchm${n}weu` });
    workloads.push({
      id: `media-${n}`,
      services: ['Media Services'],
      primary: { region: 'westeurope', resources: { account: primary } },
      secondary: { region: 'northeurope', resources: { account: standby } },
      playbook: {
        kind: 'mediaServices',
        streamingEndpoints: Array.from({ length: scale.endpoints }, (_, e) => ({ name: `se${e + 1}`, scaleUnits: 0 })),
        liveEvents: Array.from({ length: scale.liveEvents }, (_, l) => ({ name: `le${l + 1}` })),
        transforms: [{ name: 'abr', presets: ['H264MultipleBitrate1080p'] }],
        trafficManager: { profile, primaryEndpoint: 'weu', secondaryEndpoint: 'neu', hostName },
        activeAccountKey: `bench:m${n}:activeAccount`,
      },
      policy: { trigger: 'auto' },
      guardrails: { dwellTime: '0s', minIntervalBetweenFailovers: '1m' },
    });
  }

  const sharePad = padder(scale.dataShare);
  for (let i = 1; i <= scale.dataShare; i++) {
    const n = sharePad(i);
    const sub = placed(i);
    const RG = rgOf(sub);
    subscriptionOf[`datashare-${n}`] = sub;
    const consumer = (region: string, suffix: string) => `${RG(`rg-d${n}-${suffix}`)}/providers/Microsoft.DataShare/accounts/benchd${n}${suffix}`;
    const primary = consumer('eastus2', 'eus2');
    const standby = consumer('centralus', 'cus');
    const provider = `${RG(`rg-d${n}-cus`)}/providers/Microsoft.DataShare/accounts/benchd${n}prov`;
    at(primary, 'eastus2', {}, { identity: { type: 'SystemAssigned' } });
    at(standby, 'centralus', {}, { identity: { type: 'SystemAssigned' } });
    at(provider, 'centralus', {}, { identity: { type: 'SystemAssigned' } });
    at(`${provider}/shares/data`, 'centralus', { shareKind: 'CopyBased' });
    // The provider's snapshot schedule, which the standby's triggers enable.
    at(`${provider}/shares/data/synchronizationSettings/daily`, 'centralus', { recurrenceInterval: 'Day', synchronizationTime: '2026-01-01T02:00:00Z' }, { kind: 'ScheduleBased' });
    const shareSubscriptions = [];
    for (let s = 1; s <= scale.subscriptions; s++) {
      const share = { shareSubscriptionStatus: 'Active', shareName: 'data', shareKind: 'CopyBased' };
      at(`${primary}/shareSubscriptions/sub${s}`, 'eastus2', { ...share, invitationId: `00000000-0000-4000-8000-${guidTail(i * 100 + s, '0000001')}` });
      at(`${primary}/shareSubscriptions/sub${s}/triggers/nightly`, 'eastus2', { recurrenceInterval: 'Day', synchronizationTime: '2026-01-01T02:00:00Z', synchronizationMode: 'Incremental', triggerStatus: 'Active' }, { kind: 'ScheduleBased' });
      const standbyInvitation = `00000000-0000-4000-8000-${guidTail(i * 100 + s, '0000002')}`;
      at(`${standby}/shareSubscriptions/sub${s}`, 'centralus', { ...share, invitationId: standbyInvitation });
      // Accepted at DR setup (what links the share subscription to the share), and mapped to a target.
      at(`${provider}/shares/data/invitations/standby-sub${s}`, 'centralus', { targetEmail: `standby${s}@fabrikam.example`, invitationStatus: 'Accepted', invitationId: standbyInvitation });
      at(`${standby}/shareSubscriptions/sub${s}/dataSetMappings/data`, 'centralus', { dataSetId: `00000000-0000-4000-9000-${guidTail(i * 100 + s, '0000002')}`, containerName: 'data', storageAccountName: `benchd${n}cus`, subscriptionId: sub, resourceGroup: `rg-d${n}-cus`, dataSetMappingStatus: 'Ok' }, { kind: 'Container' });
      shareSubscriptions.push({ name: `sub${s}`, recurrence: 'Day', synchronizationTime: '2026-01-01T02:00:00Z', synchronizationMode: 'Incremental' });
    }
    workloads.push({
      id: `datashare-${n}`,
      services: ['Azure Data Share'],
      primary: { region: 'eastus2', resources: { consumerAccount: primary } },
      secondary: { region: 'centralus', resources: { consumerAccount: standby, providerAccount: provider } },
      playbook: { kind: 'dataShare', shareSubscriptions, shares: [{ name: 'data', consumers: [`analytics${n}@fabrikam.example`] }] },
      policy: { trigger: 'auto' },
      guardrails: { dwellTime: '0s', minIntervalBetweenFailovers: '1m' },
    });
  }

  // One App Configuration store for the estate: a data plane, outside ARM's budgets.
  resources.push({ id: `${rgOf(SUBSCRIPTION)('rg-bench-shared')}/providers/Microsoft.AppConfiguration/configurationStores/${STORE}`, location: 'westus3', properties: { endpoint: `https://${STORE}.azconfig.io` } });
  return {
    estateYaml: stringify({ resources, appConfiguration: { [STORE]: keys } }),
    catalogYaml: stringify({ version: 1, workloads }),
    workloads: workloads.map((w) => String(w['id'])),
    subscriptionOf,
  };
}
