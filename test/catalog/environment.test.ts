/**
 * The catalog's environment section (what the catalog describes, how production maps onto it)
 * and each workload's recovery time objective, proved on a staging copy of the sample: the sample
 * with its subscription replaced by staging's and the media account renamed, plus the section.
 */
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../lib/catalog/index.js';
import { arm, errorsOf, load, NOW, SAMPLE, sampleWith, SUB } from './support.js';

const STAGING_SUB = '55555555-5555-5555-5555-555555555555';
const PROD_MEDIA = arm('rg-media-weu', 'Microsoft.Media/mediaservices', 'contosomediaweu');
const STAGING_MEDIA = `/subscriptions/${STAGING_SUB}/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediastgweu`;
const PROD_TENANT = 'AAAA0A0A-BB1B-CC2C-DD3D-EEEEEE4E4E4E';
const STAGING_TENANT = 'bbbb1b1b-cc2c-dd3d-ee4e-ffffff5f5f5f';

/** The sample as a staging estate (its own subscription, one resource renamed), with `environment` appended. */
function staging(environment: string): string {
  return `${SAMPLE.replaceAll(SUB, STAGING_SUB).replace('mediaservices/contosomediaweu', 'mediaservices/contosomediastgweu')}\n${environment}`;
}

const STAGING_ENVIRONMENT = `environment:
  name: staging
  mapsFrom:
    subscriptions:
      "${SUB}": "${STAGING_SUB.toUpperCase()}"
    resources:
      "${PROD_MEDIA.toUpperCase()}": ${STAGING_MEDIA}
    tenants:
      "${PROD_TENANT}": "${STAGING_TENANT}"
`;

/** The errors of the staging sample with this environment section, as [path, message]. */
function environmentErrors(environment: string): Array<[string, string]> {
  return errorsOf(staging(environment)).map((e) => [e.path, e.message]);
}

