/**
 * Every catalog rule, each proved by breaking the sample (or a small catalog) in one place and
 * checking the exact path, the message and, where it matters, the line.
 */
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../lib/catalog/index.js';
import { arm, errorsOf, load, NOW, problemsOf, purviewCatalog, SAMPLE, sampleWith, singleError } from './support.js';

const MEDIA_WEU = arm('rg-media-weu', 'Microsoft.Media/mediaservices', 'contosomediaweu');
const MEDIA_NEU = arm('rg-media-neu', 'Microsoft.Media/mediaservices', 'contosomedianeu');
const MEDIA_TRIGGER = '    policy:\n      trigger: auto\n    guardrails:';

describe('YAML syntax', () => {
  it('reports a syntax error with line and column, and nothing else', () => {
    const text = sampleWith(['    services: [Media Services]', '    services: [Media Services']);
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    // The flow list is still open when the next key (`recoveryTimeObjective:`, line 77 column 5) arrives.
    expect(problems[0]).toMatchObject({ severity: 'error', path: '$', line: 77, column: 5 });
    expect(problems[0]!.message).toMatch(/^YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a \]$/);
    expect(problems.every((p) => p.path === '$' && p.message.startsWith('YAML'))).toBe(true);
  });

  it('rejects duplicate keys', () => {
    const text = 'version: 1\nworkloads: []\nversion: 1\n';
    expect(problemsOf(text)).toEqual([
      { severity: 'error', path: '$', message: 'YAML syntax error: Map keys must be unique', line: 3, column: 1 },
    ]);
  });

  it('rejects an alias to an anchor that does not exist', () => {
    expect(problemsOf('version: 1\nworkloads: *missing\n')).toEqual([
      {
        severity: 'error',
        path: '$',
        message: 'YAML error: Unresolved alias (the anchor must be set before the alias): missing',
        line: 1,
        column: 1,
      },
    ]);
  });

  it('rejects a document that is not a mapping, or is empty', () => {
    expect(problemsOf('- media-streaming\n')).toEqual([
      { severity: 'error', path: '$', message: 'expected a mapping with version and workloads at the top level, got a list', line: 1, column: 1 },
    ]);
    expect(problemsOf('')[0]!.message).toBe('expected a mapping with version and workloads at the top level, got nothing (an empty value)');
  });
});

