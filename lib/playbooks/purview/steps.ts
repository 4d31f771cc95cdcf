/**
 * The Microsoft Purview warm-standby playbook's steps. Purview has no automated BCDR: a second
 * account is kept in step by hand, and failing over means pointing the workload at it. Failover:
 * check the standby account exists and is provisioned (and report its catalog and scan
 * endpoints), compare what it holds with what the catalog says it must (drift is reported, not a
 * reason to stay on a region that is down), flip the active-account key, confirm the standby
 * serves catalog reads (if it does not, the key goes back), and tell people what does not carry
 * over. Failback: check the primary, flip the key back.
 *
 * The readiness comparison is also what `GET /api/workloads/{id}/readiness` and
 * `failover readiness` run before any outage: lib/operators/readiness.ts.
 */
import type { PurviewDataClient } from '../../azure/purview-data.js';
import type { PurviewPlaybook, Workload } from '../../catalog/types.js';
import { tellActionRequired } from '../common/tell.js';
import { alreadyDone, defineStep, done, isNotFound, needed, requiredSideResource, StepFailure, verified, type StepContext } from '../define.js';

const MIN = 60_000;

function playbookOf(workload: Workload): PurviewPlaybook {
  if (workload.playbook.kind !== 'purview') throw new StepFailure('WrongPlaybook', `${workload.id} is not a Purview workload`);
  return workload.playbook;
}

/** The side that serves after this direction. */
const serving = (ctx: StepContext) => (ctx.direction === 'failover' ? 'secondary' : 'primary');

/** What a readiness comparison finds on one account. */
export interface PurviewDrift {
  account: string;
  missing: { collections: string[]; scanRuleSets: string[]; dataSources: string[] };
  /** True when nothing is missing. */
  complete: boolean;
  /** One line naming every missing object, or that nothing is. */
  summary: string;
}

/** Compares what the catalog says must exist with what the account's data plane reports. */
export async function purviewDrift(playbook: PurviewPlaybook, account: string, data: PurviewDataClient): Promise<PurviewDrift> {
  const [collections, scanRuleSets, dataSources] = await Promise.all([data.listCollections(), data.listScanRuleSets(), data.listDataSources()]);
  const lacking = (wanted: readonly string[], have: Array<{ name: string; friendlyName?: string }>) => {
    const names = new Set(have.flatMap((h) => [h.name.toLowerCase(), (h.friendlyName ?? h.name).toLowerCase()]));
    return wanted.filter((w) => !names.has(w.toLowerCase()));
  };
  const missing = {
    collections: lacking(playbook.readiness.collections, collections),
    scanRuleSets: lacking(playbook.readiness.scanRuleSets, scanRuleSets),
    dataSources: lacking(playbook.readiness.dataSources, dataSources),
  };
  const parts = [
    missing.collections.length > 0 ? `collections ${missing.collections.join(', ')}` : '',
    missing.scanRuleSets.length > 0 ? `scan rule sets ${missing.scanRuleSets.join(', ')}` : '',
    missing.dataSources.length > 0 ? `data sources ${missing.dataSources.join(', ')}` : '',
  ].filter(Boolean);
  return { account, missing, complete: parts.length === 0, summary: parts.length === 0 ? `${account} holds everything the catalog requires` : `${account} lacks ${parts.join('; ')}` };
}

/** Each missing object, named as a person would: `data source finance-sql`. */
export function missingObjects(d: PurviewDrift): string[] {
  return [
    ...d.missing.collections.map((n) => `collection ${n}`),
    ...d.missing.scanRuleSets.map((n) => `scan rule set ${n}`),
    ...d.missing.dataSources.map((n) => `data source ${n}`),
  ];
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
    if (p.collections.length + p.scanRuleSets.length + p.dataSources.length === 0) return alreadyDone('the catalog requires nothing of the standby');
    return needed(`compare ${account(ctx).name} with the catalog's readiness list`);
  },
  async action(ctx) {
    const a = account(ctx);
    const drift = await purviewDrift(playbookOf(ctx.workload), a.name, a.data);
    // Drift is told, not obeyed: the region being left is down, and a standby lacking a data
    // source still serves everything else.
    return done(drift.complete ? drift.summary : `drift: ${drift.summary}; recreate them on ${a.name}`);
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
    const types = await a.data.listTypeHeaders();
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
    const runtimes = playbookOf(ctx.workload).integrationRuntimes;
    const gaps = [
      'lineage pushed by Data Factory and Data Share goes to the account they are connected to: reconnect them to the account now serving',
      runtimes.length > 0 ? `register the self-hosted integration runtimes ${runtimes.join(', ')} with ${a.name}` : '',
      'scans scheduled on the other account do not run here: check the scan triggers',
    ].filter(Boolean);
    return done(`${gaps.join('; ')} (${await tellActionRequired(ctx, `What does not carry over to ${a.name}`, gaps)})`);
  },
  async verify() {
    return verified('told');
  },
  compensate: { none: 'a message sent cannot be unsent' },
});


