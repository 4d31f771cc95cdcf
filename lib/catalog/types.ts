/**
 * The loaded protection catalog. Everything here is what the YAML says after validation:
 * regions canonical (`westeurope`), durations parsed, defaults applied, absent optional values
 * `null` (never missing), and the whole tree deep-frozen.
 */
import type { Duration } from './duration.js';

export type { Duration } from './duration.js';

export interface Catalog {
  readonly version: 1;
  /** Where the catalog was read from (a file path), or null when parsed from a string without one. */
  readonly source: string | null;
  /** In file order; the order matchSignal and dependencyGroups report in. */
  readonly workloads: readonly Workload[];
  /** Where the orchestrator runs (canonical region), when the catalog says; null when it does not. */
  readonly orchestrator: { readonly region: string } | null;
  /** What this catalog describes; `production` with empty maps when the catalog has no `environment` section. */
  readonly environment: Environment;
}

/**
 * The environment a catalog describes, and for a staging catalog how production's identifiers
 * become its own: a replayed production incident is mapped through `mapsFrom` before it is
 * matched, so it can only ever name (and act on) this catalog's resources.
 */
export interface Environment {
  /** One lower-case word or kebab-case (`staging`, `pre-production`); `production` by default. */
  readonly name: string;
  /** Empty maps on production, which never replays. */
  readonly mapsFrom: EnvironmentMaps;
}

export interface EnvironmentMaps {
  /** Production subscription GUID → this catalog's, both lower-case. */
  readonly subscriptions: Readonly<Record<string, string>>;
  /**
   * Production resource id, keyed by `resourceIdKey` (lower-case: ARM compares ids without case)
   * → this catalog's resource id as written. For resources whose id the subscription map alone
   * would not produce (another group or name); consulted before `subscriptions`.
   */
  readonly resources: Readonly<Record<string, string>>;
  /** Production Microsoft Entra tenant GUID → this catalog's, both lower-case. */
  readonly tenants: Readonly<Record<string, string>>;
}

export interface Workload {
  /** Kebab-case, 1-63 characters, unique in the catalog. */
  readonly id: string;
  readonly description: string | null;
  /** Service names as Service Health writes them; compared with `sameService`. At least one. */
  readonly services: readonly string[];
  readonly primary: Side;
  /** Null only for `dynamics365`, which Microsoft fails over without a customer-side standby. */
  readonly secondary: Side | null;
  readonly playbook: Playbook;
  readonly policy: Policy;
  readonly guardrails: Guardrails;
  readonly notify: readonly NotifyTarget[];
  /** Ids of workloads that must fail over before this one. No duplicates, no cycles. */
  readonly dependsOn: readonly string[];
  /**
   * The subscriptions whose alerts speak for this workload: those its resources live in, plus
   * any the catalog adds (`subscriptions:`), lower-case. An alert from any other is ignored.
   */
  readonly subscriptions: readonly string[];
  /** The Microsoft Entra tenant the workload lives in, when the catalog says; alerts naming another are ignored. */
  readonly tenantId: string | null;
  /**
   * How soon after an incident's first signal the workload must run on its secondary (ms), when
   * the catalog says (`recoveryTimeObjective: 30m`); replay reports measure each failover against it.
   */
  readonly recoveryTimeObjectiveMs: number | null;
}

export type SideName = 'primary' | 'secondary';

export interface Side {
  /** Canonical region name (`westeurope`), or a geography (`europe`) for Dynamics 365. */
  readonly region: string;
  /** Role → full ARM resource id as written. Roles are fixed per playbook kind (see ROLE_RULES). */
  readonly resources: Readonly<Record<string, string>>;
}

export type PlaybookKind = Playbook['kind'];

export type Playbook =
  | MediaServicesPlaybook
  | DataSharePlaybook
  | PurviewPlaybook
  | GenomicsPlaybook
  | Dynamics365Playbook;

export interface NamedItem {
  readonly name: string;
}

