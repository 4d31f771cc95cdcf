/**
 * A replayed production alert mapped into a staging catalog's environment: published alert
 * payloads parsed by the app's own parser, a staging catalog loaded by the app's own loader, and
 * the mapped signal matched against that catalog as the intake would.
 */
import { describe, expect, it } from 'vitest';
import { parseAlert, type Signal } from '../../lib/alerts/index.js';
import { matchSignal, parseCatalog, type Catalog } from '../../lib/catalog/index.js';
import { mapResourceId, mapToEnvironment } from '../../lib/replay/environment.js';
import { readFixtureJson } from '../support/fixtures.js';

/** The subscription every published test-action payload names. */
const PROD_SUB = 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e';
const STAGING_SUB = '55555555-5555-5555-5555-555555555555';
const UNMAPPED_SUB = '99999999-9999-9999-9999-999999999999';
const PROD_TENANT = 'cccc2c2c-dd3d-ee4e-ff5f-aaaaaa6a6a6a';
const STAGING_TENANT = 'dddd3d3d-ee4e-ff5f-aa6a-bbbbbb7b7b7b';

const PROD_MEDIA = `/subscriptions/${PROD_SUB}/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu`;
/** Not the production name in the staging subscription: the `resources` entry says where it is. */
const STAGING_MEDIA = `/subscriptions/${STAGING_SUB}/resourceGroups/rg-media-stg-weu/providers/Microsoft.Media/mediaservices/contosomediastgweu`;
const STAGING_MEDIA_NEU = `/subscriptions/${STAGING_SUB}/resourceGroups/rg-media-stg-neu/providers/Microsoft.Media/mediaservices/contosomediastgneu`;

/** The fixtures' VM in the staging subscription, as the subscription map alone names it. */
const STAGING_VM = `/subscriptions/${STAGING_SUB}/resourcegroups/test-RG/providers/microsoft.compute/virtualmachines/test-VM`;

const STAGING_CATALOG = `version: 1
workloads:
  - id: media-streaming
    services: [Media Services]
    primary: { region: westeurope, resources: { account: ${STAGING_MEDIA} } }
    secondary: { region: northeurope, resources: { account: ${STAGING_MEDIA_NEU} } }
    playbook: { kind: mediaServices, streamingEndpoints: [{ name: default }], activeAccountKey: "media:activeAccount" }
    policy: { trigger: auto }
environment:
  name: staging
  mapsFrom:
    subscriptions: { "${PROD_SUB}": "${STAGING_SUB}" }
    resources: { "${PROD_MEDIA}": "${STAGING_MEDIA}" }
    tenants: { "${PROD_TENANT}": "${STAGING_TENANT}" }
`;

function loadStaging(text = STAGING_CATALOG): Catalog {
  const result = parseCatalog(text, { now: new Date('2026-01-01T00:00:00Z') });
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return result.catalog;
}

type Payload = { data: { essentials: { alertTargetIDs: string[] }; alertContext: Record<string, unknown> } };

function signalOf(payload: unknown): Signal {
  const parsed = parseAlert(JSON.stringify(payload));
  if (!parsed.ok) throw new Error(`fixture did not parse: ${parsed.error.message}`);
  return parsed.value;
}

function fixtureSignal(name: string, edit: (payload: Payload) => void = () => {}): Signal {
  const payload = readFixtureJson<Payload>(name);
  edit(payload);
  return signalOf(payload);
}

