/**
 * Which steps each playbook kind runs, in runbook order, per direction. Every kind announces
 * itself first and flips the workload's active-side pointer in App Configuration (where the
 * catalog names one) at the point its runbook switches new work over; the service steps sit
 * around it. How it went is told by the incident (failover done, step failed), with durations.
 * The steps themselves are in lib/steps, one module per service.
 */
import type { Direction, StepDefinition } from './types.js';

const MIN = 60_000;

const step = (name: string, title: string, deadlineMs: number, compensable: boolean, group?: string): StepDefinition => ({
  name,
  title,
  deadlineMs,
  compensable,
  ...(group !== undefined ? { group } : {}),
});

/**
 * The announcement runs beside a kind's first step when that step is in the group 'begin'. Best
 * effort: a channel that is down (or an announcement past its deadline) never stops a playbook.
 */
const ANNOUNCE: StepDefinition = { ...step('announce', 'Tell the on-call channels what is starting', MIN, false, 'begin'), bestEffort: true };
const FLIP_POINTER = step('flip-active-pointer', 'Point the app at the other side (App Configuration)', 2 * MIN, true);

const MEDIA: Record<Direction, StepDefinition[]> = {
  failover: [
    ANNOUNCE,
    step('check-account', 'Check the secondary Media Services account answers', 2 * MIN, false, 'begin'),
    // Independent resources of the standby account, made ready side by side.
    step('ensure-transforms', 'Make sure the transforms exist on the secondary, as defined', 5 * MIN, false, 'ready-standby'),
    step('start-streaming-endpoints', 'Start the secondary streaming endpoints', 15 * MIN, true, 'ready-standby'),
    step('start-live-events', 'Start the secondary live events (and report their ingest URLs)', 15 * MIN, true, 'ready-standby'),
    step('resubmit-jobs', 'Resubmit queued and processing encoding jobs to the secondary', 10 * MIN, false),
    FLIP_POINTER,
    step('switch-traffic', 'Send viewers to the secondary (Traffic Manager)', 5 * MIN, true),
  ],
  failback: [
    ANNOUNCE,
    step('check-account', 'Check the primary Media Services account answers', 2 * MIN, false, 'begin'),
    step('resubmit-jobs', 'Leave running jobs where they are', MIN, false),
    FLIP_POINTER,
    step('switch-traffic', 'Send viewers back to the primary (Traffic Manager)', 5 * MIN, true),
    step('stop-live-events', 'Stop the secondary live events', 15 * MIN, true, 'idle-standby'),
    step('stop-streaming-endpoints', 'Stop the secondary streaming endpoints', 15 * MIN, true, 'idle-standby'),
  ],
};

const DATA_SHARE: Record<Direction, StepDefinition[]> = {
  failover: [
    ANNOUNCE,
    // The schedule and the first snapshot do not wait for each other.
    step('schedule-secondary', 'Create the snapshot schedules on the secondary share subscriptions', 5 * MIN, true, 'standby-snapshots'),
    step('synchronize-now', 'Take a snapshot now on the secondary, and wait for it', 60 * MIN, false, 'standby-snapshots'),
    step('unschedule-primary', "Remove the primary's snapshot schedules (when it answers)", 5 * MIN, true),
    step('invite-consumers', 'Invite every consumer to the secondary shares', 5 * MIN, false),
    FLIP_POINTER,
  ],
  failback: [
    ANNOUNCE,
    step('schedule-primary', 'Restore the snapshot schedules on the primary share subscriptions', 5 * MIN, true),
    step('unschedule-secondary', "Remove the secondary's snapshot schedules", 5 * MIN, true),
    FLIP_POINTER,
  ],
};

const PURVIEW: Record<Direction, StepDefinition[]> = {
  failover: [
    ANNOUNCE,
    step('check-account', 'Check the standby Purview account is provisioned', 2 * MIN, false, 'begin'),
    step('check-readiness', 'Compare the standby with what the catalog requires (drift is reported)', 5 * MIN, false),
    FLIP_POINTER,
    // The pointer goes back when the account now pointed at does not serve the catalog.
    step('confirm-catalog', 'Confirm the standby serves catalog reads', 5 * MIN, false),
    step('report-gaps', 'Tell people what does not carry over (lineage, integration runtimes)', 2 * MIN, false),
  ],
  failback: [
    ANNOUNCE,
    step('check-account', 'Check the primary Purview account is provisioned', 2 * MIN, false, 'begin'),
    FLIP_POINTER,
    step('confirm-catalog', 'Confirm the primary serves catalog reads', 5 * MIN, false),
  ],
};

const GENOMICS: Record<Direction, StepDefinition[]> = {
  failover: [
    ANNOUNCE,
    step('check-account', 'Check the standby Genomics account answers', 2 * MIN, false, 'begin'),
    step('stage-data', "Copy pending workflows' inputs to the standby storage (from the geo-secondary)", 60 * MIN, false),
    step('resubmit-workflows', 'Resubmit queued and running workflows to the standby', 10 * MIN, true),
    // New submissions follow once the pending ones have moved.
    FLIP_POINTER,
  ],
  failback: [ANNOUNCE, step('check-account', 'Check the primary Genomics account answers', 2 * MIN, false, 'begin'), FLIP_POINTER],
};

const DYNAMICS: Record<Direction, StepDefinition[]> = {
  failover: [
    ANNOUNCE,
    // The flag first: integrations pause before anyone is told they have.
    FLIP_POINTER,
    step('record-windows', 'Record the incident and possible data-loss windows, and tell the channels', 2 * MIN, false),
  ],
  failback: [ANNOUNCE, FLIP_POINTER, step('report-reconcile', 'Tell what to reconcile (possible data loss, paused integrations)', 2 * MIN, false)],
};

/** Every kind's steps; an unknown kind only announces and flips its pointer. */
const STEPS: Record<string, Record<Direction, StepDefinition[]>> = {
  mediaServices: MEDIA,
  dataShare: DATA_SHARE,
  purview: PURVIEW,
  dynamics365: DYNAMICS,
  genomics: GENOMICS,
};

export function playbookSteps(kind: string, direction: Direction): StepDefinition[] {
  return STEPS[kind]?.[direction] ?? [ANNOUNCE, FLIP_POINTER];
}
