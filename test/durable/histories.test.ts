/**
 * Incidents survive a deploy: every committed history of a real incident and its playbooks
 * (test/durable/histories/, recorded by `npm run histories:record`) replays against today's
 * orchestrators as it was recorded: the same tasks scheduled in the same order, the same end and
 * the same output. And a change that would break running incidents is caught here, naming the
 * event, what was recorded and what the code does now.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { ORCHESTRATIONS } from '../../lib/incidents/contract.js';
import { INCIDENT_ORCHESTRATOR_VERSION, type IncidentInput } from '../../lib/incidents/types.js';
import type { PlaybookResult } from '../../lib/playbooks/types.js';
import { EventType, type HistoryEvent } from '../../local/durable/history.js';
import { checkRecordedHistory, type RecordedInstance } from '../../local/durable/index.js';
import { INCOMPATIBLE_CHANGE_ADVICE } from '../../local/durable/replay-check.js';
import type { Handler } from '../../local/durable/invoke.js';
import { incidentOrchestrator } from '../../orchestrations/incident.js';
import { playbookOrchestrator } from '../../orchestrations/playbook.js';
import { committedHistories, type HistoryFile } from './histories.js';
import { registry } from './support.js';

df.app.orchestration(ORCHESTRATIONS.incident, incidentOrchestrator);
df.app.orchestration(ORCHESTRATIONS.playbook, playbookOrchestrator);

// ── deliberately incompatible versions of today's code ──────────────────────────────────────────

/** The incident orchestration with its version branch deleted: every incident behaves as version 2. */
df.app.orchestration('incident_withoutVersionBranch', function* (context: OrchestrationContext) {
  const getInput = context.df.getInput.bind(context.df);
  context.df.getInput = (() => ({ ...getInput<IncidentInput>(), version: 2 })) as typeof context.df.getInput;
  return yield* incidentOrchestrator(context);
});

/** The incident orchestration with its notification activity renamed (`notify` → `notifyOnCall`). */
df.app.orchestration('incident_renamedActivity', function* (context: OrchestrationContext) {
  const callActivity = context.df.callActivity.bind(context.df);
  context.df.callActivity = ((name: string, input?: unknown) => callActivity(name === 'notify' ? 'notifyOnCall' : name, input)) as typeof context.df.callActivity;
  return yield* incidentOrchestrator(context);
});

/** The playbook orchestration no longer asking whether someone cancelled between waves. */
df.app.orchestration('playbook_withoutStopCheck', function* (context: OrchestrationContext) {
  const getInput = context.df.getInput.bind(context.df);
  context.df.getInput = (() => ({ ...getInput<object>(), stoppable: false })) as typeof context.df.getInput;
  return yield* playbookOrchestrator(context);
});

/** The incident orchestration wording its last timeline entry otherwise: same tasks, another output. */
df.app.orchestration('incident_rewordedTimeline', function* (context: OrchestrationContext) {
  const summary = yield* incidentOrchestrator(context);
  const last = summary?.timeline.at(-1);
  if (last !== undefined) last.detail = `${last.detail}.`;
  return summary;
});

/** The scenarios `npm run histories:record` records, under today's version but the last. */
const SCENARIOS = ['cancel-rollback', 'failed-step-compensation', 'failover-approval-failback', 'version-1'];
const handler = (name: string) => registry.get(name)!.handler as Handler;
const histories = committedHistories();
const byName = (name: string): HistoryFile => histories.find(([n]) => n === name)![1];
const startedWith = (i: RecordedInstance) => JSON.parse(i.history.find((e) => e.EventType === EventType.ExecutionStarted)!.Input ?? 'null') as { version?: number; compensate?: string[] };
const outputOf = (i: RecordedInstance) => JSON.parse(i.history.find((e) => e.EventType === EventType.ExecutionCompleted)!.Result ?? 'null') as unknown;

