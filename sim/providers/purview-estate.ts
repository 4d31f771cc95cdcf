/**
 * What a simulated Purview account holds: the estate's `purview:` section, keyed by account name,
 * plus what the control API registered since the last reset (an engineer fixing drift, or
 * granting a role). Every artifact kind Microsoft's continuity guide says a warm standby must
 * carry (https://learn.microsoft.com/purview/concept-best-practices-migration#recreate-artifacts
 * and https://learn.microsoft.com/purview/disaster-recovery) has a list here:
 *
 *   purview:
 *     <account>:
 *       roleAssignments:     [{ principal, role, collection? }]   # principal: a client id or object id
 *       collections:         [{ name, friendlyName?, description?, parentCollection? }]
 *       classifications:     [{ name, description? }]             # custom classification typedefs
 *       classificationRules: [{ name, classificationName, description? }]
 *       credentials:         [{ name, kind, description? }]
 *       scanRuleSets:        [{ name, kind, scanRulesetType?, properties? }]
 *       dataSources:         [{ name, kind, properties?, scans?: [{ name, kind, scanRulesetName?, trigger?: { frequency, interval } }] }]
 *       glossaryTerms:       [{ name, glossary? }]                # glossary default: Glossary
 *
 * The root collection is named after its account and has no parent. `role` is one of the four
 * Purview collection roles (PURVIEW_ROLES); `collection` defaults to the root collection.
 * Anything malformed throws naming the field, so an estate mistake is found when the simulator
 * first reads it.
 */
import type { Simulator } from '../simulator.js';

/** Purview's built-in collection roles (the data map's metadata roles), as the portal names them. */
export const PURVIEW_ROLES = ['Collection Administrator', 'Data Source Administrator', 'Data Curator', 'Data Reader'] as const;
export type PurviewRole = (typeof PURVIEW_ROLES)[number];

export interface CollectionSeed {
  name: string;
  friendlyName?: string;
  description?: string;
  parentCollection?: string;
}

export interface NamedSeed {
  name: string;
  kind: string;
  scanRulesetType?: string;
  properties?: Record<string, unknown>;
}

export interface ScanSeed {
  dataSource: string;
  name: string;
  kind: string;
  scanRulesetName?: string;
}

export interface TriggerSeed {
  dataSource: string;
  scan: string;
  frequency: string;
  interval: number;
}

export interface DescribedSeed {
  name: string;
  description?: string;
}

export interface ClassificationRuleSeed extends DescribedSeed {
  classificationName: string;
}

export interface CredentialSeed extends DescribedSeed {
  kind: string;
}

export interface TermSeed {
  name: string;
  glossary: string;
}

export interface RoleAssignmentSeed {
  principal: string;
  role: PurviewRole;
  /** The collection the role is granted on; the root collection when absent. */
  collection?: string;
}

export interface PurviewSeed {
  roleAssignments: RoleAssignmentSeed[];
  collections: CollectionSeed[];
  classifications: DescribedSeed[];
  classificationRules: ClassificationRuleSeed[];
  credentials: CredentialSeed[];
  scanRuleSets: NamedSeed[];
  dataSources: NamedSeed[];
  scans: ScanSeed[];
  triggers: TriggerSeed[];
  glossaryTerms: TermSeed[];
}

/** The lists the control API registers into (`POST /_sim/purview/{account}/{list}`). */
export const REGISTRABLE = ['roleAssignments', 'collections', 'classifications', 'classificationRules', 'credentials', 'scanRuleSets', 'dataSources', 'scans', 'triggers', 'glossaryTerms'] as const;
export type Registrable = (typeof REGISTRABLE)[number];

/** Purview's default glossary, the one terms go to unless another is named. */
const DEFAULT_GLOSSARY = 'Glossary';

const empty = (): PurviewSeed => ({ roleAssignments: [], collections: [], classifications: [], classificationRules: [], credentials: [], scanRuleSets: [], dataSources: [], scans: [], triggers: [], glossaryTerms: [] });

