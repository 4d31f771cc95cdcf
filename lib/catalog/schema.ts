/**
 * The shape of the catalog YAML, in zod. Objects are strict so a typo (`dwelltime`) is an error,
 * not a silently ignored key that leaves a guardrail at its default. The top level and each
 * workload are split into separately parsed sections (ROOT_FIELDS, WORKLOAD_FIELDS) because
 * zod skips an object's cross-field checks once any field fails, and the catalog check must
 * report every problem in one run.
 */
import { z } from 'zod';
import { canonicalRegion, isKnownRegion, KNOWN_REGIONS } from '../alerts/regions.js';
import { WORKFLOW_SAS } from '../azure/genomics.js';
import { parseResourceId, resourceIdKey } from '../azure/resource-id.js';
import { DURATION_EXAMPLES, parseDuration } from './duration.js';
import { TRAFFIC_MANAGER_TYPE } from './roles.js';
import type {
  AdministrativeRule,
  Approval,
  DataSharePlaybook,
  Dynamics365Playbook,
  GenomicsPlaybook,
  Guardrails,
  MediaServicesPlaybook,
  NotifyTarget,
  Playbook,
  Policy,
  PolicyRules,
  PurviewPlaybook,
  Side,
} from './types.js';
import { describe, didYouMean, list, show } from './wording.js';

/** Separates per-key messages of one `unrecognized_keys` issue; problems.ts splits them again. */
export const UNKNOWN_KEY_SEPARATOR = '\u001e';

export function unknownFieldMessage(key: string, allowed: readonly string[]): string {
  return `unknown field '${key}'${didYouMean(key, allowed)}; allowed fields: ${list(allowed)}`;
}

/** A strict object whose unknown-key message names the allowed keys and the likely intended one. */
function strict<S extends z.ZodRawShape>(shape: S) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? iss.keys.map((key) => unknownFieldMessage(key, allowed)).join(UNKNOWN_KEY_SEPARATOR)
        : undefined,
  });
}

/**
 * Messages for zod's own issues, in the catalog's voice: what is wrong, what was found, what
 * would be right. Schemas with a better message of their own set it and this is not consulted.
 */
export const catalogErrorMap: z.core.$ZodErrorMap = (iss) => {
  const field = [...(iss.path ?? [])].reverse().find((s): s is string => typeof s === 'string');
  const input: unknown = iss.input;
  switch (iss.code) {
    case 'invalid_type': {
      if (input === undefined) return field !== undefined ? `missing required field '${field}'` : 'missing required value';
      if (iss.expected === 'int') return `expected a whole number, got ${describe(input)}`;
      const expected = EXPECTED[iss.expected] ?? iss.expected;
      const hint =
        iss.expected === 'boolean' && typeof input === 'string' ? '; write true or false (YAML 1.2 reads yes/no/on/off as text)' : '';
      return `expected ${expected}, got ${describe(input)}${hint}`;
    }
    case 'invalid_value':
      return iss.values.length === 1
        ? `expected ${show(iss.values[0])}, got ${show(input)}`
        : `expected one of ${list(iss.values)}; got ${show(input)}`;
    case 'invalid_union': {
      const union = iss as unknown as { discriminator?: string; options?: unknown[] };
      if (union.discriminator !== undefined && union.options !== undefined) {
        const value = isRecord(input) ? input[union.discriminator] : undefined;
        return value === undefined
          ? `missing required field '${union.discriminator}'; expected one of ${list(union.options)}`
          : `expected one of ${list(union.options)}; got ${show(value)}`;
      }
      return `does not match any allowed form`;
    }
    case 'too_small':
      if (iss.origin === 'array') return `needs at least ${iss.minimum} ${Number(iss.minimum) === 1 ? 'entry' : 'entries'}`;
      if (iss.origin === 'string') return 'must not be empty';
      return `must be at least ${iss.minimum}, got ${show(input)}`;
    case 'too_big':
      if (iss.origin === 'array') return `allows at most ${iss.maximum} entries`;
      if (iss.origin === 'string') return `must be at most ${iss.maximum} characters`;
      return `must be at most ${iss.maximum}, got ${show(input)}`;
    case 'invalid_format':
      if (iss.format === 'email') return `expected an email address, got ${show(input)}`;
      if (iss.format === 'datetime') {
        return `expected an ISO-8601 date and time with an offset, such as 2024-01-01T02:00:00Z; got ${show(input)}`;
      }
      return `expected ${iss.format} format, got ${show(input)}`;
    case 'unrecognized_keys':
      return iss.keys.map((key) => `unknown field '${key}'`).join(UNKNOWN_KEY_SEPARATOR);
    default:
      return undefined;
  }
};