describe('shape', () => {
  it('requires version 1', () => {
    singleError(edit1('version: 1\n', 'version: 2\n'), 'version', 'unsupported catalog version 2; this app reads version 1');
    singleError(edit1('version: 1\n', 'version: "1"\n'), 'version', "unsupported catalog version '1'");
    singleError(edit1('version: 1\n', ''), 'version', "missing required field 'version'; add version: 1");
  });

  it('names a missing required field and points at its workload', () => {
    const text = sampleWith([MEDIA_TRIGGER, '    guardrails:']);
    const error = singleError(text, 'workloads[0].policy', "missing required field 'policy'");
    expect(error).toMatchObject({ line: 74, column: 5, workload: 'media-streaming' });
  });

  it('names the field and the value of a wrong type', () => {
    const error = singleError(
      sampleWith(['scaleUnits: 0 ', 'scaleUnits: two ']),
      'workloads[0].playbook.streamingEndpoints[0].scaleUnits',
      "expected a number, got a string ('two')",
    );
    expect(error.line).toBe(90);
    singleError(sampleWith(['scaleUnits: 0 ', 'scaleUnits: 1.5 ']), 'workloads[0].playbook.streamingEndpoints[0].scaleUnits', 'expected a whole number, got a number (1.5)');
    singleError(sampleWith(['scaleUnits: 0 ', 'scaleUnits: -1 ']), 'workloads[0].playbook.streamingEndpoints[0].scaleUnits', 'must be at least 0, got -1');
  });

  it('catches a misspelled key instead of ignoring it, and suggests the right one', () => {
    const error = singleError(
      sampleWith(['      dwellTime: 10m', '      dwelltime: 10m']),
      'workloads[0].guardrails.dwelltime',
      "unknown field 'dwelltime' (did you mean 'dwellTime'?); allowed fields: resourceHealthConfirmation, dwellTime, minIntervalBetweenFailovers, failbackAfterHealthyFor",
    );
    expect(error).toMatchObject({ line: 105, column: 7 });
  });

  it('catches unknown keys at the top, in a workload and deep inside a playbook', () => {
    const text = sampleWith(
      ['version: 1\n', 'version: 1\nowner: sre\n'],
      ['    description: Customer service CRM', '    descripton: Customer service CRM'],
      ['        primaryEndpoint: weu', '        primaryEndpoint: weu\n        weight: 1'],
    );
    expect(errorsOf(text).map((e) => [e.path, e.message.split(';')[0]])).toEqual([
      ['owner', "unknown field 'owner'"],
      ['workloads[0].playbook.trafficManager.weight', "unknown field 'weight'"],
      ['workloads[4].descripton', "unknown field 'descripton' (did you mean 'description'?)"],
    ]);
  });

  it('lists the allowed values of an enum', () => {
    const error = singleError(
      sampleWith([MEDIA_TRIGGER, '    policy:\n      trigger: automatic\n    guardrails:']),
      'workloads[0].policy.trigger',
      "expected one of auto, approval, notify-only; got 'automatic'",
    );
    expect(error).toMatchObject({ line: 102, column: 16, workload: 'media-streaming' });
    singleError(
      sampleWith(['recurrence: Day ', 'recurrence: Weekly ']),
      'workloads[1].playbook.shareSubscriptions[0].recurrence',
      "expected one of Day, Hour; got 'Weekly'",
    );
  });

  it('lists the playbook kinds when the kind is unknown or missing', () => {
    singleError(
      sampleWith(['kind: mediaServices', 'kind: mediaservice']),
      'workloads[0].playbook.kind',
      "expected one of mediaServices, dataShare, purview, genomics, dynamics365; got 'mediaservice'",
    );
    singleError(
      sampleWith(['      kind: genomics\n', '']),
      'workloads[3].playbook.kind',
      "missing required field 'kind'; expected one of mediaServices, dataShare, purview, genomics, dynamics365",
    );
  });

  it('checks kind-specific playbook parameters', () => {
    singleError(sampleWith(['      activeAccountKey: purview:activeAccount\n', '']), 'workloads[2].playbook.activeAccountKey', "missing required field 'activeAccountKey'");
    // Purview scans live under a data source: a readiness entry names both.
    singleError(
      sampleWith(['triggers: [sales-lake/weekly-lake,', 'triggers: [weekly-lake,']),
      'workloads[2].playbook.readiness.triggers[0]',
      'expected <data source>/<scan>, such as finance-sql/nightly-ledgers',
    );
    singleError(
      sampleWith(['      streamingEndpoints:             # started on the secondary account\n        - name: default\n          scaleUnits: 0               # 0 = standard endpoint (default)\n', '      streamingEndpoints: []\n']),
      'workloads[0].playbook.streamingEndpoints',
      'needs at least 1 entry',
    );
    singleError(sampleWith(['analytics@fabrikam.example', 'analytics-at-fabrikam']), 'workloads[1].playbook.shares[0].consumers[0]', "expected an email address, got 'analytics-at-fabrikam'");
    singleError(
      sampleWith(['"2024-01-01T02:00:00Z"', '"2024-01-01 02:00"']),
      'workloads[1].playbook.shareSubscriptions[0].synchronizationTime',
      "expected an ISO-8601 date and time with an offset, such as 2024-01-01T02:00:00Z; got '2024-01-01 02:00'",
    );
    singleError(sampleWith(['https://contoso.crm4.dynamics.com', 'contoso.crm4.dynamics.com']), 'workloads[4].playbook.environmentUrl', "expected an https:// URL, got 'contoso.crm4.dynamics.com'");
    singleError(sampleWith(['inputContainer: sequencing-input', 'inputContainer: Sequencing_Input']), 'workloads[3].playbook.inputContainer', "'Sequencing_Input' is not a blob container name");
    singleError(
      sampleWith(['        - name: live-main', '        - name: live-main\n        - name: live-main']),
      'workloads[0].playbook.liveEvents[1].name',
      "'live-main' is listed twice",
    );
  });

  it('checks the Traffic Manager switch', () => {
    singleError(
      sampleWith(['secondaryEndpoint: neu', 'secondaryEndpoint: weu']),
      'workloads[0].playbook.trafficManager.secondaryEndpoint',
      "primaryEndpoint and secondaryEndpoint are both 'weu'; name two different endpoints",
    );
    singleError(
      sampleWith(['Microsoft.Network/trafficManagerProfiles/contoso-stream', 'Microsoft.Network/frontDoors/contoso-stream']),
      'workloads[0].playbook.trafficManager.profile',
      'expected a Microsoft.Network/trafficManagerProfiles resource, got a Microsoft.Network/frontDoors resource',
    );
  });

  it('requires an approval block for trigger approval, and forbids it otherwise', () => {
    singleError(
      sampleWith(['      trigger: approval\n      approval:\n        timeout: 30m\n        onTimeout: escalate           # escalate: notify again and keep waiting | abort\n        approvers: [dana@contoso.example, role:Failover.Approver]   # signed in through Entra ID\n', '      trigger: approval\n']),
      'workloads[2].policy.approval',
      "trigger 'approval' needs an approval block with at least a timeout",
    );
    singleError(
      sampleWith([MEDIA_TRIGGER, '    policy:\n      trigger: auto\n      approval: { timeout: 30m }\n    guardrails:']),
      'workloads[0].policy.approval',
      "approval is only allowed when trigger is 'approval' (trigger is 'auto'); remove it or set trigger: approval",
    );
    singleError(sampleWith(['onTimeout: abort', 'onTimeout: proceed']), 'workloads[3].policy.approval.onTimeout', "expected one of escalate, abort; got 'proceed'");
  });

  it('defaults onTimeout to escalate and approvers to none', () => {
    const text = sampleWith(['        onTimeout: abort\n        approvers: [role:Genomics.Approver]\n', '']);
    expect(load(text).workloads[3]!.policy).toMatchObject({ trigger: 'approval', approval: { timeout: { iso: 'PT1H', ms: 3_600_000 }, onTimeout: 'escalate', approvers: [], quorum: 1, allowSelfApproval: false } });
  });

  it('checks durations: garbage, zero, negative, calendar units, bare numbers', () => {
    const timeout = 'workloads[2].policy.approval.timeout';
    singleError(sampleWith(['timeout: 30m', 'timeout: 30 minutes']), timeout, "expected a duration such as 90s, 10m, 1h30m, 2d, or ISO-8601 such as PT10M, PT1H30M, P1D; got '30 minutes'");
    singleError(sampleWith(['timeout: 30m', 'timeout: 0m']), timeout, "must be longer than zero; got '0m'");
    singleError(sampleWith(['timeout: 30m', 'timeout: -30m']), timeout, "a duration cannot be negative; got '-30m'");
    singleError(sampleWith(['timeout: 30m', 'timeout: P1M']), timeout, 'years and months have no fixed length');
    singleError(sampleWith(['timeout: 30m', 'timeout: 1800']), timeout, 'got a number (1800); add a unit, e.g. 1800s');
    // dwellTime may be zero: act as soon as the impact is seen.
    expect(load(sampleWith(['dwellTime: 10m', 'dwellTime: 0s'])).workloads[0]!.guardrails.dwellTime).toEqual({ iso: 'PT0S', ms: 0 });
    singleError(sampleWith(['minIntervalBetweenFailovers: 4h', 'minIntervalBetweenFailovers: PT0S']), 'workloads[0].guardrails.minIntervalBetweenFailovers', 'must be longer than zero');
  });

  it('wants booleans written as true or false', () => {
    singleError(
      sampleWith(['resourceHealthConfirmation: true ', 'resourceHealthConfirmation: yes ']),
      'workloads[0].guardrails.resourceHealthConfirmation',
      "expected true or false, got a string ('yes'); write true or false",
    );
  });

  it('wants exactly one target per notify entry', () => {
    singleError(
      sampleWith(['      - webhook: https://hooks.contoso.example/dr', '      - webhook: https://hooks.contoso.example/dr\n        email: dr@contoso.example']),
      'workloads[1].notify[0]',
      'a notify target takes exactly one of email, teams, slack, webhook, got email and webhook; give each its own entry',
    );
    singleError(sampleWith(['      - webhook: https://hooks.contoso.example/dr', '      - {}']), 'workloads[1].notify[0]', 'a notify target needs exactly one of email, teams, slack, webhook');
    singleError(sampleWith(['https://hooks.contoso.example/dr', 'http://hooks.contoso.example/dr']), 'workloads[1].notify[0].webhook', "expected an https:// URL, got 'http://hooks.contoso.example/dr'");
    singleError(sampleWith(['      - email: crm-oncall@contoso.example', '      - crm-oncall@contoso.example']), 'workloads[4].notify[0]', "expected a mapping, got a string ('crm-oncall@contoso.example')");
  });

  it('wants kebab-case workload ids and at least one service', () => {
    singleError(sampleWith(['- id: purview-governance', '- id: Purview_Governance']), 'workloads[2].id', "workload id 'Purview_Governance' must be kebab-case");
    singleError(sampleWith(['- id: purview-governance', `- id: p${'x'.repeat(63)}`]), 'workloads[2].id', 'at most 63 characters');
    singleError(sampleWith(['services: [Microsoft Purview]', 'services: []']), 'workloads[2].services', 'needs at least 1 entry');
  });

  it('requires a secondary for every kind but dynamics365', () => {
    const text = sampleWith([
      `    secondary:\n      region: westus\n      resources:\n        account: ${arm('rg-purview-wus', 'Microsoft.Purview/accounts', 'contosopurviewwus')}\n`,
      '',
    ]);
    singleError(text, 'workloads[2].secondary', "missing required field 'secondary': a purview playbook fails over to a standby you run; only dynamics365");
  });
});

