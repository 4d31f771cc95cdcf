/**
 * Time for the local host. Durable timers, timer triggers and the orchestration clock all read
 * one Clock, so a demo can run N times faster (`--time-scale N`) and a test can jump straight
 * to the next timer when nothing else is pending.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface Clock {
  /** Current time, epoch milliseconds, as the host sees it. */
  now(): number;
  /** Calls `fn` when the clock reaches `at`; returns a function that cancels it. */
  at(at: number, fn: () => void): () => void;
}

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Wall-clock time sped up by `scale`: one real second is `scale` host seconds. Starts at the
 * real current time so timestamps look familiar (or at `start`, host time at the real moment
 * `realStart`).
 */
export class ScaledClock implements Clock {
  readonly hostStart: number;

  constructor(
    readonly scale = 1,
    start?: number,
    readonly realStart = Date.now(),
  ) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`time scale must be a positive number, got ${scale}`);
    this.hostStart = start ?? this.realStart;
  }

  now(): number {
    return this.hostStart + (Date.now() - this.realStart) * this.scale;
  }

  at(at: number, fn: () => void): () => void {
    const delay = Math.max(0, (at - this.now()) / this.scale);
    // setTimeout caps at ~24.8 days; re-arm for anything longer.
    const MAX = 2 ** 31 - 1;
    let handle: NodeJS.Timeout;
    let cancelled = false;
    const arm = (ms: number) => {
      handle = setTimeout(() => {
        if (cancelled) return;
        // A timer can wake a moment before its delay is up (Node counts whole milliseconds on its
        // own loop clock): wait again rather than fire before `at`, which is `scale` times earlier
        // in host time.
        const remaining = (at - this.now()) / this.scale;
        if (remaining > 0) arm(remaining);
        else fn();
      }, Math.min(ms, MAX));
      handle.unref?.();
    };
    arm(delay);
    return () => {
      cancelled = true;
      clearTimeout(handle);
    };
  }
}

/** Where a host keeps its clock's origin: `{ timeScale, realStart, hostStart }`. */
export const CLOCK_FILE = 'clock.json';

/**
 * A ScaledClock that carries on from the previous run in `dataDir`, so host time never goes back
 * across a restart: durable times recorded by the last run stay in the past. The clock's origin is
 * kept in `<dataDir>/clock.json`; the new clock starts where the previous one would be now (its
 * origin carried forward at its own scale, later than anything it can have recorded, and where a
 * simulator left running at that scale is), or at the real time if that is later. So time keeps
 * running while the host is stopped, as it does in Azure; a new data directory starts at the real
 * time.
 */
export function resumeScaledClock(dataDir: string, scale = 1): ScaledClock {
  const path = join(dataDir, CLOCK_FILE);
  const realNow = Date.now();
  let start = realNow;
  const previous = readOrigin(path);
  if (previous !== undefined) {
    const carried = previous.hostStart + Math.max(0, realNow - previous.realStart) * previous.timeScale;
    start = Math.max(start, carried);
  }
  const clock = new ScaledClock(scale, start, realNow);
  mkdirSync(dataDir, { recursive: true });
  // Written and synced before the host records any time on this clock.
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify({ timeScale: scale, realStart: new Date(realNow).toISOString(), hostStart: new Date(start).toISOString() }, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return clock;
}

function readOrigin(path: string): { timeScale: number; realStart: number; hostStart: number } | undefined {
  let json: { timeScale?: unknown; realStart?: unknown; hostStart?: unknown };
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as typeof json;
  } catch {
    return undefined;
  }
  const timeScale = Number(json.timeScale);
  const realStart = Date.parse(String(json.realStart));
  const hostStart = Date.parse(String(json.hostStart));
  if (!(timeScale > 0) || !Number.isFinite(timeScale) || !Number.isFinite(realStart) || !Number.isFinite(hostStart)) return undefined;
  return { timeScale, realStart, hostStart };
}

/**
 * Fully virtual time: it moves only when told. `advanceToNext()` jumps to the earliest pending
 * timer and fires everything due, so hours of waiting take no real time in tests.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private pending: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  at(at: number, fn: () => void): () => void {
    const entry: Pending = { at, seq: this.seq++, fn };
    this.pending.push(entry);
    return () => {
      this.pending = this.pending.filter((p) => p !== entry);
    };
  }

  /** Earliest pending timer, or undefined. */
  nextAt(): number | undefined {
    let min: number | undefined;
    for (const p of this.pending) if (min === undefined || p.at < min) min = p.at;
    return min;
  }

  /** Moves time forward to `to` (never back) and fires what is due, in time then creation order. */
  advanceTo(to: number): number {
    if (to > this.current) this.current = to;
    const due = this.pending.filter((p) => p.at <= this.current).sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.pending = this.pending.filter((p) => p.at > this.current);
    for (const p of due) p.fn();
    return due.length;
  }

  /** Jumps to the next timer; returns false when none is pending. */
  advanceToNext(): boolean {
    const next = this.nextAt();
    if (next === undefined) return false;
    this.advanceTo(next);
    return true;
  }
}