const EXPECTED: Readonly<Record<string, string>> = {
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const text = z.string().trim().min(1);

function duration(options: { allowZero?: boolean } = {}) {
  return z
    .string({
      error: (iss) =>
        iss.input === undefined
          ? undefined
          : `expected a duration such as ${DURATION_EXAMPLES}; got ${describe(iss.input)}${
              typeof iss.input === 'number' ? `; add a unit, e.g. ${iss.input}s` : ''
            }`,
    })
    .transform((value, ctx) => {
      const parsed = parseDuration(value, options);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: parsed.message, input: value });
        return z.NEVER;
      }
      return parsed.value;
    });
}

const region = text.transform((value, ctx) => {
  const canonical = canonicalRegion(value);
  if (canonical === 'global') {
    ctx.addIssue({ code: 'custom', message: `'global' is not a region a workload runs in; name its region, e.g. westeurope`, input: value });
  } else if (!isKnownRegion(canonical)) {
    ctx.addIssue({
      code: 'custom',
      message: `unknown region '${canonical}'${didYouMean(canonical, KNOWN_REGIONS)}; use a canonical name such as westeurope or a display name such as "West Europe"`,
      input: value,
    });
  }
  return canonical;
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ARM_ID_FORM = '/subscriptions/{subscription-id}/resourceGroups/{group}/providers/{Namespace}/{type}/{name}';

/** Why `id` is not a usable resource id, or null. `type`, when given, is compared case-insensitively. */
export function resourceIdProblem(id: string, type?: string): string | null {
  const parsed = parseResourceId(id);
  if (parsed === null || parsed.type === null || parsed.resourceGroup === null) {
    return `not a valid ARM resource id: expected ${ARM_ID_FORM}, got ${show(id)}`;
  }
  if (!GUID.test(parsed.subscriptionId)) {
    return `subscription '${parsed.subscriptionId}' in the resource id is not a GUID`;
  }
  if (type !== undefined && parsed.type.toLowerCase() !== type.toLowerCase()) {
    return `expected a ${type} resource, got a ${parsed.type} resource`;
  }
  return null;
}

function resourceId(type?: string) {
  return text.superRefine((id, ctx) => {
    const problem = resourceIdProblem(id, type);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, input: id });
  });
}

const httpsUrl = text.superRefine((value, ctx) => {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (url === null || url.protocol !== 'https:' || url.hostname === '') {
    ctx.addIssue({ code: 'custom', message: `expected an https:// URL, got ${show(value)}`, input: value });
  }
});

const email = z.email();

/** Lists whose entries are addressed by name must not name one twice. */
function uniqueNames<T extends { name: string }>(items: T[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.name)) {
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `'${item.name}' is listed twice`, input: item.name });
    }
    seen.add(item.name);
  });
}

