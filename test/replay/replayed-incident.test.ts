/**
 * What makes a replayed incident different, activity by activity: its guardrails divided by the
 * replay's speed, its minimum interval read and its failovers recorded under the replay's own
 * ledger key (never the real workload's), and its health answered from the record.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAlert } from '../../lib/alerts/index.js';
import { summarizeSignal } from '../../lib/incidents/signals.js';
import type { ReplayMark, WorkloadPlan } from '../../lib/incidents/types.js';
import { createActivities } from '../../lib/steps/index.js';
import type { StepDeps } from '../../lib/steps/deps.js';
import type { HealthObservation } from '../../lib/replay/types.js';
import { sampleCatalog } from '../steps/support.js';
import { repoRoot } from '../support/fixtures.js';

const REPLAY: ReplayMark = { replayId: 'replay-20261207T201500-3fa2c1', speed: 60, healthMode: 'recorded', startedAt: '2026-12-07T20:15:00.000Z', firstAt: '2026-11-23T09:14:00.000Z' };
const ACCOUNT = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu';

async function activities(now: string, health: HealthObservation[] = []) {
  const catalog = await sampleCatalog();
  const ledger = new Map<string, string>([['media-streaming', '2026-12-07T20:00:00.000Z']]);
  const deps = {
    catalog: async () => catalog,
    ledger: { lastFailover: async (id: string) => ledger.get(id) ?? null, recordFailover: async (id: string, at: Date | string) => void ledger.set(id, String(at)) },
    replayHealth: async (replayId: string) => (replayId === REPLAY.replayId ? health : []),
    now: () => new Date(now),
  } as unknown as StepDeps;
  return { run: createActivities(deps), ledger };
}

const mediaSignal = () => {
  const parsed = parseAlert(readFileSync(join(repoRoot, 'samples/alerts/servicehealth-media-westeurope-active.json'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return summarizeSignal(parsed.value, 'webhook');
};

describe('a replayed incident', () => {
  it('plans with its guardrails divided by the speed, and reads the minimum interval from its own ledger key', async () => {
    const { run } = await activities('2026-12-07T20:16:00.000Z');
    const real = (await run.planIncident({ incidentId: 'x', signal: mediaSignal() })).workloads[0]!;
    const replayed = (await run.planIncident({ incidentId: 'x', signal: mediaSignal(), replay: REPLAY })).workloads[0]!;
    const durations = (w: WorkloadPlan) => [w.dwellMs, w.minIntervalMs, w.failbackAfterHealthyMs, w.confirmWithinMs, w.maintenanceLeadTimeMs];
    expect(durations(real)).toEqual([600_000, 4 * 3600_000, 1_800_000, 4 * 3600_000, 1_800_000]);
    expect(durations(replayed)).toEqual([10_000, 240_000, 30_000, 240_000, 30_000]);
    // The real workload failed over a quarter of an hour ago; the replay does not see it.
    expect(real.lastFailoverAt).toBe('2026-12-07T20:00:00.000Z');
    expect(replayed.lastFailoverAt).toBeNull();
  });

  it("records its failover under the replay's key, leaving the real workload's last failover as it was", async () => {
    const { run, ledger } = await activities('2026-12-07T20:16:00.000Z');
    await run.recordFailover({ workloadId: 'media-streaming', at: '2026-12-07T20:16:00.000Z', replayId: REPLAY.replayId });
    expect([...ledger.entries()]).toEqual([
      ['media-streaming', '2026-12-07T20:00:00.000Z'],
      [`replay:${REPLAY.replayId}:media-streaming`, '2026-12-07T20:16:00.000Z'],
    ]);
  });

  it('answers its health checks as Azure did at the same moment of the original incident', async () => {
    const health: HealthObservation[] = [
      { resourceId: ACCOUNT, at: '2026-11-23T09:20:00.000Z', status: 'Unavailable', origin: 'alert' },
      { resourceId: ACCOUNT, at: '2026-11-23T10:00:00.000Z', status: 'Available', origin: 'alert' },
    ];
    const plan = (await (await activities('2026-12-07T20:15:00.000Z')).run.planIncident({ incidentId: 'x', signal: mediaSignal() })).workloads;
    // 30 s into the replay at 60x is 09:44 of the original incident; 50 s in, 10:04.
    const at30 = await (await activities('2026-12-07T20:15:30.000Z', health)).run.checkPrimaryHealth({ workloads: plan, replay: REPLAY });
    const at50 = await (await activities('2026-12-07T20:15:50.000Z', health)).run.checkPrimaryHealth({ workloads: plan, replay: REPLAY });
    expect([at30, at50]).toEqual([{ 'media-streaming': 'Unavailable' }, { 'media-streaming': 'Available' }]);
    // The incident's own time, when it passes one, is the replay clock's (an app's clock may run otherwise than the activity's).
    const atOwn = await (await activities('2030-01-01T00:00:00.000Z', health)).run.checkPrimaryHealth({ workloads: plan, replay: REPLAY, at: '2026-12-07T20:15:30.000Z' });
    expect(atOwn).toEqual({ 'media-streaming': 'Unavailable' });
  });
});
