/**
 * The active-side pointer: the App Configuration key the workload's own code reads to know
 * which account or region is live (or, for Dynamics 365, whether to run degraded). Flipping it
 * is how new work moves to the other side; it is idempotent because the precheck reads first.
 *
 * Every write is conditional on the value read just before it (`If-Match` with the key-value's
 * ETag; `If-None-Match: *` when the key does not exist yet): a person may change the pointer by
 * hand during an incident, and a failover or its rollback must never overwrite that. A write
 * refused with 412 is not retried: the step fails saying who changed what, and the workload's
 * channels are told, because only a person can say which value is right.
 */
import type { ConfigurationSetting } from '@azure/app-configuration';
import type { Workload } from '../../catalog/types.js';
import { isTransient } from '../../errors/transient.js';
import { TransientStepError } from '../../steps/deps.js';
import { alreadyDone, compensated, defineStep, done, needed, verified, type StepContext } from '../define.js';
import { tellActionRequired } from './tell.js';
import type { Direction, StepPhase, StepResult } from '../types.js';

export interface Pointer {
  key: string;
  /** The value for the side the workload should run on after this direction. */
  target: string;
  /** The value it had before: what compensation restores. */
  previous: string;
}

/**
 * The pointer a workload's playbook names, or null when it has none. For `failover`, `target` is
 * the secondary side's value and `previous` the primary's: what `failover status` reads the
 * active side from.
 */
export function pointerOf(workload: Workload, direction: Direction): Pointer | null {
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

/** The pointer as read: its value and the ETag a conditional write must match (null when the key does not exist). */
interface Read {
  value: string | null;
  setting: ConfigurationSetting | null;
}

async function flipPointer(ctx: StepContext, phase: StepPhase): Promise<StepResult> {
  const { deps, workload, direction } = ctx;
  const pointer = pointerOf(workload, direction);
  if (pointer === null) return alreadyDone('this workload has no active-side pointer to flip');
  if (deps.appConfigurationEndpoint === null) {
    // Strict on purpose: a failover that reports done while the workload still reads the old side
    // is worse at 3 a.m. than one that fails naming the setting (readiness reports it beforehand).
    return { ok: false, reason: 'AppConfigurationNotConfigured', detail: `set APP_CONFIGURATION_ENDPOINT so '${pointer.key}' can be flipped` };
  }
  const client = deps.clients.appConfiguration(deps.appConfigurationEndpoint);
  const read = async (): Promise<Read> => {
    try {
      const setting = await client.getConfigurationSetting({ key: pointer.key });
      return { value: setting.value ?? null, setting };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return { value: null, setting: null };
      throw err;
    }
  };
  /**
   * Writes `value` only if the key still is what `seen` read; the rest of the setting (content
   * type, tags) is kept. False when App Configuration answered 412: someone changed it since.
   */
  const writeIfUnchanged = async (seen: Read, value: string): Promise<boolean> => {
    try {
      if (seen.setting === null) await client.addConfigurationSetting({ key: pointer.key, value });
      else await client.setConfigurationSetting({ ...seen.setting, value }, { onlyIfUnchanged: true });
      return true;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 412) return false;
      throw err;
    }
  };
  try {
    switch (phase) {
      case 'precheck': {
        const current = (await read()).value;
        return current === pointer.target
          ? alreadyDone(`'${pointer.key}' is already '${pointer.target}'`)
          : needed(`'${pointer.key}' is '${current ?? '(unset)'}'; set it to '${pointer.target}'`, { resources: [pointer.key] });
      }
      case 'action': {
        const seen = await read();
        if (seen.value === pointer.target) return done(`'${pointer.key}' already reads '${pointer.target}'`);
        // The flip starts from the side being left (or a key not set yet); any other value was
        // set by someone since the incident began, and is theirs to change, not the flip's.
        if (seen.value !== null && seen.value !== pointer.previous) return changedMeanwhile(ctx, pointer.key, pointer.previous, seen.value, pointer.target);
        if (await writeIfUnchanged(seen, pointer.target)) return done(`'${pointer.key}' set to '${pointer.target}'`);
        return changedMeanwhile(ctx, pointer.key, seen.value, (await read()).value, pointer.target);
      }
      case 'verify': {
        const current = (await read()).value;
        return current === pointer.target
          ? verified(`'${pointer.key}' reads '${current}'`)
          : { ok: false, reason: 'PointerNotFlipped', detail: `'${pointer.key}' reads '${current ?? '(unset)'}', expected '${pointer.target}'` };
      }
      case 'compensate': {
        // Only what the action changed is undone: a flip that never landed (the key locked, a
        // missed deadline before the write), or a value someone set since, is left as it is.
        const seen = await read();
        if (seen.value !== pointer.target) return compensated(`nothing to undo: '${pointer.key}' reads '${seen.value ?? '(unset)'}', not '${pointer.target}'`);
        if (await writeIfUnchanged(seen, pointer.previous)) return compensated(`'${pointer.key}' set back to '${pointer.previous}'`);
        return changedMeanwhile(ctx, pointer.key, seen.value, (await read()).value, pointer.previous);
      }
    }
  } catch (err) {
    if (isTransient(err)) throw new TransientStepError('AppConfigurationUnavailable', (err as Error).message);
    const status = (err as { statusCode?: number }).statusCode;
    return { ok: false, reason: status === 409 ? 'PointerLocked' : 'AppConfigurationError', detail: (err as Error).message };
  }
}

/**
 * The pointer is not what the flip started from: it already read another value before the write,
 * or a conditional write was refused (412) because it changed between the read and the write.
 * The step fails without writing, and the workload's channels hear what it reads now.
 */
async function changedMeanwhile(ctx: StepContext, key: string, was: string | null, now: string | null, wanted: string): Promise<StepResult> {
  const change = `someone changed '${key}' from '${was ?? '(unset)'}' to '${now ?? '(unset)'}' meanwhile; not overwritten`;
  const told = await tellActionRequired(ctx, `${ctx.workload.id}: '${key}' was changed during the ${ctx.direction}`, [
    `${change} with '${wanted}'.`,
    `Check which side ${ctx.workload.id} should run on, and set '${key}' by hand if '${now ?? '(unset)'}' is not it.`,
  ]);
  return { ok: false, reason: 'PointerChangedMeanwhile', detail: `${change} (${told})` };
}