const CONTAINER = /^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/;
const container = text.superRefine((value, ctx) => {
  if (!CONTAINER.test(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `'${value}' is not a blob container name: use 3-63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit`,
      input: value,
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Sides, playbooks, policy, guardrails, notifications

export const SideSchema = strict({
  region,
  resources: z.record(z.string(), resourceId()).default({}),
}) satisfies z.ZodType<Side>;

const named = strict({ name: text });

const MediaServicesSchema = strict({
  kind: z.literal('mediaServices'),
  streamingEndpoints: z
    .array(strict({ name: text, scaleUnits: z.number().int().min(0).default(0) }))
    .min(1)
    .superRefine(uniqueNames),
  liveEvents: z.array(named).default([]).superRefine(uniqueNames),
  // A transform's definition comes from its built-in presets when the catalog names them, else
  // from the primary account while it answers.
  transforms: z
    .array(strict({ name: text, presets: z.array(text).min(1).optional() }).transform((t) => ({ name: t.name, presets: t.presets ?? null })))
    .default([])
    .superRefine(uniqueNames),
  trafficManager: strict({
    profile: resourceId(TRAFFIC_MANAGER_TYPE),
    primaryEndpoint: text,
    secondaryEndpoint: text,
    // The host name viewers use (a CNAME to the profile); absent: the profile's own DNS name.
    hostName: text
      .toLowerCase()
      .optional()
      .transform((h) => h ?? null),
  })
    .superRefine((tm, ctx) => {
      if (tm.primaryEndpoint === tm.secondaryEndpoint) {
        ctx.addIssue({
          code: 'custom',
          path: ['secondaryEndpoint'],
          message: `primaryEndpoint and secondaryEndpoint are both '${tm.primaryEndpoint}'; name two different endpoints`,
          input: tm.secondaryEndpoint,
        });
      }
    })
    .optional()
    .transform((tm) => tm ?? null),
  activeAccountKey: text,
}) satisfies z.ZodType<MediaServicesPlaybook>;

const DataShareSchema = strict({
  kind: z.literal('dataShare'),
  shareSubscriptions: z
    .array(
      strict({
        name: text,
        recurrence: z.enum(['Day', 'Hour']),
        synchronizationTime: z.iso.datetime({ offset: true }),
        synchronizationMode: z.enum(['Incremental', 'FullSync']).default('Incremental'),
      }),
    )
    .min(1)
    .superRefine(uniqueNames),
  shares: z
    .array(strict({ name: text, consumers: z.array(email).min(1) }))
    .default([])
    .superRefine(uniqueNames),
}) satisfies z.ZodType<DataSharePlaybook>;

/** A Purview scan, named with its data source: scans are per data source (`finance-sql/nightly-ledgers`). */
const scanName = z.string().regex(/^[^/\s]+\/[^/\s]+$/, { message: 'expected <data source>/<scan>, such as finance-sql/nightly-ledgers' });

const PurviewSchema = strict({
  kind: z.literal('purview'),
  activeAccountKey: text,
  // Every artifact kind Microsoft's continuity guide says a warm standby must carry.
  readiness: strict({
    collections: z.array(text).default([]),
    classifications: z.array(text).default([]),
    classificationRules: z.array(text).default([]),
    credentials: z.array(text).default([]),
    dataSources: z.array(text).default([]),
    scanRuleSets: z.array(text).default([]),
    scans: z.array(scanName).default([]),
    triggers: z.array(scanName).default([]),
    glossaryTerms: z.array(text).default([]),
  }).prefault({}),
  integrationRuntimes: z.array(text).default([]),
}) satisfies z.ZodType<PurviewPlaybook>;

const GenomicsSchema = strict({
  kind: z.literal('genomics'),
  inputContainer: container,
  outputContainer: container,
  activeRegionKey: text.optional().transform((v) => v ?? null),
  sasValidity: duration()
    .refine((d) => d.ms >= WORKFLOW_SAS.minimumValidityMs, {
      message: `must be at least 48h: Microsoft Genomics asks for SAS tokens valid 48 hours from submission`,
    })
    .refine((d) => d.ms <= WORKFLOW_SAS.maximumValidityMs, {
      message: `must be at most 7d: the user delegation key that signs the SAS tokens lasts at most 7 days`,
    })
    .prefault('48h'),
}) satisfies z.ZodType<GenomicsPlaybook>;

const Dynamics365Schema = strict({
  kind: z.literal('dynamics365'),
  environmentUrl: httpsUrl,
  degradedModeFlagKey: text,
  dataLossWindow: duration({ allowZero: true }).prefault('15m'),
}) satisfies z.ZodType<Dynamics365Playbook>;

export const PlaybookSchema = z.discriminatedUnion('kind', [
  MediaServicesSchema,
  DataShareSchema,
  PurviewSchema,
  GenomicsSchema,
  Dynamics365Schema,
]) satisfies z.ZodType<Playbook>;

const TRIGGERS = ['auto', 'approval', 'notify-only'] as const;

const GUID_TEXT = text.superRefine((value, ctx) => {
  if (!GUID.test(value)) ctx.addIssue({ code: 'custom', message: `expected a GUID such as 11111111-1111-1111-1111-111111111111, got ${show(value)}`, input: value });
});

/** An approver as Microsoft Entra names them: an object or group id, a user principal name, or `role:<app role>`. */
const approver = text.superRefine((value, ctx) => {
  if (GUID.test(value) || /^role:\S+$/.test(value) || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) return;
  ctx.addIssue({
    code: 'custom',
    message: `approver ${show(value)} is not an Entra object or group id (GUID), a user principal name (name@domain) or an app role (role:<value>)`,
    input: value,
  });
});

const ApprovalSchema = strict({
  timeout: duration(),
  onTimeout: z.enum(['escalate', 'abort']).default('escalate'),
  approvers: z.array(approver).default([]),
  quorum: z.number().int().min(1).default(1),
  allowSelfApproval: z.boolean().default(false),
})
  .superRefine((approval, ctx) => {
    if (approval.approvers.length > 0 && approval.quorum > approval.approvers.length && !approval.approvers.some((a) => a.startsWith('role:') || GUID.test(a))) {
      ctx.addIssue({
        code: 'custom',
        path: ['quorum'],
        message: `quorum ${approval.quorum} cannot be met by ${approval.approvers.length} named approver(s); lower it or name more (a group or an app role counts as many)`,
        input: approval.quorum,
      });
    }
  }) satisfies z.ZodType<Approval>;

const AdministrativeRuleSchema = strict({
  operation: text.superRefine((value, ctx) => {
    if (!/^[A-Za-z0-9.]+\/[^\s]+$/.test(value)) {
      ctx.addIssue({ code: 'custom', message: `expected an operation name such as Microsoft.Media/mediaservices/delete, got ${show(value)}`, input: value });
    }
  }),
  status: z.array(text).min(1).default(['Succeeded']),
}) satisfies z.ZodType<AdministrativeRule>;

const RULE_FIELDS = {
  maintenance: strict({
    action: z.enum(['notify', 'failover']).default('notify'),
    leadTime: duration({ allowZero: true }).prefault('30m'),
  }).prefault({}),
  unknownCause: z.enum(['notify', 'act']).default('notify'),
  administrative: z.array(AdministrativeRuleSchema).default([]),
  onCancel: z.enum(['hold', 'rollback']).default('hold'),
};

export const PolicySchema = strict({
  trigger: z.enum(TRIGGERS),
  approval: ApprovalSchema.optional(),
  ...RULE_FIELDS,
}).transform((policy, ctx): Policy => {
  const { trigger, approval, ...rules } = policy satisfies PolicyRules & { trigger: string };
  if (trigger === 'approval') {
    if (approval === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['approval'],
        message: "trigger 'approval' needs an approval block with at least a timeout, e.g. approval: { timeout: 30m }",
        input: undefined,
      });
      return z.NEVER;
    }
    return { trigger: 'approval', approval, ...rules };
  }
  if (approval !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['approval'],
      message: `approval is only allowed when trigger is 'approval' (trigger is '${trigger}'); remove it or set trigger: approval`,
      input: approval,
    });
    return z.NEVER;
  }
  return { trigger, ...rules };
});

