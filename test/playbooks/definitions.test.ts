/**
 * Every playbook, read from its step objects: each step has all four phases (or says why it has
 * no compensation), its name is defined in exactly one place of the source, a playbook names each
 * step once per direction, and what the orchestration is given follows from the objects.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { priorityOf } from '../../lib/azure/throttle-queue.js';
import { stepDefinition, type Step } from '../../lib/playbooks/define.js';
import { PLAYBOOKS, playbookSteps, urgentRequests } from '../../lib/playbooks/index.js';
import { repoRoot } from '../support/fixtures.js';

const DIRECTIONS = ['failover', 'failback'] as const;

/** Every .ts file below a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

describe('the playbooks as step objects', () => {
  const steps = new Set<Step>(PLAYBOOKS.flatMap((p) => [...p.failover, ...p.failback]));

  it('lists every playbook and its steps, each with a precheck, an action, a verification and a compensation or why none', () => {
    const listed = PLAYBOOKS.map((p) => `${p.kind}: ${DIRECTIONS.map((d) => `${d} ${p[d].map((s) => s.name).join(' → ')}`).join(' | ')}`);
    expect(listed).toEqual([
      'mediaServices: failover announce → check-account → ensure-transforms → start-streaming-endpoints → start-live-events → resubmit-jobs → flip-active-pointer → switch-traffic | failback announce → check-account → start-streaming-endpoints → start-live-events → resubmit-jobs → flip-active-pointer → switch-traffic → stop-live-events → stop-streaming-endpoints',
      'dataShare: failover announce → invite-consumers → schedule-secondary → synchronize-now → unschedule-primary → flip-active-pointer | failback announce → schedule-primary → unschedule-secondary → flip-active-pointer',
      'purview: failover announce → check-account → check-readiness → flip-active-pointer → confirm-catalog → report-gaps | failback announce → check-account → flip-active-pointer → confirm-catalog',
      'genomics: failover announce → check-account → stage-data → resubmit-workflows → flip-active-pointer | failback announce → check-account → settle-double-runs → flip-active-pointer',
      'dynamics365: failover announce → flip-active-pointer → record-windows | failback announce → flip-active-pointer → report-reconcile',
    ]);
    for (const step of steps) {
      expect(typeof step.precheck, step.name).toBe('function');
      expect(typeof step.action, step.name).toBe('function');
      expect(typeof step.verify, step.name).toBe('function');
      if (typeof step.compensate !== 'function') expect(step.compensate.none.length, `${step.name} must say why it has no compensation`).toBeGreaterThan(10);
    }
  });

  it('names each step once per playbook and direction', () => {
    for (const p of PLAYBOOKS) {
      for (const d of DIRECTIONS) {
        const names = p[d].map((s) => s.name);
        expect(new Set(names).size, `${p.kind} ${d}`).toBe(names.length);
      }
      // One name, one object: a name used in both directions is the same step.
      const byName = new Map<string, Step>();
      for (const s of [...p.failover, ...p.failback]) {
        expect(byName.get(s.name) ?? s, `${p.kind}: '${s.name}' names two different steps`).toBe(s);
        byName.set(s.name, s);
      }
    }
  });

  it('defines each step in exactly one place: grep its name and land on its whole definition', () => {
    const text = sources(join(repoRoot, 'lib/playbooks')).map((f) => readFileSync(f, 'utf8')).join('\n');
    // Steps built by a factory (Data Share's schedules) pass their name as an argument.
    const definitions = (name: string) => (text.match(new RegExp(`name: '${name}'|'${name}',\\s*(?:'|")`, 'g')) ?? []).length;
    const kindsOf = (name: string) => new Set(PLAYBOOKS.filter((p) => [...p.failover, ...p.failback].some((s) => s.name === name)).map((p) => p.kind)).size;
    for (const step of steps) {
      // A name several playbooks use (check-account) is defined once in each of their folders; common steps once.
      const expected = step.name === 'announce' || step.name === 'flip-active-pointer' ? 1 : kindsOf(step.name);
      expect(definitions(step.name), step.name).toBe(expected);
    }
    // No table keyed by step names beside the objects.
    expect(text).not.toMatch(/Record<string, (ServiceStep|Step)>/);
  });

  it('gives the orchestration plain data that follows from the objects', () => {
    expect(playbookSteps('mediaServices', 'failback').find((s) => s.name === 'resubmit-jobs')).toEqual({
      name: 'resubmit-jobs',
      title: 'Leave running jobs where they are',
      deadlineMs: 60_000,
      compensable: false,
    });
    expect(playbookSteps('mediaServices', 'failover')[0]).toEqual({ name: 'announce', title: 'Tell the on-call channels what is starting', deadlineMs: 60_000, compensable: false, group: 'begin', bestEffort: true });
    expect(playbookSteps('dataShare', 'failover').map((s) => [s.name, s.compensable, s.group ?? null])).toEqual([
      ['announce', false, 'begin'],
      ['invite-consumers', false, null],
      ['schedule-secondary', true, 'standby-snapshots'],
      ['synchronize-now', false, 'standby-snapshots'],
      ['unschedule-primary', true, null],
      ['flip-active-pointer', true, null],
    ]);
    // A kind without a runbook only announces and flips its pointer.
    expect(playbookSteps('somethingElse', 'failover').map((s) => s.name)).toEqual(['announce', 'flip-active-pointer']);
    for (const step of steps) for (const d of DIRECTIONS) expect(stepDefinition(step, d).title).not.toMatch(/\[object/);
  });

  it('serves first, under ARM throttling, every request on a long start\'s chain: the record written before it, the recording, the reads that see them done', () => {
    const ACCT = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Media/mediaservices/a';
    const SS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DataShare/accounts/c/shareSubscriptions/s1';
    const of = (method: string, path: string) => priorityOf(urgentRequests(), method, path);
    expect({
      'endpoint record (tags)': of('PATCH', `${ACCT}/streamingEndpoints/se1`),
      'endpoint start': of('POST', `${ACCT}/streamingEndpoints/se1/start`),
      'endpoint create': of('PUT', `${ACCT}/streamingEndpoints/se1`),
      'endpoints watched': of('GET', `${ACCT}/streamingEndpoints`),
      "endpoint start's first status": of('GET', `${ACCT}/streamingEndpointOperations/op1`),
      'transform read in the same wave': of('GET', `${ACCT}/transforms/abr`),
      'live event record (tags)': of('PATCH', `${ACCT}/liveEvents/le1`),
      'recording asset': of('PUT', `${ACCT}/assets/le1-failover-inc-1`),
      'live output': of('PUT', `${ACCT}/liveEvents/le1/liveOutputs/failover`),
      "live output's status": of('GET', `${ACCT}/liveOutputOperations/op2`),
      'outputs listed': of('GET', `${ACCT}/liveEvents/le1/liveOutputs`),
      'locator read': of('GET', `${ACCT}/streamingLocators/le1-failover-inc-1`),
      'locator create': of('PUT', `${ACCT}/streamingLocators/le1-failover-inc-1`),
      'live event start': of('POST', `${ACCT}/liveEvents/le1/start`),
      'live events watched': of('GET', `${ACCT}/liveEvents`),
      snapshot: of('POST', `${SS}/synchronize`),
      // Everything else waits its turn.
      'endpoint stop': of('POST', `${ACCT}/streamingEndpoints/se1/stop`),
      'trigger create': of('PUT', `${SS}/triggers/snapshot-schedule`),
      'mappings listed': of('GET', `${SS}/dataSetMappings`),
    }).toEqual({
      'endpoint record (tags)': 120,
      'endpoint start': 120,
      'endpoint create': 120,
      'endpoints watched': 120,
      "endpoint start's first status": 120,
      'transform read in the same wave': 120,
      'live event record (tags)': 90,
      'recording asset': 90,
      'live output': 90,
      "live output's status": 90,
      'outputs listed': 90,
      'locator read': 90,
      'locator create': 90,
      'live event start': 90,
      'live events watched': 90,
      snapshot: 60,
      'endpoint stop': 0,
      'trigger create': 0,
      'mappings listed': 0,
    });
  });
});