describe('the Genomics playbook', () => {
  const withValidity = (v: string) => edit1('      activeRegionKey: genomics:activeRegion\n', `      activeRegionKey: genomics:activeRegion\n      sasValidity: ${v}\n`);

  it('gives resubmitted workflows SAS tokens valid 48 hours by default, or as long as the workload says', () => {
    const genomics = (text: string) => load(text).workloads.find((w) => w.id === 'genomics-pipeline')!.playbook;
    expect(genomics(SAMPLE)).toMatchObject({ kind: 'genomics', sasValidity: { iso: 'P2D', ms: 48 * 3600_000 } });
    expect(genomics(withValidity('3d'))).toMatchObject({ sasValidity: { iso: 'P3D', ms: 72 * 3600_000 } });
  });

  it('refuses a SAS validity shorter than the 48 hours the service asks for, or longer than a user delegation key lasts, naming the field', () => {
    singleError(withValidity('24h'), 'workloads[3].playbook.sasValidity', 'must be at least 48h: Microsoft Genomics asks for SAS tokens valid 48 hours from submission');
    singleError(withValidity('8d'), 'workloads[3].playbook.sasValidity', 'must be at most 7d: the user delegation key that signs the SAS tokens lasts at most 7 days');
    singleError(withValidity('soon'), 'workloads[3].playbook.sasValidity', "expected a duration such as 90s, 10m, 1h30m, 2d, or ISO-8601 such as PT10M, PT1H30M, P1D; got 'soon'");
  });
});