describe('the committed histories', () => {
  it('cover a failover with approvals and a failback, a cancel with its rollback, a failed step compensated, and a version 1 incident', () => {
    // Histories of older versions kept beside these (orchestrations/README.md) replay too; these must be here.
    const recorded = histories.map(([name, file]) => [name, file.orchestratorVersion, file.instances.map((i) => (i.instanceId.includes(':') ? i.instanceId.slice(i.instanceId.indexOf(':') + 1) : i.name))]);
    expect(recorded.filter(([name]) => SCENARIOS.includes(name as string))).toEqual([
      ['cancel-rollback', INCIDENT_ORCHESTRATOR_VERSION, ['incident', 'failover:media-streaming', 'rollback:media-streaming']],
      ['failed-step-compensation', INCIDENT_ORCHESTRATOR_VERSION, ['incident', 'failover:media-streaming']],
      ['failover-approval-failback', INCIDENT_ORCHESTRATOR_VERSION, ['incident', 'failover:purview-governance', 'failback:purview-governance']],
      ['version-1', 1, ['incident', 'failover:datashare-sales', 'failback:datashare-sales']],
    ]);
    for (const [, file] of histories) {
      // The header says the version the incident actually ran under (absent in its input: 1).
      expect(startedWith(file.instances[0]!).version ?? 1).toBe(file.orchestratorVersion);
      expect(file.instances.every((i) => i.status === 'Completed')).toBe(true);
    }
    const outcome = (name: string) => (outputOf(byName(name).instances[0]!) as { outcome: string }).outcome;
    expect(['failover-approval-failback', 'cancel-rollback', 'failed-step-compensation', 'version-1'].map(outcome)).toEqual(['failed-over-and-back', 'rolled-back', 'failover-failed', 'failed-over-and-back']);
    const events = (name: string) => byName(name).instances[0]!.history.filter((e) => e.EventType === EventType.EventRaised).length;
    // Two approvals and a failback request; a cancel and a rollback request.
    expect(events('failover-approval-failback')).toBe(3);
    expect(events('cancel-rollback')).toBe(2);
    expect(startedWith(byName('cancel-rollback').instances[2]!).compensate).toEqual(expect.arrayContaining(['start-streaming-endpoints']));
    const failed = outputOf(byName('failed-step-compensation').instances[1]!) as PlaybookResult;
    expect(failed.steps.some((s) => s.status === 'compensated')).toBe(true);
  });

  for (const [name, file] of histories) {
    describe(name, () => {
      for (const instance of file.instances) {
        it(`${instance.name} ${instance.instanceId} replays against today's code as recorded`, async () => {
          const check = await checkRecordedHistory(handler(instance.name), instance);
          // On a failure this names the event, what was recorded and what the code does now.
          expect(check.problems).toEqual([]);
          expect(check.report).toMatchObject({ clean: true, isDone: true, pending: [] });
          expect(check.report.output).toEqual(outputOf(instance));
        });
      }
    });
  }
});

describe('an incompatible change is caught before it ships', () => {
  const scheduled = (history: HistoryEvent[]) => history.filter((e) => e.EventType === EventType.TaskScheduled || e.EventType === EventType.SubOrchestrationInstanceCreated || e.EventType === EventType.TimerCreated);

  it('dropping the version branch: a version 1 incident would now archive its page after it ended', async () => {
    const incident = byName('version-1').instances[0]!;
    const check = await checkRecordedHistory(handler('incident_withoutVersionBranch'), { ...incident, name: 'incident_withoutVersionBranch' });
    const end = incident.history.findIndex((e) => e.EventType === EventType.ExecutionCompleted);
    const next = scheduled(incident.history).length;
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      `incident_withoutVersionBranch '${incident.instanceId}': the recorded instance ended Completed at history event #${end}; ` +
        `the code now goes on to schedule activity 'archiveIncidentPage' (sequence ${next}) instead of ending there.\n${INCOMPATIBLE_CHANGE_ADVICE}`,
    ]);
    expect(INCOMPATIBLE_CHANGE_ADVICE).toContain('version');
    expect(INCOMPATIBLE_CHANGE_ADVICE).toContain('new name');
  });

  it('renaming an activity: the first history event that differs, what it recorded and what the code schedules now', async () => {
    const incident = byName('failover-approval-failback').instances[0]!;
    const check = await checkRecordedHistory(handler('incident_renamedActivity'), { ...incident, name: 'incident_renamedActivity' });
    const at = incident.history.findIndex((e) => e.EventType === EventType.TaskScheduled && e.Name === 'notify');
    expect(check.problems).toEqual([
      `incident_renamedActivity '${incident.instanceId}': at history event #${at} (TaskScheduled, sequence ${incident.history[at]!.EventId}) ` +
        `the recorded instance scheduled activity 'notify'; the code now schedules activity 'notifyOnCall' there.\n${INCOMPATIBLE_CHANGE_ADVICE}`,
    ]);
    expect(check.report.clean).toBe(false);
  });

  it('removing a step of a playbook: its recorded history no longer replays', async () => {
    const playbook = byName('failover-approval-failback').instances[1]!;
    const check = await checkRecordedHistory(handler('playbook_withoutStopCheck'), { ...playbook, name: 'playbook_withoutStopCheck' });
    const at = playbook.history.findIndex((e) => e.EventType === EventType.TaskScheduled && e.Name === 'stopRequested');
    expect(check.problems).toEqual([
      `playbook_withoutStopCheck '${playbook.instanceId}': at history event #${at} (TaskScheduled, sequence ${playbook.history[at]!.EventId}) ` +
        `the recorded instance scheduled activity 'stopRequested'; the code now schedules activity 'runStepPhase' there.\n${INCOMPATIBLE_CHANGE_ADVICE}`,
    ]);
  });

  it('changing what a finished incident returns: the path in the output, recorded and now', async () => {
    const incident = byName('failed-step-compensation').instances[0]!;
    const check = await checkRecordedHistory(handler('incident_rewordedTimeline'), { ...incident, name: 'incident_rewordedTimeline' });
    const summary = outputOf(incident) as { timeline: Array<{ detail: string }> };
    const last = summary.timeline.length - 1;
    const detail = summary.timeline[last]!.detail;
    expect(check.problems).toEqual([
      `incident_rewordedTimeline '${incident.instanceId}': the code now returns another output: $.timeline[${last}].detail: recorded ${JSON.stringify(detail)}, now ${JSON.stringify(`${detail}.`)}.\n${INCOMPATIBLE_CHANGE_ADVICE}`,
    ]);
  });
});
