/**
 * The Microsoft Purview warm-standby playbook's steps. Purview has no automated BCDR: a second
 * account is kept in step by hand, and failing over means pointing the workload at it. Failover:
 * check the standby account exists and is provisioned (and report its catalog and scan
 * endpoints), compare what it holds with what the catalog says it must (drift is reported, not a
 * reason to stay on a region that is down), flip the active-account key, confirm the standby
 * serves catalog reads (if it does not, the key goes back), and tell people what does not carry
 * over. Failback: check the primary, flip the key back.
 *
 * The data-plane reads need a Purview collection role (Data Reader on the root collection), which
 * Azure RBAC does not give: a refusal fails the step with reason PurviewRoleMissing, naming the
 * role, the collection and the app's identity, before the key moves (check-readiness) or with
 * the key put back (confirm-catalog).
 *
 * The readiness comparison is also what `GET /api/workloads/{id}/readiness` and
 * `failover readiness` run before any outage: lib/operators/readiness.ts.
 */
import { PurviewAccessDenied, type PurviewDataClient } from '../../azure/purview-data.js';
import { describeIdentity } from '../../azure/token-identity.js';
import type { PurviewPlaybook, Workload } from '../../catalog/types.js';
import { tellTodo } from '../common/tell.js';
import { alreadyDone, defineStep, done, isNotFound, needed, requiredSideResource, StepFailure, todo, verified, type StepContext } from '../define.js';

const MIN = 60_000;

function playbookOf(workload: Workload): PurviewPlaybook {
  if (workload.playbook.kind !== 'purview') throw new StepFailure('WrongPlaybook', `${workload.id} is not a Purview workload`);
  return workload.playbook;
}

/** The side that serves after this direction. */
const serving = (ctx: StepContext) => (ctx.direction === 'failover' ? 'secondary' : 'primary');

/** The artifact kinds a readiness check compares, in the continuity guide's order: key, one, many. */
const ARTIFACT_KINDS = [
  ['collections', 'collection', 'collections'],
  ['classifications', 'classification', 'classifications'],
  ['classificationRules', 'classification rule', 'classification rules'],
  ['credentials', 'credential', 'credentials'],
  ['dataSources', 'data source', 'data sources'],
  ['scanRuleSets', 'scan rule set', 'scan rule sets'],
  ['scans', 'scan', 'scans'],
  ['triggers', 'scan trigger', 'scan triggers'],
  ['glossaryTerms', 'glossary term', 'glossary terms'],
] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number][0];

/** What a readiness comparison finds on one account. */
export interface PurviewDrift {
  account: string;
  /** Per kind, each object the catalog requires that the account lacks. */
  missing: Record<ArtifactKind, string[]>;
  /** True when nothing is missing. */
  complete: boolean;
  /** One line naming every missing object, or that nothing is. */
  summary: string;
}

/**
 * The app's identity holds no Purview collection role that reads what readiness compares: the
 * data plane answered 403. Names the account, the role to grant on which collection, and the
 * identity to grant it to, so on-call can fix it rather than guess.
 */
export class MissingCollectionRole extends StepFailure {
  constructor(
    readonly account: string,
    readonly role: string,
    readonly identity: string,
    read: string,
  ) {
    super(
      'PurviewRoleMissing',
      `${account} refused to list ${read} to this app (${identity}): grant it the Purview collection role ${role} on the root collection ${account} ` +
        `(Data Map > Collections > ${account} > Role assignments); Azure RBAC on the account does not reach Purview's data plane`,
    );
  }
}

/** `fn`, with a 403 from the data plane turned into MissingCollectionRole. */
async function withRoleCheck<T>(account: string, data: PurviewDataClient, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PurviewAccessDenied) throw new MissingCollectionRole(account, err.role, describeIdentity(await data.identity()), err.read);
    throw err;
  }
}

const lower = (s: string) => s.toLowerCase();

