/**
 * The active-side pointer: the App Configuration key the workload's own code reads to know
 * which account or region is live (or, for Dynamics 365, whether to run degraded). Flipping it
 * is how new work moves to the other side; it is idempotent because the precheck reads first.
 */
import type { Workload } from '../../catalog/types.js';
import { isTransient } from '../../errors/transient.js';
import { TransientStepError } from '../../steps/deps.js';
import { defineStep, type StepContext } from '../define.js';
import type { Direction, StepPhase, StepResult } from '../types.js';

interface Pointer {
  key: string;
  /** The value for the side the workload should run on after this direction. */
  target: string;
  /** The value it had before: what compensation restores. */
  previous: string;
}

/** The pointer a workload's playbook names, or null when it has none. */
function pointerOf(workload: Workload, direction: Direction): Pointer | null {
  const name = (id: string | undefined) => id?.split('/').pop() ?? '';
  const sides = (primary: string, secondary: string): Pick<Pointer, 'target' | 'previous'> =>
    direction === 'failover' ? { target: secondary, previous: primary } : { target: primary, previous: secondary };
  const p = workload.playbook;
  switch (p.kind) {
    case 'mediaServices':
    case 'purview':
      return { key: p.activeAccountKey, ...sides(name(workload.primary.resources['account']), name(workload.secondary?.resources['account'])) };
    case 'genomics':
      return p.activeRegionKey === null ? null : { key: p.activeRegionKey, ...sides(workload.primary.region, workload.secondary?.region ?? '') };
    case 'dynamics365':
      return { key: p.degradedModeFlagKey, ...sides('false', 'true') };
    case 'dataShare':
      return null;
    default:
      // A kind without a runbook (the playbooks' fallback) names no pointer.
      return null;
  }
}

/**
 * Every playbook flips its pointer at the point its runbook switches new work over: the workload's
 * own code follows it. A workload without a pointer (Data Share) finds it already done.
 */
export const flipActivePointer = defineStep({
  name: 'flip-active-pointer',
  title: 'Point the app at the other side (App Configuration)',
  deadlineMs: 2 * 60_000,
  precheck: (ctx) => flipPointer(ctx, 'precheck'),
  action: (ctx) => flipPointer(ctx, 'action'),
  verify: (ctx) => flipPointer(ctx, 'verify'),
  compensate: (ctx) => flipPointer(ctx, 'compensate'),
});

async function flipPointer({ deps, workload, direction }: StepContext, phase: StepPhase): Promise<StepResult> {
  const pointer = pointerOf(workload, direction);
  if (pointer === null) return { ok: true, outcome: 'already-done', detail: 'this workload has no active-side pointer to flip' };
  if (deps.appConfigurationEndpoint === null) {
    return { ok: false, reason: 'AppConfigurationNotConfigured', detail: `set APP_CONFIGURATION_ENDPOINT so '${pointer.key}' can be flipped` };
  }
  const client = deps.clients.appConfiguration(deps.appConfigurationEndpoint);
  const read = async (): Promise<string | null> => {
    try {
      return (await client.getConfigurationSetting({ key: pointer.key })).value ?? null;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return null;
      throw err;
    }
  };
  const write = async (value: string) => {
    await client.setConfigurationSetting({ key: pointer.key, value });
  };
  try {
    switch (phase) {
      case 'precheck': {
        const current = await read();
        return current === pointer.target
          ? { ok: true, outcome: 'already-done', detail: `'${pointer.key}' is already '${pointer.target}'` }
          : { ok: true, outcome: 'needed', detail: `'${pointer.key}' is '${current ?? '(unset)'}'; set it to '${pointer.target}'` };
      }
      case 'action':
        await write(pointer.target);
        return { ok: true, outcome: 'done', detail: `'${pointer.key}' set to '${pointer.target}'` };
      case 'verify': {
        const current = await read();
        return current === pointer.target
          ? { ok: true, outcome: 'verified', detail: `'${pointer.key}' reads '${current}'` }
          : { ok: false, reason: 'PointerNotFlipped', detail: `'${pointer.key}' reads '${current ?? '(unset)'}', expected '${pointer.target}'` };
      }
      case 'compensate': {
        // Only what the action changed is undone: a flip that never landed (the key locked, a
        // missed deadline before the write) leaves nothing to set back.
        const current = await read();
        if (current !== pointer.target) return { ok: true, outcome: 'compensated', detail: `nothing to undo: '${pointer.key}' reads '${current ?? '(unset)'}', not '${pointer.target}'` };
        await write(pointer.previous);
        return { ok: true, outcome: 'compensated', detail: `'${pointer.key}' set back to '${pointer.previous}'` };
      }
    }
  } catch (err) {
    if (isTransient(err)) throw new TransientStepError('AppConfigurationUnavailable', (err as Error).message);
    const status = (err as { statusCode?: number }).statusCode;
    return { ok: false, reason: status === 409 ? 'PointerLocked' : 'AppConfigurationError', detail: (err as Error).message };
  }
}
