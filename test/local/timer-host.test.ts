import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../local/clock.js';
import { installFunctionsCore, setHostLogger, type LogEntry } from '../../local/functions-core.js';
import { FunctionRegistry, type Registry } from '../../local/registry.js';
import { nextOccurrence, parseSchedule, startTimerHost } from '../../local/timer-host.js';

const registry = installFunctionsCore();
const logs: LogEntry[] = [];
setHostLogger((e) => logs.push(e));
afterAll(() => setHostLogger(undefined));

const T0 = Date.UTC(2026, 0, 1); // a Thursday
const at = (iso: string) => Date.parse(iso);
const isoOf = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The named registrations only, so each test runs its own timers. */
function only(...names: string[]): Registry {
  const pick = () => registry.all().filter((f) => names.includes(f.name));
  return {
    all: pick,
    get: (n) => pick().find((f) => f.name.toLowerCase() === n.toLowerCase()),
    byTriggerType: (t) => pick().filter((f) => f.trigger.type.toLowerCase() === t.toLowerCase()),
  };
}

describe('nextOccurrence', () => {
  it.each([
    ['0 */5 * * * *', '2026-01-01T00:01:30.000Z', '2026-01-01T00:05:00.000Z'],
    ['0 */5 * * * *', '2026-01-01T00:05:00.000Z', '2026-01-01T00:10:00.000Z'],
    ['*/15 * * * * *', '2026-01-01T00:00:14.500Z', '2026-01-01T00:00:15.000Z'],
    ['5/20 * * * * *', '2026-01-01T00:00:45.000Z', '2026-01-01T00:01:05.000Z'],
    ['0 30 9 * * MON-FRI', '2026-01-02T10:00:00.000Z', '2026-01-05T09:30:00.000Z'],
    ['0 30 9 * * Sat,sun', '2026-01-01T00:00:00.000Z', '2026-01-03T09:30:00.000Z'],
    ['0 0 0 1 JAN,jul *', '2026-01-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
    ['0 0 12 29 FEB *', '2026-01-01T00:00:00.000Z', '2028-02-29T12:00:00.000Z'],
    ['0 0 0 13 * FRI', '2026-01-01T00:00:00.000Z', '2026-02-13T00:00:00.000Z'],
    ['0 15,45 8-10/2 * * *', '2026-01-01T08:45:00.000Z', '2026-01-01T10:15:00.000Z'],
    ['0 0 23 31 12 *', '2026-12-31T23:00:00.000Z', '2027-12-31T23:00:00.000Z'],
    ['00:10:00', '2026-01-01T00:00:00.000Z', '2026-01-01T00:10:00.000Z'],
  ])('%s after %s is %s', (cron, after, expected) => {
    expect(isoOf(nextOccurrence(cron, at(after)))).toBe(expected);
  });

  it('returns undefined for a schedule that never fires', () => {
    expect(nextOccurrence('0 0 0 31 2 *', T0)).toBeUndefined();
  });

  it('names the field of a bad schedule', () => {
    expect(() => parseSchedule('0 0 25 * * *')).toThrow(/hour field: 25 is out of range 0-23/);
    expect(() => parseSchedule('0 0 0 * * XYZ')).toThrow(/day-of-week field/);
    expect(() => parseSchedule('0 */0 * * * *')).toThrow(/minute field/);
    expect(() => parseSchedule('0 0 0 0 * *')).toThrow(/day field: 0 is out of range 1-31/);
    expect(() => parseSchedule('0 0 0 * 13 *')).toThrow(/month field/);
    expect(() => parseSchedule('*/5 * * * *')).toThrow(/5 fields.*six/);
  });
});

describe('timer host on a virtual clock', () => {
  const ticks: Timer[] = [];
  app.timer('tick', { schedule: '0 */5 * * * *', handler: (t: Timer) => void ticks.push(t) });

  it('fires on schedule, then once past due after a long gap', async () => {
    const clock = new VirtualClock(T0);
    const host = startTimerHost({ registry: only('tick'), clock });
    try {
      expect(isoOf(host.nextRun('tick'))).toBe('2026-01-01T00:05:00.000Z');
      expect(clock.advanceToNext()).toBe(true);
      await host.idle();
      expect(ticks).toHaveLength(1);
      expect(ticks[0]).toMatchObject({
        isPastDue: false,
        schedule: { adjustForDST: true },
        scheduleStatus: { last: '0001-01-01T00:00:00.000Z', next: '2026-01-01T00:05:00.000Z', lastUpdated: '2026-01-01T00:00:00.000Z' },
      });

      clock.advanceTo(at('2026-01-01T00:07:00Z'));
      await host.idle();
      expect(ticks).toHaveLength(1);
      clock.advanceTo(at('2026-01-01T00:10:00Z'));
      await host.idle();
      expect(ticks).toHaveLength(2);
      expect(ticks[1]).toMatchObject({ isPastDue: false, scheduleStatus: { last: '2026-01-01T00:05:00.000Z', next: '2026-01-01T00:10:00.000Z' } });

      // Jump an hour: the missed occurrences fire once, past due, then the schedule resumes.
      clock.advanceTo(at('2026-01-01T01:12:00Z'));
      await host.idle();
      expect(ticks).toHaveLength(3);
      expect(ticks[2]!.isPastDue).toBe(true);
      expect(isoOf(host.nextRun('tick'))).toBe('2026-01-01T01:15:00.000Z');
      clock.advanceToNext();
      await host.idle();
      expect(ticks).toHaveLength(4);
      expect(ticks[3]!.isPastDue).toBe(false);
    } finally {
      await host.stop();
    }
    const count = ticks.length;
    clock.advanceTo(at('2026-01-02T00:00:00Z'));
    expect(ticks).toHaveLength(count);
  });

  const boots: Timer[] = [];
  app.timer('boot', { schedule: '0 0 0 * * *', runOnStartup: true, handler: (t: Timer) => void boots.push(t) });

  it('runs a runOnStartup timer at start, not past due', async () => {
    const clock = new VirtualClock(at('2026-03-01T12:00:00Z'));
    const host = startTimerHost({ registry: only('boot'), clock });
    await host.idle();
    expect(boots).toHaveLength(1);
    expect(boots[0]!.isPastDue).toBe(false);
    expect(isoOf(host.nextRun('boot'))).toBe('2026-03-02T00:00:00.000Z');
    await host.stop();
  });

  let flakyCalls = 0;
  const retryCounts: (number | undefined)[] = [];
  app.timer('flaky', {
    schedule: '0 0 * * * *',
    retry: { strategy: 'fixedDelay', maxRetryCount: 2, delayInterval: { seconds: 30 } },
    handler: (_t: Timer, ctx: InvocationContext) => {
      flakyCalls++;
      retryCounts.push(ctx.retryContext?.retryCount);
      if (flakyCalls < 3) throw new Error(`flaky failure ${flakyCalls}`);
    },
  });

  it('retries a failing timer per its retry policy and logs the failures', async () => {
    const clock = new VirtualClock(T0);
    const host = startTimerHost({ registry: only('flaky'), clock });
    try {
      clock.advanceToNext(); // 01:00:00
      await host.idle();
      expect(flakyCalls).toBe(1);
      expect(clock.nextAt()).toBe(at('2026-01-01T01:00:30Z'));
      clock.advanceToNext();
      await host.idle();
      expect(flakyCalls).toBe(2);
      clock.advanceToNext();
      await host.idle();
      expect(flakyCalls).toBe(3);
      expect(retryCounts).toEqual([undefined, 1, 2]);
      expect(logs.filter((l) => l.level === 'error' && l.message.includes('flaky failure'))).toHaveLength(2);
      expect(isoOf(host.nextRun('flaky'))).toBe('2026-01-01T02:00:00.000Z');
    } finally {
      await host.stop();
    }
  });

  const persisted: Timer[] = [];
  app.timer('nightly', { schedule: '0 0 2 * * *', handler: (t: Timer) => void persisted.push(t) });

  it('with a data dir, fires a run missed while stopped at startup as past due', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'timer-host-'));
    try {
      const clock1 = new VirtualClock(T0);
      const host1 = startTimerHost({ registry: only('nightly'), clock: clock1, dataDir });
      clock1.advanceToNext();
      await host1.idle();
      await host1.stop();
      expect(persisted).toHaveLength(1);
      const saved = JSON.parse(readFileSync(join(dataDir, 'timers.json'), 'utf8')) as Record<string, { next: string }>;
      expect(saved['nightly']?.next).toBe('2026-01-02T02:00:00.000Z');

      // Restart three days later: the missed run fires immediately, past due.
      const host2 = startTimerHost({ registry: only('nightly'), clock: new VirtualClock(at('2026-01-04T12:00:00Z')), dataDir });
      await host2.idle();
      expect(persisted).toHaveLength(2);
      expect(persisted[1]!.isPastDue).toBe(true);
      expect(isoOf(host2.nextRun('nightly'))).toBe('2026-01-05T02:00:00.000Z');
      await host2.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  const clientSeen: unknown[] = [];
  df.app.client.timer('durableTimer', {
    schedule: '0 */1 * * * *',
    handler: (_t, client) => void clientSeen.push(client.taskHubName),
  });

  it('gives durable client timers their client data', async () => {
    const clock = new VirtualClock(T0);
    const origins: string[] = [];
    const durable = {
      clientData: (origin: string) => {
        origins.push(origin);
        return { taskHubName: 'hub', creationUrls: {}, managementUrls: {} };
      },
    };
    const host = startTimerHost({ registry: only('durableTimer'), clock, durable, origin: 'http://127.0.0.1:9999' });
    clock.advanceToNext();
    await host.idle();
    await host.stop();
    expect(clientSeen).toEqual(['hub']);
    expect(origins).toEqual(['http://127.0.0.1:9999']);
  });

  // Like the service health poll and the notification retry: every minute, quiet unless something happened.
  let polls = 0;
  app.timer('everyMinute', {
    schedule: '0 * * * * *',
    handler: (_t: Timer, ctx: InvocationContext) => {
      polls++;
      if (polls === 3) ctx.log('service health: 1 issue(s) read, 1 sent to the intake');
      if (polls === 4) throw new Error('Graph did not answer');
    },
  });

  it('keeps routine runs out of the console: over ten runs, one line for news and one for the failure, the rest at debug', async () => {
    const clock = new VirtualClock(T0);
    const host = startTimerHost({ registry: only('everyMinute'), clock });
    const from = logs.length;
    try {
      for (let i = 0; i < 10; i++) {
        clock.advanceToNext();
        await host.idle();
      }
    } finally {
      await host.stop();
    }
    expect(polls).toBe(10);
    const mine = logs.slice(from).filter((l) => l.functionName === 'everyMinute');
    // What the default console logger prints (information and above).
    const shown = mine.filter((l) => !['trace', 'debug'].includes(l.level));
    expect(shown.map((l) => `${l.level} ${l.message.split('\n')[0]!.replace(/Id=[^,)]+/, 'Id=…').replace(/Duration=\d+ms/, 'Duration=…')}`)).toEqual([
      'information service health: 1 issue(s) read, 1 sent to the intake',
      "error Executed 'Functions.everyMinute' (Failed, Id=…, Duration=…)",
    ]);
    // Each run is still there for LOCAL_HOST_VERBOSE=1: Executing and Executed at debug.
    expect(mine.filter((l) => l.level === 'debug' && l.message.startsWith("Executing 'Functions.everyMinute'"))).toHaveLength(10);
    expect(mine.filter((l) => l.level === 'debug' && l.message.startsWith("Executed 'Functions.everyMinute' (Succeeded"))).toHaveLength(9);
  });

  it('rejects a bad schedule before running anything, naming the function and the field', () => {
    const bad = new FunctionRegistry();
    bad.register({ name: 'badTimer', bindings: { t: { type: 'timerTrigger', direction: 'in', schedule: '0 0 25 * * *' } } }, () => undefined);
    expect(() => startTimerHost({ registry: bad, clock: new VirtualClock(T0) })).toThrow(/Timer function "badTimer".*hour field/);
    const unset = new FunctionRegistry();
    unset.register({ name: 'fromSetting', bindings: { t: { type: 'timerTrigger', direction: 'in', schedule: '%NO_SUCH_SCHEDULE_SETTING%' } } }, () => undefined);
    expect(() => startTimerHost({ registry: unset, clock: new VirtualClock(T0) })).toThrow(/"fromSetting".*NO_SUCH_SCHEDULE_SETTING/);
  });
});