export interface MediaServicesPlaybook {
  readonly kind: 'mediaServices';
  /** Started on the secondary account. `scaleUnits` 0 means a standard endpoint. */
  readonly streamingEndpoints: readonly { readonly name: string; readonly scaleUnits: number }[];
  readonly liveEvents: readonly NamedItem[];
  /** `presets`: built-in encoder preset names (`H264MultipleBitrate1080p`), one per output; null to copy from the primary. */
  readonly transforms: readonly { readonly name: string; readonly presets: readonly string[] | null }[];
  readonly trafficManager: TrafficManagerSwitch | null;
  /** App Configuration key the app flips to the secondary account name. */
  readonly activeAccountKey: string;
}

export interface TrafficManagerSwitch {
  /** ARM id of a Microsoft.Network/trafficManagerProfiles resource. */
  readonly profile: string;
  readonly primaryEndpoint: string;
  readonly secondaryEndpoint: string;
  /**
   * The host name viewers use, a CNAME to the profile; null: the profile's DNS name. Each standby
   * streaming endpoint must list it in `customHostNames` or it refuses the viewers sent to it.
   */
  readonly hostName: string | null;
}

export interface DataSharePlaybook {
  readonly kind: 'dataShare';
  /** Share subscriptions re-created on the secondary consumer account. */
  readonly shareSubscriptions: readonly ShareSubscription[];
  /** Shares the secondary provider account offers, re-sent to their consumers. */
  readonly shares: readonly Share[];
}

export interface ShareSubscription {
  readonly name: string;
  readonly recurrence: 'Day' | 'Hour';
  /** ISO-8601 date-time with an offset, as written. */
  readonly synchronizationTime: string;
  readonly synchronizationMode: 'Incremental' | 'FullSync';
}

export interface Share {
  readonly name: string;
  /** Consumer email addresses. At least one. */
  readonly consumers: readonly string[];
}

export interface PurviewPlaybook {
  readonly kind: 'purview';
  readonly activeAccountKey: string;
  /**
   * What must exist on the secondary account before it is declared ready: every artifact kind
   * Microsoft's continuity guide lists. Scans and triggers are named `<data source>/<scan>` (a
   * trigger: the scan's schedule); classifications are custom classification type names.
   */
  readonly readiness: {
    readonly collections: readonly string[];
    readonly classifications: readonly string[];
    readonly classificationRules: readonly string[];
    readonly credentials: readonly string[];
    readonly dataSources: readonly string[];
    readonly scanRuleSets: readonly string[];
    readonly scans: readonly string[];
    readonly triggers: readonly string[];
    readonly glossaryTerms: readonly string[];
  };
  readonly integrationRuntimes: readonly string[];
}

export interface GenomicsPlaybook {
  readonly kind: 'genomics';
  readonly inputContainer: string;
  readonly outputContainer: string;
  readonly activeRegionKey: string | null;
  /**
   * How long the SAS tokens given to a resubmitted workflow stay valid: its expected time in the
   * queue and running, at least the 48 hours Microsoft Genomics asks for. Default 48h.
   */
  readonly sasValidity: Duration;
}

export interface Dynamics365Playbook {
  readonly kind: 'dynamics365';
  /** `https://…crm4.dynamics.com` */
  readonly environmentUrl: string;
  /** App Configuration feature flag that puts the app into degraded mode. */
  readonly degradedModeFlagKey: string;
  /** Data Microsoft may lose in its failover; shown to approvers and in notifications. */
  readonly dataLossWindow: Duration;
}

export type Trigger = Policy['trigger'];

/**
 * What an impact does (`trigger`), plus the rules that decide which alerts count as an impact at
 * all. Only a Service Health `Incident`, a platform-initiated Resource Health loss or an
 * Administrative operation the catalog names can start a failover; everything else notifies or
 * is ignored (lib/decisions).
 */
export type Policy = PolicyRules &
  (
    | { readonly trigger: 'auto' }
    | { readonly trigger: 'notify-only' }
    | { readonly trigger: 'approval'; readonly approval: Approval }
  );