export const GuardrailsSchema = strict({
  resourceHealthConfirmation: z.boolean().default(false),
  dwellTime: duration({ allowZero: true }).prefault('5m'),
  minIntervalBetweenFailovers: duration().prefault('1h'),
  failbackAfterHealthyFor: duration().prefault('30m'),
  confirmWithin: duration().prefault('4h'),
}).prefault({}) satisfies z.ZodType<Guardrails>;

const NOTIFY_KINDS = ['email', 'teams', 'slack', 'webhook'] as const;

export const NotifyTargetSchema = strict({
  email: email.optional(),
  teams: httpsUrl.optional(),
  slack: httpsUrl.optional(),
  webhook: httpsUrl.optional(),
}).transform((target, ctx): NotifyTarget => {
  const given = NOTIFY_KINDS.filter((k) => target[k] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message:
        given.length === 0
          ? `a notify target needs exactly one of ${list(NOTIFY_KINDS)}, e.g. - email: oncall@contoso.example`
          : `a notify target takes exactly one of ${list(NOTIFY_KINDS)}, got ${given.join(' and ')}; give each its own entry`,
      input: target,
    });
    return z.NEVER;
  }
  if (target.email !== undefined) return { kind: 'email', address: target.email };
  if (target.teams !== undefined) return { kind: 'teams', url: target.teams };
  if (target.slack !== undefined) return { kind: 'slack', url: target.slack };
  return { kind: 'webhook', url: target.webhook ?? '' };
});