describe('cross-workload rules', () => {
  it('rejects duplicate workload ids at the second one', () => {
    const error = singleError(sampleWith(['- id: genomics-pipeline', '- id: purview-governance']), 'workloads[3].id', "duplicate workload id 'purview-governance': workloads[2] already uses it");
    expect(error).toMatchObject({ workload: 'purview-governance', line: 175 });
  });

  it('rejects dependsOn naming an unknown workload, with a suggestion', () => {
    singleError(purviewCatalog(['app', 'db'], { app: ['dbb'] }), 'workloads[0].dependsOn[0]', "unknown workload 'dbb' (did you mean 'db'?)");
  });

  it('rejects a workload depending on itself', () => {
    singleError(purviewCatalog(['app', 'db'], { app: ['db', 'app'] }), 'workloads[0].dependsOn[1]', "a workload cannot depend on itself ('app')");
  });

  it('reports a dependency cycle as a path', () => {
    singleError(purviewCatalog(['a', 'b'], { a: ['b'], b: ['a'] }), 'workloads[0].dependsOn[0]', 'dependency cycle: a → b → a');
    singleError(purviewCatalog(['web', 'api', 'db'], { db: ['web'], web: ['api'], api: ['db'] }), 'workloads[0].dependsOn[0]', 'dependency cycle: web → api → db → web');
  });

  it('accepts an acyclic diamond of dependencies', () => {
    const catalog = load(purviewCatalog(['db', 'cache', 'api', 'web'], { cache: ['db'], api: ['db', 'cache'], web: ['api', 'cache'] }));
    expect(catalog.workloads.map((w) => w.dependsOn)).toEqual([[], ['db'], ['db', 'cache'], ['api', 'cache']]);
  });

  it('warns about a dependency listed twice and keeps it once', () => {
    const result = parseCatalog(purviewCatalog(['app', 'db'], { app: ['db', 'db'] }), { now: NOW });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toMatchObject([{ severity: 'warning', path: 'workloads[0].dependsOn[1]', message: "'db' is listed twice in dependsOn" }]);
    expect(result.catalog.workloads[0]!.dependsOn).toEqual(['db']);
  });
});