/** Scans and triggers, asked per data source named `<data source>/<scan>`. */
async function missingScans(wanted: PurviewPlaybook['readiness'], data: PurviewDataClient): Promise<{ scans: string[]; triggers: string[] }> {
  const split = (s: string) => s.split('/') as [string, string];
  const sources = [...new Set([...wanted.scans, ...wanted.triggers].map((s) => lower(split(s)[0])))];
  const listed = new Map(await Promise.all(sources.map(async (ds) => [ds, (await data.listScans(ds))?.map((s) => lower(s.name)) ?? []] as const)));
  const exists = (s: string) => listed.get(lower(split(s)[0]))?.includes(lower(split(s)[1])) ?? false;
  // A trigger of a scan that is not there is missing too, and not asked for.
  const triggered = await Promise.all(wanted.triggers.map(async (t) => exists(t) && (await data.hasTrigger(...split(t)))));
  return { scans: wanted.scans.filter((s) => !exists(s)), triggers: wanted.triggers.filter((_, i) => !triggered[i]) };
}

/**
 * Compares what the catalog says must exist with what the account's data plane reports, kind by
 * kind; only the kinds the catalog lists something for are read. Throws MissingCollectionRole
 * when the data plane refuses the app.
 */
export async function purviewDrift(playbook: PurviewPlaybook, account: string, data: PurviewDataClient): Promise<PurviewDrift> {
  const wanted = playbook.readiness;
  const names = async (list: readonly string[], read: () => Promise<Array<{ name: string; friendlyName?: string }>>): Promise<string[]> => {
    if (list.length === 0) return [];
    const have = new Set((await read()).flatMap((h) => [lower(h.name), lower(h.friendlyName ?? h.name)]));
    return list.filter((w) => !have.has(lower(w)));
  };
  const missing = await withRoleCheck(account, data, async () => {
    const [collections, classifications, classificationRules, credentials, dataSources, scanRuleSets, glossaryTerms, scanning] = await Promise.all([
      names(wanted.collections, () => data.listCollections()),
      names(wanted.classifications, () => data.listClassificationDefs()),
      names(wanted.classificationRules, () => data.listClassificationRules()),
      names(wanted.credentials, () => data.listCredentials()),
      names(wanted.dataSources, () => data.listDataSources()),
      names(wanted.scanRuleSets, () => data.listScanRuleSets()),
      names(wanted.glossaryTerms, () => data.listGlossaryTerms()),
      missingScans(wanted, data),
    ]);
    return { collections, classifications, classificationRules, credentials, dataSources, scanRuleSets, scans: scanning.scans, triggers: scanning.triggers, glossaryTerms };
  });
  const parts = ARTIFACT_KINDS.filter(([key]) => missing[key].length > 0).map(([key, , many]) => `${many} ${missing[key].join(', ')}`);
  return { account, missing, complete: parts.length === 0, summary: parts.length === 0 ? `${account} holds everything the catalog requires` : `${account} lacks ${parts.join('; ')}` };
}

/** Each missing object, named as a person would: `data source finance-sql`. */
export function missingObjects(d: PurviewDrift): string[] {
  return ARTIFACT_KINDS.flatMap(([key, one]) => (d.missing[key] ?? []).map((n) => `${one} ${n}`));
}

function account(ctx: StepContext) {
  const r = requiredSideResource(ctx, serving(ctx), 'account');
  return { ...r, data: r.clients.purviewData(r.name) };
}

// ── check-account ───────────────────────────────────────────────────────────────────────────

export const checkAccount = defineStep({
  name: 'check-account',
  title: { failover: 'Check the standby Purview account is provisioned', failback: 'Check the primary Purview account is provisioned' },
  deadlineMs: 2 * MIN,
  group: 'begin',
  async precheck(ctx) {
    const a = account(ctx);
    return needed(`check that ${a.name} in ${a.region} is provisioned`);
  },
  async action(ctx) {
    const a = account(ctx);
    try {
      const got = await a.clients.purview(a.subscriptionId).accounts.get(a.resourceGroup, a.name);
      if (got.provisioningState !== 'Succeeded') {
        throw new StepFailure('AccountNotProvisioned', `${a.name} is ${got.provisioningState ?? 'in an unknown state'}: wait for its provisioning to succeed, or fix it, before failing over to it`);
      }
      const e = got.endpoints;
      return done(`${a.name} (${got.location}) provisioned; catalog ${e?.catalog ?? '?'}, scan ${e?.scan ?? '?'}`);
    } catch (err) {
      if (isNotFound(err)) throw new StepFailure('AccountMissing', `the Purview account ${a.name} does not exist in ${a.resourceGroup}: create the warm standby before failing over to it`);
      throw err;
    }
  },
  async verify(ctx) {
    return verified(`${account(ctx).name} is provisioned`);
  },
  compensate: { none: 'it only reads' },
});

