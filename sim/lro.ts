/**
 * Long-running operations. An operation runs for its modelled Azure duration (scaled), then
 * applies its effect; until then polls answer InProgress. Status bodies follow ARM's
 * Azure-AsyncOperation contract: `{ name, status, startTime, endTime?, error? }`.
 */
import type { SimClock } from './clock.js';

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

export interface LongRunning {
  id: string;
  operation: string;
  resourceId: string;
  status: OperationStatus;
  startTime: number;
  endTime?: number;
  error?: { code: string; message: string };
  /** What the final GET of the Location URL returns once done. */
  result?: unknown;
}

export interface BeginOptions {
  operation: string;
  resourceId: string;
  /** Azure milliseconds until the operation completes. */
  durationMs: number;
  /** Applies the operation's effect; its return value is the operation's result. */
  complete: () => unknown;
  /** Set to fail the operation when it completes (an injected fault). */
  failWith?: { code: string; message: string };
  /** Runs instead of `complete` when the operation fails. */
  fail?: () => void;
}

export class Operations {
  private readonly operations = new Map<string, LongRunning>();
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; finish: () => void }>();
  private seq = 0;

  constructor(private readonly clock: SimClock) {}

  begin(options: BeginOptions): LongRunning {
    const id = `${Date.now().toString(36)}-${(++this.seq).toString(36)}`;
    const op: LongRunning = { id, operation: options.operation, resourceId: options.resourceId, status: 'InProgress', startTime: this.clock.now() };
    this.operations.set(id, op);
    const finish = () => {
      if (op.status !== 'InProgress') return;
      this.pending.delete(id);
      op.endTime = this.clock.now();
      if (options.failWith !== undefined) {
        op.status = 'Failed';
        op.error = options.failWith;
        options.fail?.();
      } else {
        op.status = 'Succeeded';
        op.result = options.complete();
      }
    };
    if (options.durationMs <= 0) {
      finish();
    } else {
      const timer = setTimeout(finish, this.clock.real(options.durationMs));
      timer.unref();
      this.pending.set(id, { timer, finish });
    }
    return op;
  }

  get(id: string): LongRunning | undefined {
    return this.operations.get(id);
  }

  /** Operations still running (tests wait on them; the control API shows them). */
  inProgress(): LongRunning[] {
    return [...this.operations.values()].filter((o) => o.status === 'InProgress');
  }

  /** Completes every running operation now: for a test that does not want to wait. */
  finishAll(): void {
    for (const { timer, finish } of [...this.pending.values()]) {
      clearTimeout(timer);
      finish();
    }
  }

  statusBody(op: LongRunning): Record<string, unknown> {
    return {
      name: op.id,
      status: op.status,
      startTime: new Date(op.startTime).toISOString(),
      ...(op.endTime !== undefined ? { endTime: new Date(op.endTime).toISOString() } : {}),
      ...(op.error !== undefined ? { error: op.error } : {}),
    };
  }

  clear(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    this.operations.clear();
  }
}