/** Lower-case letters, digits and single hyphens, starting with a letter: workload ids and environment names. */
const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export const WorkloadIdSchema = z.string().superRefine((id, ctx) => {
  if (id.length > 63 || !KEBAB.test(id)) {
    ctx.addIssue({
      code: 'custom',
      message: `workload id ${show(id)} must be kebab-case: lower-case letters, digits and single hyphens, starting with a letter, at most 63 characters (e.g. media-streaming)`,
      input: id,
    });
  }
});

/** The fields of one workload, each parsed on its own (see the file comment). */
export const WORKLOAD_FIELDS = {
  id: WorkloadIdSchema,
  description: z.string().trim().optional().transform((v) => (v === undefined || v === '' ? null : v)),
  services: z.array(text).min(1),
  primary: SideSchema,
  secondary: SideSchema.optional().transform((side) => side ?? null),
  playbook: PlaybookSchema,
  policy: PolicySchema,
  guardrails: GuardrailsSchema,
  notify: z.array(NotifyTargetSchema).default([]),
  dependsOn: z.array(text).default([]),
  subscriptions: z.array(GUID_TEXT.transform((v) => v.toLowerCase())).default([]),
  tenantId: GUID_TEXT.optional().transform((v) => (v === undefined ? null : v.toLowerCase())),
  recoveryTimeObjective: duration().optional().transform((d) => (d === undefined ? null : d.ms)),
};

// ---------------------------------------------------------------------------------------------
// Environment: what the catalog describes and how production's identifiers map onto it

/** The production id of one map entry and this catalog's, canonical, with the key as written so problems can point at it. */
export interface MapEntry {
  readonly written: string;
  readonly from: string;
  readonly to: string;
}

const MAPPED_KINDS = {
  subscription: {
    canonical: (id: string) => id.toLowerCase(),
    problem: (id: string) => (GUID.test(id) ? null : `expected a subscription GUID such as 55555555-5555-5555-5555-555555555555, got ${show(id)}`),
  },
  tenant: {
    canonical: (id: string) => id.toLowerCase(),
    problem: (id: string) => (GUID.test(id) ? null : `expected a tenant GUID such as 55555555-5555-5555-5555-555555555555, got ${show(id)}`),
  },
  resource: { canonical: resourceIdKey, problem: (id: string) => resourceIdProblem(id) },
} as const;