describe('regions', () => {
  it('names an unknown region after canonicalization and suggests the nearest', () => {
    const error = singleError(sampleWith(['region: westeurope', 'region: westeurpe']), 'workloads[0].primary.region', "unknown region 'westeurpe' (did you mean 'westeurope'?)");
    expect(error.line).toBe(79);
    singleError(sampleWith(['region: northeurope', 'region: North Eurpoe']), 'workloads[0].secondary.region', "unknown region 'northeurpoe'");
  });

  it('stores display names canonical', () => {
    const text = sampleWith(['region: westeurope', 'region: West Europe'], ['region: northeurope', 'region: "North Europe"']);
    const media = load(text).workloads[0]!;
    expect([media.primary.region, media.secondary?.region]).toEqual(['westeurope', 'northeurope']);
  });

  it('rejects global as a workload region', () => {
    singleError(sampleWith(['region: westeurope', 'region: Global']), 'workloads[0].primary.region', "'global' is not a region a workload runs in");
  });

  it('rejects the same region on both sides, also when spelled differently', () => {
    singleError(sampleWith(['region: northeurope', 'region: West Europe']), 'workloads[0].secondary.region', 'secondary region is the same as the primary region (westeurope)');
  });
});

describe('resources', () => {
  it('rejects a resource id that is not an ARM id', () => {
    const error = singleError(
      sampleWith([`account: ${MEDIA_NEU}`, 'account: contosomedianeu']),
      'workloads[0].secondary.resources.account',
      "not a valid ARM resource id: expected /subscriptions/{subscription-id}/resourceGroups/{group}/providers/{Namespace}/{type}/{name}, got 'contosomedianeu'",
    );
    expect(error.line).toBe(85);
    singleError(sampleWith([`account: ${MEDIA_NEU}`, 'account: /subscriptions/.../resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu']), 'workloads[0].secondary.resources.account', "subscription '...' in the resource id is not a GUID");
    singleError(sampleWith([`account: ${MEDIA_NEU}`, `account: /subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-neu`]), 'workloads[0].secondary.resources.account', 'not a valid ARM resource id');
  });

  it('checks the resource type of each role, case-insensitively', () => {
    singleError(
      sampleWith([`account: ${MEDIA_NEU}`, `account: ${arm('rg-media-neu', 'Microsoft.Storage/storageAccounts', 'contosomedianeu')}`]),
      'workloads[0].secondary.resources.account',
      "role 'account' of a mediaServices playbook needs a Microsoft.Media/mediaservices resource, got a Microsoft.Storage/storageAccounts resource",
    );
    const lowerCased = sampleWith([`account: ${MEDIA_NEU}`, `account: ${MEDIA_NEU.toLowerCase()}`]);
    expect(load(lowerCased).workloads[0]!.secondary!.resources['account']).toBe(MEDIA_NEU.toLowerCase());
  });

  it('rejects an unknown role, suggests the right one, and still misses the required one', () => {
    const errors = errorsOf(sampleWith([`account: ${MEDIA_WEU}`, `acount: ${MEDIA_WEU}`]));
    expect(errors).toEqual([
      {
        severity: 'error',
        path: 'workloads[0].primary.resources.account',
        message: "missing required role 'account': the ARM id of the primary Microsoft.Media/mediaservices resource",
        line: 80,
        column: 7,
        workload: 'media-streaming',
      },
      {
        severity: 'error',
        path: 'workloads[0].primary.resources.acount',
        message: "unknown role 'acount' for a mediaServices playbook (did you mean 'account'?); primary roles: account",
        line: 81,
        column: 9,
        workload: 'media-streaming',
      },
    ]);
  });

  it('names a missing required role', () => {
    const providerLine = `        providerAccount: ${arm('rg-datashare-cus', 'Microsoft.DataShare/accounts', 'contosodsprovidercus')}\n`;
    singleError(sampleWith([providerLine, '']), 'workloads[1].secondary.resources.providerAccount', "missing required role 'providerAccount': the ARM id of the secondary Microsoft.DataShare/accounts resource");
    const storageLine = `        storage: ${arm('rg-genomics-wcus', 'Microsoft.Storage/storageAccounts', 'contosogenomicswcusdata')}\n`;
    singleError(sampleWith([storageLine, '']), 'workloads[3].secondary.resources.storage', "missing required role 'storage'");
  });

  it('accepts the optional primary roles', () => {
    const text = sampleWith([
      `        consumerAccount: ${arm('rg-datashare-eus2', 'Microsoft.DataShare/accounts', 'contosodsconsumereus2')}\n`,
      `        consumerAccount: ${arm('rg-datashare-eus2', 'Microsoft.DataShare/accounts', 'contosodsconsumereus2')}\n        providerAccount: ${arm('rg-datashare-eus2', 'Microsoft.DataShare/accounts', 'contosodsprovidereus2')}\n`,
    ]);
    expect(Object.keys(load(text).workloads[1]!.primary.resources)).toEqual(['consumerAccount', 'providerAccount']);
  });

  it('gives dynamics365 no resource roles', () => {
    singleError(
      sampleWith(['      region: Europe                  # a Dynamics 365 geography; stored as `europe`', `      region: Europe\n      resources:\n        environment: ${arm('rg-crm', 'Microsoft.Web/sites', 'crm')}`]),
      'workloads[4].primary.resources.environment',
      "unknown role 'environment': a dynamics365 playbook is failed over by the provider and takes no resources",
    );
  });

  it('rejects the same resource on both sides, whatever its casing', () => {
    singleError(
      sampleWith([`account: ${MEDIA_NEU}`, `account: ${MEDIA_WEU.toUpperCase().replace('/SUBSCRIPTIONS', '/subscriptions')}`]),
      'workloads[0].secondary.resources.account',
      'the same resource as primary.resources.account; a failover needs a separate resource on the secondary side',
    );
  });

  it('rejects one resource on the same side of two workloads (an error: their failovers would race)', () => {
    const text = purviewCatalog(['a', 'b']).replace(arm('rg-b-p', 'Microsoft.Purview/accounts', 'bp'), arm('rg-a-p', 'Microsoft.Purview/accounts', 'ap'));
    singleError(text, 'workloads[1].primary.resources.account', 'the same resource as workloads[0].primary.resources.account (a); two workloads cannot fail over one resource');
  });

  it('allows one workload’s standby to be another’s primary', () => {
    const text = purviewCatalog(['a', 'b']).replace(arm('rg-b-p', 'Microsoft.Purview/accounts', 'bp'), arm('rg-a-s', 'Microsoft.Purview/accounts', 'as'));
    expect(load(text).workloads).toHaveLength(2);
  });
});