describe('environment', () => {
  it('is production with nothing mapped when the catalog has no environment section', () => {
    expect(load(SAMPLE).environment).toEqual({ name: 'production', mapsFrom: { subscriptions: {}, resources: {}, tenants: {} } });
  });

  it("loads a staging catalog's maps: GUIDs lower-cased, production resource ids keyed without case, staging ids as written", () => {
    const result = parseCatalog(staging(STAGING_ENVIRONMENT), { now: NOW });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.catalog.environment).toEqual({
      name: 'staging',
      mapsFrom: {
        subscriptions: { [SUB]: STAGING_SUB },
        resources: { [PROD_MEDIA.toLowerCase()]: STAGING_MEDIA },
        tenants: { [PROD_TENANT.toLowerCase()]: STAGING_TENANT },
      },
    });
    // Only the sample's two retirement warnings: every map target is used by a workload.
    expect(result.warnings.map((w) => w.path)).toEqual(['workloads[0].services[0]', 'workloads[3].services[0]']);
    expect(Object.isFrozen(result.catalog.environment.mapsFrom.subscriptions)).toBe(true);
  });

  it('takes a name alone: a staging catalog with its own identifiers maps nothing', () => {
    expect(load(staging('environment:\n  name: pre-production\n')).environment).toEqual({
      name: 'pre-production',
      mapsFrom: { subscriptions: {}, resources: {}, tenants: {} },
    });
  });

  it('refuses mapsFrom on a production catalog, named so or by default, at the mapsFrom key', () => {
    const message =
      'this catalog describes production (environment.name is production, the default), and production never replays, so it maps nothing: remove mapsFrom, or name the environment this catalog describes (name: staging)';
    const section = `environment:\n  mapsFrom:\n    subscriptions: { "${SUB}": "${STAGING_SUB}" }\n`;
    const errors = errorsOf(staging(section));
    expect(errors.map((e) => [e.path, e.message, e.line, e.column])).toEqual([['environment.mapsFrom', message, 229, 3]]);
    expect(environmentErrors(`environment:\n  name: production\n  mapsFrom: {}\n`)).toEqual([['environment.mapsFrom', message]]);
  });

  it('wants a lower-case word or kebab-case name', () => {
    expect(environmentErrors('environment:\n  name: Staging\n')).toEqual([
      ['environment.name', "environment name 'Staging' must be one lower-case word or kebab-case, at most 63 characters (e.g. staging, pre-production)"],
    ]);
    expect(environmentErrors('environment:\n  name: staging env\n')[0]?.[0]).toBe('environment.name');
  });

  it('names a subscription or tenant that is not a GUID, key or value, by its entry', () => {
    const section = `environment:
  name: staging
  mapsFrom:
    subscriptions:
      "prod-subscription": "${STAGING_SUB}"
      "${SUB}": "55555555-5555-5555-5555-55555555555x"
    tenants:
      "${PROD_TENANT}": contoso-staging
`;
    expect(environmentErrors(section)).toEqual([
      [
        'environment.mapsFrom.subscriptions.prod-subscription',
        "production subscription (the key): expected a subscription GUID such as 55555555-5555-5555-5555-555555555555, got 'prod-subscription'",
      ],
      [
        `environment.mapsFrom.subscriptions["${SUB}"]`,
        "this environment's subscription (the value): expected a subscription GUID such as 55555555-5555-5555-5555-555555555555, got '55555555-5555-5555-5555-55555555555x'",
      ],
      [
        `environment.mapsFrom.tenants.${PROD_TENANT}`,
        "this environment's tenant (the value): expected a tenant GUID such as 55555555-5555-5555-5555-555555555555, got 'contoso-staging'",
      ],
    ]);
  });

  it('names a resource id that does not parse', () => {
    const section = `environment:\n  name: staging\n  mapsFrom:\n    resources:\n      "${PROD_MEDIA}": contosomediastgweu\n`;
    expect(environmentErrors(section)).toEqual([
      [
        `environment.mapsFrom.resources["${PROD_MEDIA}"]`,
        "this environment's resource (the value): not a valid ARM resource id: expected /subscriptions/{subscription-id}/resourceGroups/{group}/providers/{Namespace}/{type}/{name}, got 'contosomediastgweu'",
      ],
    ]);
  });

  it('refuses chains and self-maps: maps are applied once, and a self-map would act on production', () => {
    const other = '66666666-6666-6666-6666-666666666666';
    const section = `environment:
  name: staging
  mapsFrom:
    subscriptions:
      "${SUB}": "${other}"
      "${other}": "${STAGING_SUB}"
    tenants:
      "${PROD_TENANT}": "${PROD_TENANT.toLowerCase()}"
`;
    expect(environmentErrors(section)).toEqual([
      [
        `environment.mapsFrom.subscriptions["${SUB}"]`,
        `maps to '${other}', which is itself mapped from: maps are applied once, not followed; map '${SUB}' straight to this environment's subscription`,
      ],
      [
        `environment.mapsFrom.tenants.${PROD_TENANT}`,
        `maps '${PROD_TENANT}' to itself: a replayed incident would act on the production tenant; map it to this environment's tenant`,
      ],
    ]);
  });

  it('refuses one id mapped twice in different casings', () => {
    const section = `environment:
  name: staging
  mapsFrom:
    resources:
      "${PROD_MEDIA}": ${STAGING_MEDIA}
      "${PROD_MEDIA.toLowerCase()}": ${STAGING_MEDIA}
`;
    expect(environmentErrors(section)).toEqual([
      [
        `environment.mapsFrom.resources["${PROD_MEDIA.toLowerCase()}"]`,
        `maps the same resource as '${PROD_MEDIA}' (ids compare without case); keep one entry`,
      ],
    ]);
  });

  it('refuses a staging resource in a subscription the map calls production', () => {
    const inProduction = PROD_MEDIA.replace('contosomediaweu', 'contosomediastgweu');
    const section = `environment:
  name: staging
  mapsFrom:
    subscriptions:
      "${SUB}": "${STAGING_SUB}"
    resources:
      "${PROD_MEDIA}": ${inProduction}
`;
    expect(environmentErrors(section)).toEqual([
      [
        `environment.mapsFrom.resources["${PROD_MEDIA}"]`,
        `maps to a resource in subscription ${SUB}, which mapsFrom.subscriptions maps from: that is a production subscription, so a replay would act on production; name the resource in this environment's subscription`,
      ],
    ]);
  });

  it('names unknown keys with a suggestion, and sections of the wrong shape', () => {
    expect(environmentErrors('environment:\n  name: staging\n  mapsFrom:\n    subscription: {}\n')).toEqual([
      ['environment.mapsFrom.subscription', "unknown field 'subscription' (did you mean 'subscriptions'?); allowed fields: subscriptions, resources, tenants"],
    ]);
    expect(environmentErrors('environment:\n  name: staging\n  mapFrom: {}\n')).toEqual([
      ['environment.mapFrom', "unknown field 'mapFrom' (did you mean 'mapsFrom'?); allowed fields: name, mapsFrom"],
    ]);
    expect(environmentErrors('environment: staging\n')).toEqual([['environment', "expected a mapping with name and mapsFrom, got a string ('staging')"]]);
    expect(environmentErrors('environment:\n  name: staging\n  mapsFrom: [subscriptions]\n')).toEqual([
      ['environment.mapsFrom', 'expected a mapping with subscriptions, resources and tenants, got a list'],
    ]);
    expect(environmentErrors(`environment:\n  name: staging\n  mapsFrom:\n    tenants: ["${PROD_TENANT}"]\n`)).toEqual([
      ['environment.mapsFrom.tenants', 'expected a mapping, got a list'],
    ]);
  });

  it('reports the problems of every field in one pass', () => {
    const section = `environment:
  mapsFrom:
    subscriptions: { "${SUB}": nope }
    tenants: { nope: "${STAGING_TENANT}" }
`;
    expect(environmentErrors(section).map(([path]) => path)).toEqual([
      'environment.mapsFrom',
      `environment.mapsFrom.subscriptions["${SUB}"]`,
      'environment.mapsFrom.tenants.nope',
    ]);
  });

  it('warns about a target no workload of the catalog uses, and counts a resource beneath a workload resource as used', () => {
    const unusedSub = '77777777-7777-7777-7777-777777777777';
    const unusedResource = `/subscriptions/${STAGING_SUB}/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediastgold`;
    const endpoint = `${STAGING_MEDIA}/streamingEndpoints/default`;
    const section = `environment:
  name: staging
  mapsFrom:
    subscriptions:
      "${SUB}": "${STAGING_SUB}"
      "88888888-8888-8888-8888-888888888888": "${unusedSub}"
    resources:
      "${PROD_MEDIA}": ${unusedResource}
      "${PROD_MEDIA}/streamingEndpoints/default": ${endpoint}
`;
    const result = parseCatalog(staging(section), { now: NOW });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings.filter((w) => w.path.startsWith('environment')).map((w) => [w.severity, w.path, w.message, w.line])).toEqual([
      [
        'warning',
        'environment.mapsFrom.subscriptions["88888888-8888-8888-8888-888888888888"]',
        `maps to subscription ${unusedSub}, in which no workload of this catalog lives: replayed alerts from 88888888-8888-8888-8888-888888888888 would be ignored; check the GUID against the workloads' resources`,
        233,
      ],
      [
        'warning',
        `environment.mapsFrom.resources["${PROD_MEDIA}"]`,
        `maps to '${unusedResource}', which no workload of this catalog names (nor a resource beneath one): replayed alerts about it would match nothing; check the id against the workloads' resources`,
        235,
      ],
    ]);
  });
});

