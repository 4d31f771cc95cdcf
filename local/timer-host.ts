/**
 * Runs the app's `timerTrigger` registrations on their NCRONTAB schedules, on the host's Clock
 * (so `--time-scale` and virtual time apply). Semantics follow the Functions timer extension:
 * six fields `{second} {minute} {hour} {day} {month} {day-of-week}` in UTC, day and day-of-week
 * must both match (NCrontab), `runOnStartup`, one invocation at a time per function (occurrences
 * that pass while it runs are skipped), a missed occurrence fires once with `isPastDue: true`,
 * and with a data directory the schedule status is persisted (`useMonitor`) so a missed
 * occurrence across a restart fires at startup as past due. `%NAME%` schedules read the app
 * setting NAME; a `hh:mm:ss` TimeSpan schedule runs at that interval.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from './clock.js';
import {
  bindDurableClients,
  createInvocationContext,
  hostLog,
  invokeFunction,
  type HostLogger,
  type LogEntry,
  type RetryContext,
} from './functions-core.js';
import type { RegisteredFunction, Registry } from './registry.js';

// ---------------------------------------------------------------------------------------------
// NCRONTAB

export interface Schedule {
  /** The expression as written (after `%SETTING%` resolution). */
  readonly expression: string;
  /** First occurrence strictly after `afterMs` (epoch ms), or undefined if there is none. */
  next(afterMs: number): number | undefined;
}

export class ScheduleError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const FIELDS: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

function parseValue(text: string, spec: FieldSpec): number {
  const upper = text.toUpperCase();
  if (spec.names) {
    const i = spec.names.findIndex((n) => n === upper || (upper.length > 3 && upper.startsWith(n) && fullName(n).startsWith(upper)));
    if (i >= 0) return i + spec.min;
  }
  if (!/^\d+$/.test(text)) throw new ScheduleError(`the ${spec.name} field: "${text}" is not a number${spec.names ? ' or a name' : ''}`, spec.name);
  const n = Number(text);
  if (n < spec.min || n > spec.max) throw new ScheduleError(`the ${spec.name} field: ${n} is out of range ${spec.min}-${spec.max}`, spec.name);
  return n;
}

const FULL_NAMES: Record<string, string> = {
  SUN: 'SUNDAY',
  MON: 'MONDAY',
  TUE: 'TUESDAY',
  WED: 'WEDNESDAY',
  THU: 'THURSDAY',
  FRI: 'FRIDAY',
  SAT: 'SATURDAY',
  JAN: 'JANUARY',
  FEB: 'FEBRUARY',
  MAR: 'MARCH',
  APR: 'APRIL',
  JUN: 'JUNE',
  JUL: 'JULY',
  AUG: 'AUGUST',
  SEP: 'SEPTEMBER',
  OCT: 'OCTOBER',
  NOV: 'NOVEMBER',
  DEC: 'DECEMBER',
};

function fullName(abbrev: string): string {
  return FULL_NAMES[abbrev] ?? abbrev;
}