describe('warnings', () => {
  it('warns about a retired service found by an alias of its name', () => {
    const text = sampleWith(['services: [Media Services]', 'services: [Azure Media Services]']);
    const result = parseCatalog(text, { now: NOW });
    expect(result.ok && result.warnings.map((w) => [w.path, w.message.split(';')[0]])).toEqual([
      ['workloads[0].services[0]', 'Media Services was retired on 2024-06-30 (https://azure.microsoft.com/updates/retirement-notice-azure-media-services-is-being-retired-on-30-june-2024/)'],
      ['workloads[3].services[0]', 'Microsoft Genomics was retired on 2025-01-06 (https://learn.microsoft.com/lifecycle/products/microsoft-genomics)'],
    ]);
  });

  it('warns about a retired service found by playbook kind alone', () => {
    const text = sampleWith(['services: [Media Services]', 'services: [Contoso Streaming]']);
    const result = parseCatalog(text, { now: NOW });
    expect(result.ok && result.warnings.map((w) => [w.path, w.line])).toEqual([
      ['workloads[0].playbook.kind', 87],
      ['workloads[3].services[0]', 177],
    ]);
  });

  it('warns that Microsoft Genomics is retired, by name or by playbook kind, with the date and the notice', () => {
    const byKind = parseCatalog(sampleWith(['services: [Microsoft Genomics]', 'services: [Contoso Sequencing]']), { now: NOW });
    expect(byKind.ok && byKind.warnings.filter((w) => w.workload === 'genomics-pipeline').map((w) => [w.path, w.message])).toEqual([
      [
        'workloads[3].playbook.kind',
        'Microsoft Genomics was retired on 2025-01-06 (https://learn.microsoft.com/lifecycle/products/microsoft-genomics); run the pipeline on Azure Batch or another workflow service and remove this workload once migrated',
      ],
    ]);
    const before = parseCatalog(SAMPLE, { now: new Date('2025-01-05T23:59:59Z') });
    expect(before.ok && before.warnings.find((w) => w.workload === 'genomics-pipeline')?.message.split(' (')[0]).toBe('Microsoft Genomics will be retired on 2025-01-06');
  });

  it('warns when a Media Services traffic switch names no viewers\' host name, which no streaming endpoint could list', () => {
    const text = sampleWith(['        hostName: live.contoso.example   # what viewers use (CNAME to the profile); each secondary streaming endpoint must list it in customHostNames\n', '']);
    const result = parseCatalog(text, { now: NOW });
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings.filter((w) => w.path === 'workloads[0].playbook.trafficManager')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        workload: 'media-streaming',
        message:
          "no hostName: the traffic switch would send viewers to the standby's streaming endpoints under the profile's own DNS name, which no endpoint can list in customHostNames, so the switch refuses; set hostName to the name viewers use (a CNAME to the profile)",
      }),
    ]);
    // With the host name, as the sample has it, there is no such warning.
    const sample = parseCatalog(SAMPLE, { now: NOW });
    expect(sample.ok && sample.warnings.filter((w) => w.path === 'workloads[0].playbook.trafficManager')).toEqual([]);
  });

  it('warns when Resource Health confirmation has no primary resources to confirm with', () => {
    const text = sampleWith([
      '      trigger: notify-only\n',
      '      trigger: notify-only\n    guardrails:\n      resourceHealthConfirmation: true\n',
    ]);
    const result = parseCatalog(text, { now: NOW });
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings.filter((w) => w.workload === 'dynamics-crm')).toEqual([
      {
        severity: 'warning',
        path: 'workloads[4].guardrails.resourceHealthConfirmation',
        message:
          'resource health confirmation is on, but the primary side lists no resources whose health could confirm an impact; add the primary resources or set it to false',
        line: 219,
        column: 35,
        workload: 'dynamics-crm',
      },
    ]);
  });

  it('warns about a catalog with no workloads but loads it', () => {
    const result = parseCatalog('version: 1\nworkloads: []\n');
    expect(result).toEqual({
      ok: true,
      catalog: {
        version: 1,
        source: null,
        workloads: [],
        orchestrator: null,
        environment: { name: 'production', mapsFrom: { subscriptions: {}, resources: {}, tenants: {} } },
      },
      warnings: [{ severity: 'warning', path: 'workloads', message: 'the catalog protects no workloads', line: 2, column: 12 }],
    });
  });

  it('reports warnings alongside errors when the catalog is invalid', () => {
    const problems = problemsOf(sampleWith([MEDIA_TRIGGER, '    policy:\n      trigger: sometimes\n    guardrails:']));
    expect(problems.map((p) => [p.severity, p.path])).toEqual([
      ['warning', 'workloads[0].services[0]'],
      ['error', 'workloads[0].policy.trigger'],
      ['warning', 'workloads[3].services[0]'],
    ]);
  });
});