// ── check-readiness ─────────────────────────────────────────────────────────────────────────

export const checkReadiness = defineStep({
  name: 'check-readiness',
  title: 'Compare the standby with what the catalog requires (drift is reported)',
  deadlineMs: 5 * MIN,
  async precheck(ctx) {
    const p = playbookOf(ctx.workload).readiness;
    if (ARTIFACT_KINDS.every(([key]) => p[key].length === 0)) return alreadyDone('the catalog requires nothing of the standby');
    return needed(`compare ${account(ctx).name} with the catalog's readiness list`);
  },
  async action(ctx) {
    const a = account(ctx);
    const drift = await purviewDrift(playbookOf(ctx.workload), a.name, a.data);
    // Drift is told, not obeyed: the region being left is down, and a standby lacking a data
    // source still serves everything else.
    return done(drift.complete ? drift.summary : `drift: ${drift.summary}; recreate them on ${a.name}`, {
      todo: missingObjects(drift).map((o) => todo('reconcile-data', `Recreate ${o} on ${a.name}: the standby lacks it`, { resourceId: a.id })),
    });
  },
  async verify() {
    return verified('compared');
  },
  compensate: { none: 'it only reads' },
});

// ── confirm-catalog ─────────────────────────────────────────────────────────────────────────

export const confirmCatalog = defineStep({
  name: 'confirm-catalog',
  title: { failover: 'Confirm the standby serves catalog reads', failback: 'Confirm the primary serves catalog reads' },
  deadlineMs: 5 * MIN,
  async precheck(ctx) {
    return needed(`read the catalog of ${account(ctx).name}`);
  },
  async action(ctx) {
    const a = account(ctx);
    const types = await withRoleCheck(a.name, a.data, () => a.data.listTypeHeaders());
    return done(`${a.name} serves catalog reads (its data map lists ${types.length} types)`);
  },
  async verify(ctx) {
    return verified(`${account(ctx).name} serves catalog reads`);
  },
  compensate: { none: 'it only reads; when the account now pointed at does not serve, the pointer goes back' },
});

// ── report-gaps ─────────────────────────────────────────────────────────────────────────────

export const reportGaps = defineStep({
  name: 'report-gaps',
  title: 'Tell people what does not carry over (lineage, integration runtimes)',
  deadlineMs: 2 * MIN,
  async precheck(ctx) {
    return needed(`tell ${ctx.workload.notify.length} channel(s) what does not carry over`);
  },
  async action(ctx) {
    const a = account(ctx);
    const left = requiredSideResource(ctx, 'primary', 'account').name;
    const runtimes = playbookOf(ctx.workload).integrationRuntimes;
    const about = { resourceId: a.id };
    const gaps = [
      todo('reconcile-data', 'lineage pushed by Data Factory and Data Share goes to the account they are connected to: reconnect them to the account now serving', about),
      ...(runtimes.length > 0 ? [todo('check', `register the self-hosted integration runtimes ${runtimes.join(', ')} with ${a.name}`, about)] : []),
      // Collection roles are data-plane metadata policies of each account: nothing copies them.
      todo('grant-role', `grant people the collection roles they hold on ${left} (Collection Admin, Data Source Admin, Data Curator, Data Reader) on the collections of ${a.name}: role assignments do not carry over`, about),
      todo('reconcile-data', `scans scheduled on the other account do not run here: check the scan triggers, and run the scans of ${a.name} now so its data map is current`, about),
    ];
    return done(`${gaps.map((g) => g.text).join('; ')} (${await tellTodo(ctx, `What does not carry over to ${a.name}`, gaps)})`, { todo: gaps });
  },
  async verify() {
    return verified('told');
  },
  compensate: { none: 'a message sent cannot be unsent' },
});