/**
 * Production id → this catalog's id, for one kind of identifier. The map is applied once, so a
 * target that is also a source (a chain, or an id mapped to itself) would leave a replay
 * pointing at whatever the source names, possibly production: refused, not followed.
 */
function identifierMap(kind: keyof typeof MAPPED_KINDS) {
  const { canonical, problem } = MAPPED_KINDS[kind];
  return z.record(z.string(), text).transform((record, ctx): MapEntry[] => {
    const entries: MapEntry[] = [];
    const written = new Map<string, string>();
    for (const [key, target] of Object.entries(record)) {
      const keyProblem = problem(key.trim());
      const targetProblem = problem(target);
      if (keyProblem !== null) ctx.addIssue({ code: 'custom', path: [key], message: `production ${kind} (the key): ${keyProblem}`, input: key });
      if (targetProblem !== null) ctx.addIssue({ code: 'custom', path: [key], message: `this environment's ${kind} (the value): ${targetProblem}`, input: target });
      if (keyProblem !== null || targetProblem !== null) continue;
      const from = canonical(key.trim());
      const first = written.get(from);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `maps the same ${kind} as '${first}' (ids compare without case); keep one entry`, input: key });
        continue;
      }
      written.set(from, key);
      entries.push({ written: key, from, to: kind === 'resource' ? target : canonical(target) });
    }
    const sources = new Set(entries.map((e) => e.from));
    for (const entry of entries) {
      if (!sources.has(canonical(entry.to))) continue;
      ctx.addIssue({
        code: 'custom',
        path: [entry.written],
        input: entry.to,
        message:
          canonical(entry.to) === entry.from
            ? `maps '${entry.written}' to itself: a replayed incident would act on the production ${kind}; map it to this environment's ${kind}`
            : `maps to '${entry.to}', which is itself mapped from: maps are applied once, not followed; map '${entry.written}' straight to this environment's ${kind}`,
      });
    }
    return entries;
  });
}

/** The fields of `environment`, each parsed on its own; `mapsFrom` is parsed by MAPS_FROM_FIELDS. */
export const ENVIRONMENT_FIELDS = {
  name: z
    .string()
    .superRefine((name, ctx) => {
      if (name.length > 63 || !KEBAB.test(name)) {
        ctx.addIssue({
          code: 'custom',
          message: `environment name ${show(name)} must be one lower-case word or kebab-case, at most 63 characters (e.g. staging, pre-production)`,
          input: name,
        });
      }
    })
    .default('production'),
  mapsFrom: z.unknown(),
};

export const MAPS_FROM_FIELDS = {
  subscriptions: identifierMap('subscription').default([]),
  resources: identifierMap('resource').default([]),
  tenants: identifierMap('tenant').default([]),
};

export type MapsFromFields = { [K in keyof typeof MAPS_FROM_FIELDS]: z.output<(typeof MAPS_FROM_FIELDS)[K]> };

export const ROOT_FIELDS = {
  version: z.unknown().transform((version, ctx): 1 => {
    if (version !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          version === undefined
            ? "missing required field 'version'; add version: 1"
            : `unsupported catalog version ${show(version)}; this app reads version 1`,
        input: version,
      });
    }
    return 1;
  }),
  workloads: z.array(z.unknown()),
  /** Where the orchestrator itself runs (infra/main.bicep's location), so the catalog check can refuse a layout it would not survive. */
  orchestrator: strict({ region }).optional().transform((v) => (v === undefined ? null : v)),
  /** What the catalog describes; parsed field by field (ENVIRONMENT_FIELDS) so one broken map does not hide the others. */
  environment: z.unknown(),
};

export type WorkloadFields = { [K in keyof typeof WORKLOAD_FIELDS]: z.output<(typeof WORKLOAD_FIELDS)[K]> };