describe('many problems at once', () => {
  it('reports every problem of a badly broken catalog in one pass, in document order', () => {
    const text = sampleWith(
      ['version: 1\n', 'version: 3\n'],
      ['region: westeurope', 'region: westeurpe'],
      [MEDIA_TRIGGER, '    policy:\n      trigger: automatic\n    guardrails:'],
      ['      dwellTime: 10m', '      dwelltime: 10m'],
      ['- id: genomics-pipeline', '- id: purview-governance'],
      ['      kind: purview\n', '      kind: purview\n      readyness: {}\n'],
      [`account: ${arm('rg-purview-wus', 'Microsoft.Purview/accounts', 'contosopurviewwus')}`, 'account: nope'],
      ['timeout: 30m', 'timeout: 30'],
      ['region: westcentralus', 'region: westus2'],
    );
    const problems = problemsOf(text);
    expect(problems.map((p) => [p.severity, p.path, p.line])).toEqual([
      ['error', 'version', 69],
      ['warning', 'workloads[0].services[0]', 76],
      ['error', 'workloads[0].primary.region', 79],
      ['error', 'workloads[0].policy.trigger', 102],
      ['error', 'workloads[0].guardrails.dwelltime', 105],
      ['error', 'workloads[2].secondary.resources.account', 151],
      ['error', 'workloads[2].playbook.readyness', 154],
      ['error', 'workloads[2].policy.approval.timeout', 170],
      ['error', 'workloads[3].id', 176],
      ['warning', 'workloads[3].services[0]', 178],
      ['error', 'workloads[3].secondary.region', 185],
    ]);
    expect(problems.filter((p) => p.path.startsWith('workloads[3]')).every((p) => p.workload === 'purview-governance')).toBe(true);
  });
});