describe('recoveryTimeObjective', () => {
  it('is read in milliseconds, and null where a workload names none', () => {
    expect(load(SAMPLE).workloads.map((w) => [w.id, w.recoveryTimeObjectiveMs])).toEqual([
      ['media-streaming', 1_800_000],
      ['datashare-sales', 14_400_000],
      ['purview-governance', 7_200_000],
      ['genomics-pipeline', 28_800_000],
      ['dynamics-crm', null],
    ]);
    expect(load(sampleWith(['recoveryTimeObjective: 30m ', 'recoveryTimeObjective: PT1H30M '])).workloads[0]!.recoveryTimeObjectiveMs).toBe(5_400_000);
  });

  it('must be a duration longer than zero, named at the field', () => {
    const errors = (value: string) => errorsOf(sampleWith(['recoveryTimeObjective: 30m ', `recoveryTimeObjective: ${value} `])).map((e) => [e.path, e.message, e.line]);
    expect(errors('0s')).toEqual([['workloads[0].recoveryTimeObjective', "must be longer than zero; got '0s'", 77]]);
    expect(errors('30')).toEqual([
      [
        'workloads[0].recoveryTimeObjective',
        'expected a duration such as 90s, 10m, 1h30m, 2d, or ISO-8601 such as PT10M, PT1H30M, P1D; got a number (30); add a unit, e.g. 30s',
        77,
      ],
    ]);
    expect(errors('soon')[0]?.[1]).toBe("expected a duration such as 90s, 10m, 1h30m, 2d, or ISO-8601 such as PT10M, PT1H30M, P1D; got 'soon'");
  });
});
