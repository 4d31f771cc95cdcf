/**
 * What the Dynamics 365 playbook leaves people to do: Microsoft fails the environment over, so
 * the customer's part is to note, check and reconcile. What the steps tell the channels is what
 * they keep as to-dos, in the same words, with the environment's URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentNotification } from '../../lib/notify/index.js';
import type { Direction, IncidentWindow, StepPhase, StepResult } from '../../lib/playbooks/types.js';
import type { StepDeps } from '../../lib/steps/deps.js';
import { runStepPhase } from '../../lib/steps/index.js';
import { startSimulator, type SimHarness } from '../sim/support.js';
import { sampleCatalog, simStepDeps } from './support.js';

let sim: SimHarness;
let deps: StepDeps;
const told: IncidentNotification[] = [];
const ENV = 'https://contoso.crm4.dynamics.com';

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 1 });
  deps = simStepDeps(sim, await sampleCatalog(), {
    notify: async (targets, n) => {
      told.push(n);
      return { delivered: targets.length, failed: 0 };
    },
    now: () => new Date('2026-03-02T10:30:00.000Z'),
  });
});
afterAll(() => sim?.close());

const run = (step: string, phase: StepPhase, direction: Direction, window: IncidentWindow): Promise<StepResult> =>
  runStepPhase(deps, { incidentId: 'inc-1', workloadId: 'dynamics-crm', playbookKind: 'dynamics365', direction, step, phase, window });

const UNPLANNED: IncidentWindow = { since: '2026-03-02T09:00:00.000Z', until: '2026-03-02T10:00:00.000Z', planned: false };

describe('the Dynamics 365 playbook: what it leaves people to do', () => {
  it('failover: integrations paused to check, and the writes Microsoft may lose to note', async () => {
    told.length = 0;
    const todo = [
      { kind: 'check', text: "integrations are paused ('crm:degradedMode' is true) until Microsoft resolves the incident", url: ENV },
      {
        kind: 'reconcile-data',
        text: 'writes from 2026-03-02T08:45:00.000Z to 2026-03-02T09:00:00.000Z (up to 15m before the outage) may be lost: note what was written then, to check it afterwards',
        url: ENV,
      },
    ];
    expect(await run('record-windows', 'action', 'failover', UNPLANNED)).toEqual({
      ok: true,
      outcome: 'done',
      detail: 'incident since 2026-03-02T09:00:00.000Z; writes from 2026-03-02T08:45:00.000Z to 2026-03-02T09:00:00.000Z (up to 15m before the outage) may be lost; told 2 channel(s)',
      todo,
    });
    expect(told.map((n) => (n.type === 'action-required' ? n.actions : null))).toEqual([todo.map((t) => t.text)]);
  });

  it('failback: the records to check and the integrations\' queue to replay; a planned failover loses nothing to check', async () => {
    expect(await run('report-reconcile', 'action', 'failback', UNPLANNED)).toMatchObject({
      ok: true,
      outcome: 'done',
      todo: [
        {
          kind: 'reconcile-data',
          text: "check the records written from 2026-03-02T08:45:00.000Z to 2026-03-02T09:00:00.000Z: Microsoft's failover may have lost them; re-enter what is missing",
          url: ENV,
        },
        { kind: 'reconcile-data', text: 'replay what integrations queued while paused, from 2026-03-02T09:00:00.000Z to 2026-03-02T10:00:00.000Z', url: ENV },
      ],
    });
    const planned = await run('report-reconcile', 'action', 'failback', { ...UNPLANNED, planned: true });
    expect(planned).toEqual({
      ok: true,
      outcome: 'done',
      detail: 'replay what integrations queued while paused, from 2026-03-02T09:00:00.000Z to 2026-03-02T10:00:00.000Z; told 2 channel(s)',
      todo: [{ kind: 'reconcile-data', text: 'replay what integrations queued while paused, from 2026-03-02T09:00:00.000Z to 2026-03-02T10:00:00.000Z', url: ENV }],
    });
  });

  it('the flag itself leaves nothing once set', async () => {
    const flipped = await run('flip-active-pointer', 'action', 'failover', UNPLANNED);
    expect(flipped).toEqual({ ok: true, outcome: 'done', detail: "'crm:degradedMode' set to 'true'" });
  });
});