describe('mapToEnvironment', () => {
  it('maps a Resource Health alert to the staging resource through the subscription map, and recomputes the keys built from it', () => {
    const original = fixtureSignal('resourcehealth-common-testaction.json');
    const before = structuredClone(original);
    const { signal, mapped } = mapToEnvironment(original, loadStaging().environment);

    const prodKey = `/subscriptions/${PROD_SUB}/resourcegroups/test-rg/providers/microsoft.compute/virtualmachines/test-vm`;
    const stagingKey = `/subscriptions/${STAGING_SUB}/resourcegroups/test-rg/providers/microsoft.compute/virtualmachines/test-vm`;
    expect(original.incidentKey).toBe(prodKey);
    expect(signal).toEqual({
      ...before,
      subscriptionId: STAGING_SUB,
      resourceIds: [STAGING_VM],
      incidentKey: stagingKey,
      dedupeKey: `resourceHealth|${stagingKey}|dddd3333-ee44-5555-66ff-777777aaaaaa`,
    });
    expect(mapped).toEqual([
      `subscription ${PROD_SUB} -> ${STAGING_SUB}`,
      `resource /subscriptions/${PROD_SUB}/resourcegroups/test-RG/providers/microsoft.compute/virtualmachines/test-VM -> ${STAGING_VM}`,
      `incidentKey ${prodKey} -> ${stagingKey}`,
      `dedupeKey resourceHealth|${prodKey}|dddd3333-ee44-5555-66ff-777777aaaaaa -> resourceHealth|${stagingKey}|dddd3333-ee44-5555-66ff-777777aaaaaa`,
    ]);
    // A copy: the parsed production signal is left as it was.
    expect(original).toEqual(before);
  });

  it("maps an alert about a production resource through its exact entry, whatever the alert's casing, so the staging catalog matches it to its own resource", () => {
    const catalog = loadStaging();
    // Action groups send alertTargetIDs lower-cased.
    const original = fixtureSignal('resourcehealth-common-testaction.json', (p) => {
      p.data.essentials.alertTargetIDs = [PROD_MEDIA.toLowerCase()];
    });
    const { signal, mapped } = mapToEnvironment(original, catalog.environment);

    expect(signal.resourceIds).toEqual([STAGING_MEDIA]);
    expect(signal.incidentKey).toBe(STAGING_MEDIA.toLowerCase());
    expect(signal.dedupeKey).toBe(`resourceHealth|${STAGING_MEDIA.toLowerCase()}|dddd3333-ee44-5555-66ff-777777aaaaaa`);
    expect(mapped.slice(0, 2)).toEqual([`subscription ${PROD_SUB} -> ${STAGING_SUB}`, `resource ${PROD_MEDIA.toLowerCase()} -> ${STAGING_MEDIA}`]);
    expect(matchSignal(catalog, signal).map((m) => [m.workload.id, m.side, m.reasons])).toEqual([
      ['media-streaming', 'primary', [{ by: 'resource', resourceId: STAGING_MEDIA, role: 'account', catalogResourceId: STAGING_MEDIA, side: 'primary' }]],
    ]);
    // Unmapped, the production alert names nothing this catalog has.
    expect(matchSignal(catalog, original)).toEqual([]);
  });

  it("maps a Service Health alert's subscription and the dedupe key that embeds it; the tracking id stays the incident key", () => {
    const original = fixtureSignal('servicehealth-common-testaction.json');
    const { signal, mapped } = mapToEnvironment(original, loadStaging().environment);
    expect([signal.subscriptionId, signal.incidentKey, signal.dedupeKey, signal.resourceIds]).toEqual([
      STAGING_SUB,
      'TEST-TTT',
      `serviceHealth|${STAGING_SUB}|TEST-TTT|11223344556677`,
      [],
    ]);
    expect(mapped).toEqual([
      `subscription ${PROD_SUB} -> ${STAGING_SUB}`,
      `dedupeKey serviceHealth|${PROD_SUB}|TEST-TTT|11223344556677 -> serviceHealth|${STAGING_SUB}|TEST-TTT|11223344556677`,
    ]);
  });

  it('keeps an unmapped subscription and its resources as they are, and says so once', () => {
    const original = fixtureSignal('administrative-common-testaction.json');
    const environment = loadStaging(STAGING_CATALOG.replace(`"${PROD_SUB}": "${STAGING_SUB}"`, `"${UNMAPPED_SUB}": "${STAGING_SUB}"`)).environment;
    const { signal, mapped } = mapToEnvironment(original, environment);
    expect(signal).toEqual(original);
    expect(mapped).toEqual([`kept ${PROD_SUB}: subscription not mapped`]);
  });

  it("takes the subscription an exactly mapped resource lives in when the subscription map has none: an alert comes from its resource's subscription", () => {
    const environment = loadStaging(STAGING_CATALOG.replace(`"${PROD_SUB}": "${STAGING_SUB}"`, `"${UNMAPPED_SUB}": "${STAGING_SUB}"`)).environment;
    const original = fixtureSignal('resourcehealth-common-testaction.json', (p) => {
      p.data.essentials.alertTargetIDs = [PROD_MEDIA];
    });
    const { signal, mapped } = mapToEnvironment(original, environment);
    expect([signal.subscriptionId, signal.resourceIds]).toEqual([STAGING_SUB, [STAGING_MEDIA]]);
    expect(mapped[0]).toBe(`subscription ${PROD_SUB} -> ${STAGING_SUB}, where resource ${STAGING_MEDIA} lives`);
  });

  it('maps the tenant, and names a tenant the map does not cover', () => {
    const environment = loadStaging().environment;
    const withTenant = (tenant: string) =>
      fixtureSignal('servicehealth-common-testaction.json', (p) => {
        p.data.alertContext['tenantId'] = tenant;
      });
    const mappedTenant = mapToEnvironment(withTenant(PROD_TENANT.toUpperCase()), environment);
    expect(mappedTenant.signal.tenantId).toBe(STAGING_TENANT);
    expect(mappedTenant.mapped).toContain(`tenant ${PROD_TENANT} -> ${STAGING_TENANT}`);

    const other = '12121212-3434-5656-7878-909090909090';
    const kept = mapToEnvironment(withTenant(other), environment);
    expect(kept.signal.tenantId).toBe(other);
    expect(kept.mapped).toContain(`kept ${other}: tenant not mapped`);
    // A staging tenant is this environment's already.
    expect(mapToEnvironment(withTenant(STAGING_TENANT), environment).mapped.filter((line) => line.includes('tenant'))).toEqual([]);
  });

  it('leaves a signal already in this environment as it is, with nothing to say', () => {
    const staged = mapToEnvironment(fixtureSignal('resourcehealth-common-testaction.json'), loadStaging().environment).signal;
    expect(mapToEnvironment(staged, loadStaging().environment)).toEqual({ signal: staged, mapped: [] });
  });
});