type Entry = Record<string, unknown>;

function isRecord(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads fields of one mapping, throwing with the field's path when one is wrong. */
function fields(entry: Entry, at: string) {
  const text = (key: string): string => {
    const v = entry[key];
    if (typeof v !== 'string' || v === '') throw new Error(`${at}.${key} must be a non-empty string`);
    return v;
  };
  const optional = (key: string): string | undefined => (entry[key] === undefined || entry[key] === null ? undefined : text(key));
  return { text, optional };
}

function role(value: string, at: string): PurviewRole {
  const found = PURVIEW_ROLES.find((r) => r.toLowerCase() === value.toLowerCase());
  if (found === undefined) throw new Error(`${at}.role must be one of ${PURVIEW_ROLES.join(', ')}, got '${value}'`);
  return found;
}

function trigger(value: unknown, dataSource: string, scan: string, at: string): TriggerSeed {
  if (!isRecord(value)) throw new Error(`${at} must be a mapping with frequency and interval`);
  const frequency = fields(value, at).text('frequency');
  // Assumed from the portal: Purview schedules recurring scans weekly or monthly (the
  // Triggers_GetTrigger example's frequency is Month); the stricter choice until the spec's enum is checked.
  if (!['Week', 'Month'].includes(frequency)) throw new Error(`${at}.frequency must be Week or Month, got '${frequency}'`);
  const interval = value['interval'];
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1) throw new Error(`${at}.interval must be a whole number of ${frequency.toLowerCase()}s, 1 or more`);
  return { dataSource, scan, frequency, interval };
}

/** One entry of a list, parsed into the seed: shared by the estate and the control API. */
export function addEntry(seed: PurviewSeed, list: Registrable, entry: Entry, at: string): void {
  const { text, optional } = fields(entry, at);
  const described = (): DescribedSeed => {
    const description = optional('description');
    return { name: text('name'), ...(description !== undefined ? { description } : {}) };
  };
  const properties = isRecord(entry['properties']) ? { properties: entry['properties'] } : {};
  switch (list) {
    case 'roleAssignments': {
      const collection = optional('collection');
      seed.roleAssignments.push({ principal: text('principal'), role: role(text('role'), at), ...(collection !== undefined ? { collection } : {}) });
      return;
    }
    case 'collections': {
      const [friendlyName, description, parentCollection] = [optional('friendlyName'), optional('description'), optional('parentCollection')];
      seed.collections.push({
        name: text('name'),
        ...(friendlyName !== undefined ? { friendlyName } : {}),
        ...(description !== undefined ? { description } : {}),
        ...(parentCollection !== undefined ? { parentCollection } : {}),
      });
      return;
    }
    case 'classifications':
      seed.classifications.push(described());
      return;
    case 'classificationRules':
      seed.classificationRules.push({ ...described(), classificationName: text('classificationName') });
      return;
    case 'credentials':
      seed.credentials.push({ ...described(), kind: text('kind') });
      return;
    case 'scanRuleSets': {
      const scanRulesetType = optional('scanRulesetType');
      seed.scanRuleSets.push({ name: text('name'), kind: text('kind'), ...(scanRulesetType !== undefined ? { scanRulesetType } : {}), ...properties });
      return;
    }
    case 'dataSources': {
      const name = text('name');
      seed.dataSources.push({ name, kind: text('kind'), ...properties });
      const scans = entry['scans'];
      if (scans === undefined || scans === null) return;
      if (!Array.isArray(scans)) throw new Error(`${at}.scans must be a list`);
      scans.forEach((s, i) => {
        if (!isRecord(s)) throw new Error(`${at}.scans[${i}] must be a mapping with a name and kind`);
        addEntry(seed, 'scans', { ...s, dataSource: name }, `${at}.scans[${i}]`);
      });
      return;
    }
    case 'scans': {
      const [dataSource, name, scanRulesetName] = [text('dataSource'), text('name'), optional('scanRulesetName')];
      seed.scans.push({ dataSource, name, kind: text('kind'), ...(scanRulesetName !== undefined ? { scanRulesetName } : {}) });
      if (entry['trigger'] !== undefined && entry['trigger'] !== null) seed.triggers.push(trigger(entry['trigger'], dataSource, name, `${at}.trigger`));
      return;
    }
    case 'triggers':
      seed.triggers.push(trigger(entry, text('dataSource'), text('scan'), at));
      return;
    case 'glossaryTerms':
      seed.glossaryTerms.push({ name: text('name'), glossary: optional('glossary') ?? DEFAULT_GLOSSARY });
      return;
  }
}