function edit1(from: string, to: string): string {
  return sampleWith([from, to]);
}

// The sample itself is the baseline every test above breaks; it must be valid.
it('baseline: the sample is valid', () => {
  expect(load(SAMPLE).workloads).toHaveLength(5);
});

describe('reporting everything at once', () => {
  it('checks resource roles even when another playbook field is broken', () => {
    const text = sampleWith(
      ['        - name: default\n          scaleUnits: 0', '        - name: default\n          scaleUnits: -1'],
      [`        account: ${MEDIA_NEU}`, `        acount: ${MEDIA_NEU}`],
    );
    const paths = errorsOf(text).map((p) => p.path);
    expect(paths).toContain('workloads[0].playbook.streamingEndpoints[0].scaleUnits');
    expect(paths).toContain('workloads[0].secondary.resources.acount');
    expect(paths).toContain('workloads[0].secondary.resources.account');
  });
});

describe('decision rules and approvers', () => {
  const approval = '        approvers: [role:Genomics.Approver]';
  it('names an approver that is neither an object or group id, a UPN nor an app role', () => {
    singleError(sampleWith([approval, '        approvers: [genomics leads]']), 'workloads[3].policy.approval.approvers[0]', "approver 'genomics leads' is not an Entra object or group id (GUID), a user principal name (name@domain) or an app role (role:<value>)");
  });

  it('refuses a quorum the named people cannot meet, and takes one a group or role can', () => {
    singleError(sampleWith([approval, '        approvers: [ana@contoso.example]\n        quorum: 2']), 'workloads[3].policy.approval.quorum', 'quorum 2 cannot be met by 1 named approver(s); lower it or name more (a group or an app role counts as many)');
    expect(load(sampleWith([approval, `${approval}\n        quorum: 2`])).workloads[3]!.policy).toMatchObject({ approval: { quorum: 2 } });
  });

  it('reads the rules a policy opts into, and refuses what is not one', () => {
    const policy = '    policy:\n      trigger: auto\n    notify:\n      - webhook: https://hooks.contoso.example/dr';
    const optIn = '    policy:\n      trigger: auto\n      maintenance: { action: failover, leadTime: 2h }\n      unknownCause: act\n      onCancel: rollback\n      administrative:\n        - operation: Microsoft.DataShare/accounts/delete\n    notify:\n      - webhook: https://hooks.contoso.example/dr';
    expect(load(sampleWith([policy, optIn])).workloads[1]!.policy).toEqual({
      trigger: 'auto',
      maintenance: { action: 'failover', leadTime: { iso: 'PT2H', ms: 7_200_000 } },
      unknownCause: 'act',
      onCancel: 'rollback',
      administrative: [{ operation: 'Microsoft.DataShare/accounts/delete', status: ['Succeeded'] }],
    });
    singleError(sampleWith(['      trigger: auto\n    notify:\n      - webhook', '      trigger: auto\n      unknownCause: always\n    notify:\n      - webhook']), 'workloads[1].policy.unknownCause', "expected one of notify, act; got 'always'");
    singleError(
      sampleWith(['      trigger: auto\n    notify:\n      - webhook', '      trigger: auto\n      administrative: [{ operation: delete everything }]\n    notify:\n      - webhook']),
      'workloads[1].policy.administrative[0].operation',
      "expected an operation name such as Microsoft.Media/mediaservices/delete, got 'delete everything'",
    );
  });

  it('takes extra subscriptions and a tenant as GUIDs, lower-cased', () => {
    const text = sampleWith(['  - id: datashare-sales\n', '  - id: datashare-sales\n    subscriptions: [AAAAAAAA-1111-1111-1111-111111111111]\n    tenantId: BBBBBBBB-2222-2222-2222-222222222222\n']);
    const w = load(text).workloads[1]!;
    expect(w.subscriptions).toEqual(['aaaaaaaa-1111-1111-1111-111111111111', '11111111-1111-1111-1111-111111111111']);
    expect(w.tenantId).toBe('bbbbbbbb-2222-2222-2222-222222222222');
    singleError(sampleWith(['  - id: datashare-sales\n', '  - id: datashare-sales\n    subscriptions: [prod]\n']), 'workloads[1].subscriptions[0]', "expected a GUID such as 11111111-1111-1111-1111-111111111111, got 'prod'");
  });
});
