/** samples/catalog.yaml loads as documented: defaults applied, regions canonical, frozen, one warning. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile, parseCatalog, type Workload } from '../../lib/catalog/index.js';
import { arm, load, NOW, SAMPLE, SAMPLE_PATH } from './support.js';

/** The decision rules every policy gets when the catalog says nothing: the strict side. */
const SAFE_RULES = { maintenance: { action: 'notify', leadTime: { iso: 'PT30M', ms: 1_800_000 } }, unknownCause: 'notify', administrative: [], onCancel: 'hold' };
const CONFIRM_WITHIN = { confirmWithin: { iso: 'PT4H', ms: 14_400_000 } };

function workload(id: string): Workload {
  const found = load(SAMPLE).workloads.find((w) => w.id === id);
  if (found === undefined) throw new Error(`no workload ${id}`);
  return found;
}

describe('samples/catalog.yaml', () => {
  it('loads with no errors and exactly the Media Services and Microsoft Genomics retirement warnings', async () => {
    const result = await loadCatalogFile(SAMPLE_PATH, { now: NOW });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.catalog.source).toBe(SAMPLE_PATH);
    expect(result.catalog.version).toBe(1);
    expect(result.catalog.workloads.map((w) => w.id)).toEqual([
      'media-streaming',
      'datashare-sales',
      'purview-governance',
      'genomics-pipeline',
      'dynamics-crm',
    ]);
    expect(result.warnings).toEqual([
      {
        severity: 'warning',
        path: 'workloads[0].services[0]',
        message:
          'Media Services was retired on 2024-06-30 (https://azure.microsoft.com/updates/retirement-notice-azure-media-services-is-being-retired-on-30-june-2024/); move streaming and encoding to a partner solution and remove this workload once migrated',
        line: 76,
        column: 16,
        workload: 'media-streaming',
      },
      {
        severity: 'warning',
        path: 'workloads[3].services[0]',
        message:
          'Microsoft Genomics was retired on 2025-01-06 (https://learn.microsoft.com/lifecycle/products/microsoft-genomics); run the pipeline on Azure Batch or another workflow service and remove this workload once migrated',
        line: 177,
        column: 16,
        workload: 'genomics-pipeline',
      },
    ]);
  });

  it('keeps regions canonical, display names included', () => {
    const regions = load(SAMPLE).workloads.map((w) => [w.primary.region, w.secondary?.region ?? null]);
    expect(regions).toEqual([
      ['westeurope', 'northeurope'],
      ['eastus2', 'centralus'],
      ['eastus', 'westus'],
      ['westus2', 'westcentralus'],
      ['europe', null],
    ]);
  });

  it('describes the media workload in full, with parsed durations', () => {
    expect(workload('media-streaming')).toEqual({
      id: 'media-streaming',
      description: 'Live and on-demand streaming for contoso.tv',
      services: ['Media Services'],
      primary: { region: 'westeurope', resources: { account: arm('rg-media-weu', 'Microsoft.Media/mediaservices', 'contosomediaweu') } },
      secondary: { region: 'northeurope', resources: { account: arm('rg-media-neu', 'Microsoft.Media/mediaservices', 'contosomedianeu') } },
      playbook: {
        kind: 'mediaServices',
        streamingEndpoints: [{ name: 'default', scaleUnits: 0 }],
        liveEvents: [{ name: 'live-main' }],
        transforms: [{ name: 'adaptive-1080p', presets: ['H264MultipleBitrate1080p'] }],
        trafficManager: {
          profile: arm('rg-media-global', 'Microsoft.Network/trafficManagerProfiles', 'contoso-stream'),
          primaryEndpoint: 'weu',
          secondaryEndpoint: 'neu',
          hostName: 'live.contoso.example',
        },
        activeAccountKey: 'media:activeAccount',
      },
      policy: { trigger: 'auto', ...SAFE_RULES },
      guardrails: {
        resourceHealthConfirmation: true,
        dwellTime: { iso: 'PT10M', ms: 600_000 },
        minIntervalBetweenFailovers: { iso: 'PT4H', ms: 14_400_000 },
        failbackAfterHealthyFor: { iso: 'PT30M', ms: 1_800_000 },
        ...CONFIRM_WITHIN,
      },
      notify: [
        { kind: 'email', address: 'media-oncall@contoso.example' },
        { kind: 'teams', url: 'https://contoso.webhook.office.com/webhookb2/media-oncall' },
      ],
      dependsOn: [],
      subscriptions: ['11111111-1111-1111-1111-111111111111'],
      tenantId: null,
      recoveryTimeObjectiveMs: 1_800_000,
    });
  });

  it('applies guardrail defaults where the workload gives none', () => {
    expect(workload('datashare-sales').guardrails).toEqual({
      resourceHealthConfirmation: false,
      dwellTime: { iso: 'PT5M', ms: 300_000 },
      minIntervalBetweenFailovers: { iso: 'PT1H', ms: 3_600_000 },
      failbackAfterHealthyFor: { iso: 'PT30M', ms: 1_800_000 },
      ...CONFIRM_WITHIN,
    });
    // Only dwellTime given; the rest default.
    expect(workload('genomics-pipeline').guardrails).toEqual({
      resourceHealthConfirmation: false,
      dwellTime: { iso: 'PT15M', ms: 900_000 },
      minIntervalBetweenFailovers: { iso: 'PT1H', ms: 3_600_000 },
      failbackAfterHealthyFor: { iso: 'PT30M', ms: 1_800_000 },
      ...CONFIRM_WITHIN,
    });
  });

  it('applies playbook defaults and keeps the data share roles', () => {
    const dataShare = workload('datashare-sales');
    expect(dataShare.playbook).toEqual({
      kind: 'dataShare',
      shareSubscriptions: [
        { name: 'sales-snapshots', recurrence: 'Day', synchronizationTime: '2024-01-01T02:00:00Z', synchronizationMode: 'Incremental' },
      ],
      shares: [{ name: 'sales', consumers: ['analytics@fabrikam.example'] }],
    });
    expect(Object.keys(dataShare.primary.resources)).toEqual(['consumerAccount']);
    expect(Object.keys(dataShare.secondary!.resources)).toEqual(['consumerAccount', 'providerAccount']);
    expect(workload('genomics-pipeline').secondary!.resources['storage']).toBe(
      arm('rg-genomics-wcus', 'Microsoft.Storage/storageAccounts', 'contosogenomicswcusdata'),
    );
  });

  it('reads the approval policies, ISO-8601 durations included, with the safe decision rules by default', () => {
    expect(workload('purview-governance').policy).toEqual({
      trigger: 'approval',
      approval: { timeout: { iso: 'PT30M', ms: 1_800_000 }, onTimeout: 'escalate', approvers: ['dana@contoso.example', 'role:Failover.Approver'], quorum: 1, allowSelfApproval: false },
      ...SAFE_RULES,
    });
    expect(workload('genomics-pipeline').policy).toEqual({
      trigger: 'approval',
      approval: { timeout: { iso: 'PT1H', ms: 3_600_000 }, onTimeout: 'abort', approvers: ['role:Genomics.Approver'], quorum: 1, allowSelfApproval: false },
      ...SAFE_RULES,
    });
  });

  it('knows the subscriptions each workload lives in, from its resources', () => {
    expect(workload('datashare-sales').subscriptions).toEqual(['11111111-1111-1111-1111-111111111111']);
    expect(workload('dynamics-crm').subscriptions).toEqual([]);
    expect(workload('datashare-sales').tenantId).toBeNull();
    expect(workload('media-streaming').guardrails.confirmWithin).toEqual({ iso: 'PT4H', ms: 4 * 3_600_000 });
  });

  it('lets the provider-managed Dynamics 365 workload go without a secondary or resources', () => {
    const crm = workload('dynamics-crm');
    expect(crm.secondary).toBeNull();
    expect(crm.primary).toEqual({ region: 'europe', resources: {} });
    expect(crm.policy).toEqual({ trigger: 'notify-only', ...SAFE_RULES });
    expect(crm.playbook).toEqual({
      kind: 'dynamics365',
      environmentUrl: 'https://contoso.crm4.dynamics.com',
      degradedModeFlagKey: 'crm:degradedMode',
      dataLossWindow: { iso: 'PT15M', ms: 900_000 },
    });
  });

  it('is deep-frozen: mutation throws', () => {
    const catalog = load(SAMPLE);
    const media = catalog.workloads[0]!;
    expect(Object.isFrozen(catalog)).toBe(true);
    expect(() => {
      (catalog.workloads as Workload[]).push(media);
    }).toThrow(TypeError);
    expect(() => {
      (media as { id: string }).id = 'renamed';
    }).toThrow(TypeError);
    expect(() => {
      (media.guardrails.dwellTime as { ms: number }).ms = 0;
    }).toThrow(TypeError);
    expect(() => {
      (media.primary.resources as Record<string, string>)['account'] = 'elsewhere';
    }).toThrow(TypeError);
    expect(() => {
      (media.services as string[])[0] = 'Other';
    }).toThrow(TypeError);
    expect(media.id).toBe('media-streaming');
  });

  it('says "will be retired" when checked before the retirement date', () => {
    const result = parseCatalog(SAMPLE, { now: new Date('2024-06-29T23:59:59Z') });
    expect(result.ok && result.warnings.map((w) => w.message)).toEqual([
      'Media Services will be retired on 2024-06-30 (https://azure.microsoft.com/updates/retirement-notice-azure-media-services-is-being-retired-on-30-june-2024/); move streaming and encoding to a partner solution and remove this workload once migrated',
      'Microsoft Genomics will be retired on 2025-01-06 (https://learn.microsoft.com/lifecycle/products/microsoft-genomics); run the pipeline on Azure Batch or another workflow service and remove this workload once migrated',
    ]);
    const onTheDay = parseCatalog(SAMPLE, { now: new Date('2024-06-30T00:00:00Z') });
    expect(onTheDay.ok && onTheDay.warnings[0]!.message).toContain('was retired on 2024-06-30');
  });

  it('records no source when parsed from a string without one', () => {
    expect(load(SAMPLE).source).toBeNull();
    const named = parseCatalog(SAMPLE, { source: 'inline', now: NOW });
    expect(named.ok && named.catalog.source).toBe('inline');
  });
});

describe('loadCatalogFile', () => {
  it('turns a missing file into a problem naming the path, not an exception', async () => {
    const path = join(tmpdir(), 'no-such-dir-for-catalog-tests', 'catalog.yaml');
    expect(await loadCatalogFile(path)).toEqual({
      ok: false,
      problems: [{ severity: 'error', path: '$', message: `cannot read catalog file '${path}': no such file` }],
    });
  });

  it('turns a directory into a problem too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const result = await loadCatalogFile(dir);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]!.message).toBe(`cannot read catalog file '${dir}': it is a directory`);
  });

  it('reports problems of a file it could read, with positions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    const path = join(dir, 'catalog.yaml');
    writeFileSync(path, 'version: 1\nworkloads: {}\n');
    expect(await loadCatalogFile(path)).toEqual({
      ok: false,
      problems: [{ severity: 'error', path: 'workloads', message: 'expected a list, got a mapping', line: 2, column: 12 }],
    });
  });
});