export interface PolicyRules {
  /**
   * Service Health `Maintenance`: `notify` (the default) tells the channels; `failover` makes a
   * planned failover `leadTime` before the window starts, through the trigger policy.
   */
  readonly maintenance: { readonly action: 'notify' | 'failover'; readonly leadTime: Duration };
  /** Resource Health with a cause of `Unknown` (or none): `notify` (default) or `act`. `UserInitiated` never acts. */
  readonly unknownCause: 'notify' | 'act';
  /**
   * Administrative operations that may start a failover of this workload, always through
   * approval; none by default (an Administrative event alone never acts).
   */
  readonly administrative: readonly AdministrativeRule[];
  /**
   * A failover cancelled while it runs stops at the next step boundary; then `hold` (the default)
   * keeps what was done and offers to roll it back (`failback`), `rollback` undoes it at once.
   */
  readonly onCancel: 'hold' | 'rollback';
}

export interface AdministrativeRule {
  /** The operation name, e.g. `Microsoft.Media/mediaservices/delete` (compared case-insensitively). */
  readonly operation: string;
  /** The statuses that count (`Succeeded`, `Failed`, …); default `Succeeded`. */
  readonly status: readonly string[];
}

export interface Approval {
  readonly timeout: Duration;
  /** `escalate` notifies again and keeps waiting; `abort` gives up. Default `escalate`. */
  readonly onTimeout: 'escalate' | 'abort';
  /**
   * Who may approve, verified through Microsoft Entra: object ids or group ids (GUIDs), user
   * principal names, or app roles written `role:<value>`. Empty: anyone with the on-call key.
   */
  readonly approvers: readonly string[];
  /** How many different approvers must approve. Default 1. */
  readonly quorum: number;
  /** Whether whoever asked for the failover may approve it. Default false. */
  readonly allowSelfApproval: boolean;
}

export interface Guardrails {
  /** Act only after Resource Health confirms impact on a primary resource. Default false. */
  readonly resourceHealthConfirmation: boolean;
  /** How long an impact must last before acting. Default 5m; may be zero. */
  readonly dwellTime: Duration;
  /** Flap protection between two failovers of one workload. Default 1h. */
  readonly minIntervalBetweenFailovers: Duration;
  /** How long the primary must be healthy before failing back. Default 30m. */
  readonly failbackAfterHealthyFor: Duration;
  /** An incident not confirmed within this time ends "not confirmed" and says so. Default 4h. */
  readonly confirmWithin: Duration;
}

export type NotifyTarget =
  | { readonly kind: 'email'; readonly address: string }
  | { readonly kind: 'teams'; readonly url: string }
  | { readonly kind: 'slack'; readonly url: string }
  | { readonly kind: 'webhook'; readonly url: string };

export interface CatalogProblem {
  severity: 'error' | 'warning';
  /** Dotted path with indexes: `workloads[2].policy.approval.timeout`; `$` for the whole document. */
  path: string;
  message: string;
  /** 1-based position in the YAML text, when the path (or its nearest existing parent) is in it. */
  line?: number;
  column?: number;
  /** Id of the workload the problem is in, when it has a readable id. */
  workload?: string;
}

export type CatalogResult =
  | { ok: true; catalog: Catalog; warnings: CatalogProblem[] }
  | { ok: false; problems: CatalogProblem[] };

export interface ParseCatalogOptions {
  /** File path or other label, kept as `catalog.source` and used in read-error messages. */
  source?: string;
  /** Clock for the retirement check. Default: now. */
  now?: Date;
  /**
   * The region the orchestrator is deployed to (`failover catalog check --app-region`, the azd
   * environment's location); overrides the catalog's `orchestrator.region`.
   */
  appRegion?: string;
}

/** Which side of a workload a signal touches. `both` when the primary and secondary are hit, or the impact is `global`. */
export type MatchSide = SideName | 'both';

export type MatchReason =
  /** `side` is `both` when the signal's region is `global`. */
  | { by: 'serviceRegion'; service: string; region: string; side: MatchSide }
  | { by: 'resource'; resourceId: string; role: string; catalogResourceId: string; side: SideName }
  | { by: 'workload'; workloadId: string };

export interface WorkloadMatch {
  workload: Workload;
  /** A match only by workload id (manual request) counts as `primary`: the engineer asks to leave it. */
  side: MatchSide;
  reasons: MatchReason[];
}