/** The estate's entry for one account, parsed; empty lists when there is none. */
function estateSeed(sim: Simulator, account: string): PurviewSeed {
  const section = sim.estateData('purview');
  const found = isRecord(section) ? Object.entries(section).find(([name]) => name.toLowerCase() === account.toLowerCase()) : undefined;
  const seed = empty();
  if (found === undefined) return seed;
  const [name, entry] = found;
  if (!isRecord(entry)) throw new Error(`estate purview.${name} must be a mapping of lists`);
  for (const list of REGISTRABLE) {
    if (list === 'scans' || list === 'triggers') continue; // nested under dataSources in the estate
    const value = entry[list];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) throw new Error(`estate purview.${name}.${list} must be a list`);
    value.forEach((v, i) => {
      const at = `estate purview.${name}.${list}[${i}]`;
      if (!isRecord(v)) throw new Error(`${at} must be a mapping`);
      addEntry(seed, list, v, at);
    });
  }
  return seed;
}

/** The estate's contents and what was registered or revoked since the last reset. */
export class PurviewContents {
  private readonly registered = new Map<string, PurviewSeed>();
  /** Principals whose role assignments were revoked, by account (lower case). */
  private readonly revoked = new Map<string, Set<string>>();

  constructor(private readonly sim: Simulator) {
    sim.onReset(() => {
      this.registered.clear();
      this.revoked.clear();
    });
  }

  of(account: string): PurviewSeed {
    const seed = estateSeed(this.sim, account);
    const key = account.toLowerCase();
    // A revocation removes the estate's grants; grants registered after it stand.
    const gone = this.revoked.get(key);
    if (gone !== undefined) seed.roleAssignments = seed.roleAssignments.filter((a) => !gone.has(a.principal.toLowerCase()));
    const extra = this.registered.get(key);
    if (extra !== undefined) for (const list of REGISTRABLE) (seed[list] as unknown[]).push(...extra[list]);
    return seed;
  }

  register(account: string, list: Registrable, entry: Entry): void {
    const key = account.toLowerCase();
    // Parsed apart first, so a malformed body leaves nothing half-registered.
    const parsed = empty();
    addEntry(parsed, list, entry, 'body');
    const seed = this.registered.get(key) ?? empty();
    for (const l of REGISTRABLE) (seed[l] as unknown[]).push(...parsed[l]);
    this.registered.set(key, seed);
  }

  /** Removes every role the principal holds on the account, the estate's included; returns the roles it held. */
  revoke(account: string, principal: string): string[] {
    const held = this.of(account).roleAssignments.filter((a) => a.principal.toLowerCase() === principal.toLowerCase()).map((a) => a.role);
    const key = account.toLowerCase();
    const gone = this.revoked.get(key) ?? new Set<string>();
    gone.add(principal.toLowerCase());
    this.revoked.set(key, gone);
    const extra = this.registered.get(key);
    if (extra !== undefined) extra.roleAssignments = extra.roleAssignments.filter((a) => a.principal.toLowerCase() !== principal.toLowerCase());
    return held;
  }
}