/** The allowed values of one field, as a sorted array. */
function parseField(text: string, spec: FieldSpec): number[] {
  if (text === '') throw new ScheduleError(`the ${spec.name} field is empty`, spec.name);
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw new ScheduleError(`the ${spec.name} field "${text}" has an empty list item`, spec.name);
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) throw new ScheduleError(`the ${spec.name} field: "${item}" has more than one "/"`, spec.name);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) throw new ScheduleError(`the ${spec.name} field: the step in "${item}" must be a positive number`, spec.name);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = spec.min;
      hi = spec.max;
    } else if (range !== undefined && range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined || a === undefined || b === undefined || a === '' || b === '') {
        throw new ScheduleError(`the ${spec.name} field: "${range}" is not a valid range`, spec.name);
      }
      lo = parseValue(a, spec);
      hi = parseValue(b, spec);
      if (lo > hi) throw new ScheduleError(`the ${spec.name} field: the range "${range}" runs backwards`, spec.name);
    } else {
      lo = parseValue(range ?? '', spec);
      hi = stepText !== undefined ? spec.max : lo; // NCrontab: "a/n" is a to max, step n
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/;

/** Parses an NCRONTAB expression (six fields) or a `[d.]hh:mm[:ss]` TimeSpan. Errors name the field. */
export function parseSchedule(expression: string): Schedule {
  const expr = expression.trim();
  const span = TIMESPAN.exec(expr);
  if (span) {
    const [, d, h, m, s] = span;
    const ms = (((Number(d ?? 0) * 24 + Number(h)) * 60 + Number(m)) * 60 + Number(s ?? 0)) * 1000;
    if (Number(m) > 59 || Number(s ?? 0) > 59) throw new ScheduleError(`the TimeSpan "${expr}" has minutes or seconds above 59`);
    if (ms <= 0) throw new ScheduleError(`the TimeSpan "${expr}" must be longer than zero`);
    return { expression: expr, next: (after) => after + ms };
  }
  const fields = expr.split(/\s+/);
  if (fields.length !== 6) {
    throw new ScheduleError(
      `"${expr}" has ${expr === '' ? 0 : fields.length} fields; an NCRONTAB schedule has six: {second} {minute} {hour} {day} {month} {day-of-week}`,
      fields.length === 5 ? 'second' : undefined,
    );
  }
  const [seconds, minutes, hours, days, months, weekdays] = fields.map((f, i) => parseField(f, FIELDS[i]!)) as [
    number[],
    number[],
    number[],
    number[],
    number[],
    number[],
  ];
  const sets = { seconds: new Set(seconds), minutes: new Set(minutes), hours: new Set(hours), days: new Set(days), months: new Set(months), weekdays: new Set(weekdays) };
  return { expression: expr, next: (after) => nextMatch(sets, after) };
}

interface Sets {
  seconds: Set<number>;
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
}

function nextMatch(s: Sets, afterMs: number): number | undefined {
  const d = new Date(Math.floor(afterMs / 1000) * 1000 + 1000);
  const limit = afterMs + 8 * 366 * 24 * 3600 * 1000; // covers Feb 29 on a given weekday and back
  while (d.getTime() <= limit) {
    if (!s.months.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!s.days.has(d.getUTCDate()) || !s.weekdays.has(d.getUTCDay())) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hours.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!s.minutes.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    if (!s.seconds.has(d.getUTCSeconds())) {
      d.setUTCSeconds(d.getUTCSeconds() + 1, 0);
      continue;
    }
    return d.getTime();
  }
  return undefined;
}

/** The first occurrence of `cron` strictly after `afterMs`, or undefined if it never occurs. */
export function nextOccurrence(cron: string, afterMs: number): number | undefined {
  return parseSchedule(cron).next(afterMs);
}

/** Resolves a `%APP_SETTING%` schedule from the environment, as the timer extension does. */
export function resolveScheduleSetting(schedule: string, env: NodeJS.ProcessEnv = process.env): string {
  const m = /^%([^%]+)%$/.exec(schedule.trim());
  if (!m) return schedule;
  const value = env[m[1]!];
  if (value === undefined || value.trim() === '') throw new ScheduleError(`the app setting ${m[1]} named by the schedule "${schedule}" is not set`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// The host

/** What the worker passes a timer function (the host's TimerInfo, camel-cased). */
export interface TimerInput {
  isPastDue: boolean;
  schedule: { adjustForDST: boolean };
  scheduleStatus: { last: string; next: string; lastUpdated: string };
}

export interface TimerHostOptions {
  registry: Registry;
  clock: Clock;
  /** Persist schedule status here (timers.json), as the timer extension's schedule monitor does. */
  dataDir?: string;
  /** Client data for `durableClient` inputs (`df.app.client.timer`). */
  durable?: { clientData(origin: string): unknown };
  /** The origin handed to `durable.clientData`; normally the HTTP host's URL. */
  origin?: string;
  logger?: HostLogger;
}

export interface TimerHost {
  /** Names of the timer functions being run. */
  readonly functions: string[];
  /** When the function fires next (epoch ms on the host clock), if scheduled. */
  nextRun(name: string): number | undefined;
  /**
   * Resolves once no timer invocation is executing. A failed invocation waiting for its retry
   * delay on the clock does not count, so virtual-time tests can advance to the retry.
   */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

interface StoredStatus {
  last: string;
  next: string;
  lastUpdated: string;
}

interface TimerState {
  fn: RegisteredFunction;
  schedule: Schedule;
  monitored: boolean;
  status: { last: number; next: number | undefined; lastUpdated: number };
  cancel?: () => void;
}

/** .NET's DateTime.MinValue, which the extension reports as `last` before the first run. */
const MIN_DATE = -62_135_596_800_000; // 0001-01-01T00:00:00Z

function iso(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toISOString();
}

/**
 * Validates every timer function's schedule (throwing, naming the function and the field, before
 * anything runs), then arms them.
 */
export function startTimerHost(options: TimerHostOptions): TimerHost {
  const { registry, clock, dataDir } = options;
  const log = (entry: LogEntry) => hostLog(entry, undefined, options.logger);
  const fns = registry.byTriggerType('timerTrigger');
  const states = new Map<string, TimerState>();
  for (const fn of fns) {
    const raw = fn.trigger['schedule'];
    if (typeof raw !== 'string' || raw.trim() === '') throw new Error(`Timer function "${fn.name}" has no schedule`);
    let schedule: Schedule;
    try {
      schedule = parseSchedule(resolveScheduleSetting(raw));
    } catch (err) {
      throw new Error(`Timer function "${fn.name}": invalid schedule "${raw}": ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const now = clock.now();
    const first = schedule.next(now);
    const second = first === undefined ? undefined : schedule.next(first);
    // The extension monitors schedules whose interval is a minute or more, unless told otherwise.
    const useMonitor = fn.trigger['useMonitor'];
    const monitored = typeof useMonitor === 'boolean' ? useMonitor : first !== undefined && second !== undefined && second - first >= 60_000;
    states.set(fn.name, { fn, schedule, monitored, status: { last: MIN_DATE, next: first, lastUpdated: now } });
  }

  const storePath = dataDir ? join(dataDir, 'timers.json') : undefined;
  const stored = readStore(storePath);
  let stopped = false;
  // Invocations executing now; a retry parked on the clock is not counted (see idle()).
  let busy = 0;
  const idleWaiters: (() => void)[] = [];
  const enter = () => {
    busy++;
  };
  const exit = () => {
    busy--;
    if (busy === 0) for (const w of idleWaiters.splice(0)) w();
  };

  function persist(): void {
    if (!storePath) return;
    const out: Record<string, StoredStatus> = { ...stored };
    for (const st of states.values()) {
      if (!st.monitored) continue;
      out[st.fn.name] = { last: iso(st.status.last), next: iso(st.status.next), lastUpdated: iso(st.status.lastUpdated) };
    }
    try {
      mkdirSync(dataDir!, { recursive: true });
      writeFileSync(`${storePath}.tmp`, JSON.stringify(out, null, 2));
      renameSync(`${storePath}.tmp`, storePath);
    } catch (err) {
      log({ level: 'warning', category: 'host', message: `could not save timer status to ${storePath}: ${String(err)}` });
    }
  }

  function arm(st: TimerState): void {
    st.cancel?.();
    st.cancel = undefined;
    if (stopped || st.status.next === undefined) return;
    const at = st.status.next;
    st.cancel = clock.at(at, () => {
      st.cancel = undefined;
      void fire(st, at, false);
    });
  }

  async function fire(st: TimerState, scheduled: number, startup: boolean, pastDueAtStartup = false): Promise<void> {
    if (stopped) return;
    enter(); // synchronously, so idle() right after the clock fires sees the invocation
    try {
      const now = clock.now();
      const following = st.schedule.next(scheduled);
      const isPastDue = pastDueAtStartup || (!startup && following !== undefined && now >= following);
      const input: TimerInput = {
        isPastDue,
        schedule: { adjustForDST: true },
        scheduleStatus: { last: iso(st.status.last), next: iso(st.status.next ?? scheduled), lastUpdated: iso(st.status.lastUpdated) },
      };
      const reason = startup
        ? `Timer fired at ${iso(now)} (runOnStartup)`
        : `Timer fired at ${iso(now)}${isPastDue ? ' (past due)' : ''}`;
      await invokeWithRetries(st.fn, input, reason);
      const done = clock.now();
      st.status = { last: isPastDue || startup ? now : scheduled, next: st.schedule.next(done), lastUpdated: done };
      if (st.monitored) persist();
      arm(st);
    } catch (err) {
      log({ level: 'error', category: 'host', message: `timer ${st.fn.name}: ${err instanceof Error ? err.message : String(err)}`, functionName: st.fn.name });
    } finally {
      exit();
    }
  }

  const stopWaiters = new Set<() => void>();

  /** Invokes, then retries per the function's retry policy (fixedDelay / exponentialBackoff). */
  async function invokeWithRetries(fn: RegisteredFunction, input: TimerInput, reason: string): Promise<void> {
    const retry = fn.retryOptions;
    const maxRetries = typeof retry?.maxRetryCount === 'number' ? retry.maxRetryCount : 0;
    let retryContext: RetryContext | undefined;
    for (let attempt = 0; ; attempt++) {
      const error = await invokeOnce(fn, input, reason, retryContext);
      if (error === undefined || stopped) return;
      if (!retry || (maxRetries >= 0 && attempt >= maxRetries)) return;
      const delay = retryDelay(retry, attempt);
      log({ level: 'information', category: 'host', message: `Retrying 'Functions.${fn.name}' in ${delay} ms (retry ${attempt + 1})`, functionName: fn.name });
      exit(); // parked on the clock until the retry is due
      await new Promise<void>((resolve) => {
        const wake = () => {
          stopWaiters.delete(wake);
          cancel();
          enter();
          resolve();
        };
        const cancel = clock.at(clock.now() + delay, wake);
        stopWaiters.add(wake);
      });
      if (stopped) return;
      retryContext = {
        retryCount: attempt + 1,
        maxRetryCount: maxRetries,
        exception: { message: error instanceof Error ? error.message : String(error), ...(error instanceof Error && error.stack ? { stackTrace: error.stack } : {}) },
      };
    }
  }

  /** One invocation; resolves to the error it threw, or undefined. */
  async function invokeOnce(fn: RegisteredFunction, input: TimerInput, reason: string, retryContext: RetryContext | undefined): Promise<unknown> {
    const context = createInvocationContext(fn, {
      invocationId: randomUUID(),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(retryContext ? { retryContext } : {}),
    });
    const started = Date.now();
    // Timers run every minute or so (faster still with a time scale): a run that succeeds is
    // routine and logged at debug (LOCAL_HOST_VERBOSE=1 shows it). What the function logs itself,
    // and a failure, stay at their own level.
    log({ level: 'debug', category: 'host', message: `Executing 'Functions.${fn.name}' (Reason='${reason}', Id=${context.invocationId})`, functionName: fn.name, invocationId: context.invocationId });
    try {
      const durable = options.durable;
      await bindDurableClients(fn, context, durable ? () => durable.clientData(options.origin ?? 'http://127.0.0.1:7071') : undefined);
      await invokeFunction(fn, [input], context);
      log({ level: 'debug', category: 'host', message: `Executed 'Functions.${fn.name}' (Succeeded, Id=${context.invocationId}, Duration=${Date.now() - started}ms)`, functionName: fn.name, invocationId: context.invocationId });
      return undefined;
    } catch (err) {
      log({
        level: 'error',
        category: 'host',
        message: `Executed 'Functions.${fn.name}' (Failed, Id=${context.invocationId}, Duration=${Date.now() - started}ms)\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
        functionName: fn.name,
        invocationId: context.invocationId,
      });
      return err ?? new Error('the function threw a falsy value');
    }
  }

  // Startup: a persisted status whose next occurrence has passed means a missed run (past due);
  // runOnStartup fires once too. Otherwise arm the schedule.
  for (const st of states.values()) {
    const saved = st.monitored ? stored[st.fn.name] : undefined;
    const now = clock.now();
    let pastDue = false;
    if (saved) {
      const savedNext = Date.parse(saved.next);
      const savedLast = Date.parse(saved.last);
      if (Number.isFinite(savedLast)) st.status.last = savedLast;
      if (Number.isFinite(Date.parse(saved.lastUpdated))) st.status.lastUpdated = Date.parse(saved.lastUpdated);
      if (Number.isFinite(savedNext)) {
        st.status.next = savedNext;
        pastDue = savedNext < now;
        if (!pastDue) st.status.next = st.schedule.next(now);
      }
    }
    if (pastDue || st.fn.trigger['runOnStartup'] === true) {
      void fire(st, now, !pastDue, pastDue);
    } else {
      st.status.next = st.schedule.next(now);
      arm(st);
    }
  }
  for (const st of states.values()) {
    if (st.status.next !== undefined) {
      log({ level: 'debug', category: 'host', message: `Timer function ${st.fn.name}: next occurrence ${iso(st.status.next)}`, functionName: st.fn.name });
    } else {
      log({ level: 'warning', category: 'host', message: `Timer function ${st.fn.name}: the schedule "${st.schedule.expression}" never fires`, functionName: st.fn.name });
    }
  }

  return {
    functions: [...states.keys()],
    nextRun(name) {
      const st = [...states.values()].find((s) => s.fn.name.toLowerCase() === name.toLowerCase());
      return st?.cancel ? st.status.next : undefined;
    },
    async idle() {
      while (busy > 0) await new Promise<void>((r) => idleWaiters.push(r));
    },
    async stop() {
      stopped = true;
      for (const st of states.values()) {
        st.cancel?.();
        st.cancel = undefined;
      }
      for (const w of [...stopWaiters]) w();
      while (busy > 0) await new Promise<void>((r) => idleWaiters.push(r));
    },
  };
}

function retryDelay(retry: NonNullable<RegisteredFunction['retryOptions']>, attempt: number): number {
  const ms = (d: { seconds?: number } | undefined) => (d?.seconds ?? 0) * 1000;
  const strategy = String(retry.strategy ?? retry.retryStrategy ?? '').toLowerCase();
  if (strategy.startsWith('exponential')) {
    const min = ms(retry.minimumInterval);
    const max = ms(retry.maximumInterval) || Number.MAX_SAFE_INTEGER;
    return Math.min(max, Math.max(min, min * 2 ** attempt));
  }
  return ms(retry.delayInterval);
}

function readStore(path: string | undefined): Record<string, StoredStatus> {
  if (!path || !existsSync(path)) return {};
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return json && typeof json === 'object' ? (json as Record<string, StoredStatus>) : {};
  } catch {
    return {};
  }
}