describe('mapResourceId', () => {
  const environment = loadStaging().environment;

  it('uses the exact entry first, compared without case, then the subscription map, keeping the rest of the id as written', () => {
    expect(mapResourceId(PROD_MEDIA.toUpperCase(), environment)).toEqual({ id: STAGING_MEDIA, note: `resource ${PROD_MEDIA.toUpperCase()} -> ${STAGING_MEDIA}` });
    const endpoint = `/SUBSCRIPTIONS/${PROD_SUB.toUpperCase()}/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu/streamingEndpoints/default`;
    expect(mapResourceId(endpoint, environment).id).toBe(
      `/subscriptions/${STAGING_SUB}/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu/streamingEndpoints/default`,
    );
  });

  it('keeps an id in an unmapped subscription, and one that is not under /subscriptions/, saying why', () => {
    const unmapped = `/subscriptions/${UNMAPPED_SUB}/resourceGroups/rg/providers/Microsoft.Media/mediaservices/other`;
    expect(mapResourceId(unmapped, environment)).toEqual({ id: unmapped, note: `kept ${UNMAPPED_SUB}: subscription not mapped` });
    expect(mapResourceId('/providers/Microsoft.Management/managementGroups/contoso', environment)).toEqual({
      id: '/providers/Microsoft.Management/managementGroups/contoso',
      note: 'kept /providers/Microsoft.Management/managementGroups/contoso: not an id under /subscriptions/',
    });
    expect(mapResourceId(STAGING_MEDIA_NEU, environment)).toEqual({ id: STAGING_MEDIA_NEU, note: null });
  });
});
