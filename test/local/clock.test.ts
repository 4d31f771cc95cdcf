/**
 * Host time across restarts: a host with a time scale, stopped and started again on the same
 * data directory, carries on from where its clock would be (it never goes back), so the durable
 * times the first run recorded stay in the past of the second.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { afterAll, describe, expect, it } from 'vitest';
import { CLOCK_FILE, resumeScaledClock, ScaledClock } from '../../local/clock.js';
import { durableRuntimeFactory } from '../../local/durable/index.js';
import { installFunctionsCore, setHostLogger } from '../../local/functions-core.js';
import { startLocalHost, type LocalHost } from '../../local/host.js';

installFunctionsCore();
setHostLogger(() => undefined);
const tmp = mkdtempSync(join(tmpdir(), 'local-clock-'));
afterAll(() => {
  setHostLogger(undefined);
  rmSync(tmp, { recursive: true, force: true });
});

// An orchestration that records host time: its start, then a durable timer one host minute later.
df.app.orchestration('clockProbe', function* (context: OrchestrationContext) {
  const started = context.df.currentUtcDateTime.getTime();
  yield context.df.createTimer(new Date(started + 60_000));
  return { started, finished: context.df.currentUtcDateTime.getTime() };
});

const SCALE = 600;

function start(dataDir: string, timeScale: number): Promise<LocalHost> {
  return startLocalHost({ app: false, port: 0, dataDir, timeScale, loadSettings: false, durable: durableRuntimeFactory() });
}

interface Status {
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  output: { started: number; finished: number } | null;
}

async function runProbe(host: LocalHost, id: string): Promise<Status> {
  const base = `${host.url}/runtime/webhooks/durabletask`;
  const code = `code=${encodeURIComponent(host.keys.masterKey)}`;
  const started = await fetch(`${base}/orchestrators/clockProbe/${id}?${code}`, { method: 'POST' });
  expect(started.status).toBe(202);
  for (let i = 0; i < 200; i++) {
    const status = (await (await fetch(`${base}/instances/${id}?${code}`)).json()) as Status;
    if (status.runtimeStatus === 'Completed') return status;
    await sleep(25);
  }
  throw new Error(`${id} did not complete`);
}

describe('host time across restarts', () => {
  it('carries on from the last run: what the first run recorded is never in the future of the second', async () => {
    const dataDir = join(tmp, 'scaled');
    const first = await start(dataDir, SCALE);
    let recorded: Status;
    try {
      recorded = await runProbe(first, 'before-restart');
    } finally {
      await first.close();
    }
    const lastRecorded = Date.parse(recorded.lastUpdatedTime);
    expect(lastRecorded).toBeGreaterThan(Date.now() + 30_000); // a scaled clock runs ahead of real time

    await sleep(100); // stopped for a while: 100 ms real, a minute of host time
    const second = await start(dataDir, SCALE);
    try {
      expect(second.clock.now()).toBeGreaterThanOrEqual(lastRecorded + 100 * SCALE * 0.9);
      const after = await runProbe(second, 'after-restart');
      expect(Date.parse(after.createdTime)).toBeGreaterThan(lastRecorded);
      // A duration measured across the restart is positive and at least what the host was away.
      expect(after.output!.started - recorded.output!.finished).toBeGreaterThan(60_000);
      // Newest first is the order they were started in.
      const list = (await (await fetch(`${second.url}/runtime/webhooks/durabletask/instances?code=${encodeURIComponent(second.keys.masterKey)}`)).json()) as Array<{ instanceId: string; createdTime: string }>;
      expect(list.sort((a, b) => Date.parse(b.createdTime) - Date.parse(a.createdTime)).map((i) => i.instanceId)).toEqual(['after-restart', 'before-restart']);
    } finally {
      await second.close();
    }
  }, 30_000);

  it('does not go back when restarted at another time scale, or at none', async () => {
    const dataDir = join(tmp, 'rescaled');
    const fast = resumeScaledClock(dataDir, 3600);
    await sleep(50);
    const reached = fast.now();
    const real = resumeScaledClock(dataDir, 1);
    expect(real.now()).toBeGreaterThanOrEqual(reached);
    expect(real.scale).toBe(1);
    expect(JSON.parse(readFileSync(join(dataDir, CLOCK_FILE), 'utf8'))).toMatchObject({ timeScale: 1 });
    // And a later start at the real pace keeps that lead rather than dropping back to the real time.
    expect(resumeScaledClock(dataDir, 1).now()).toBeGreaterThanOrEqual(reached);
  });

  it('starts at the real time in a new data directory, or when the saved clock is unreadable', () => {
    const before = Date.now();
    expect(resumeScaledClock(join(tmp, 'new'), SCALE).hostStart).toBeGreaterThanOrEqual(before);
    const broken = join(tmp, 'broken');
    resumeScaledClock(broken, SCALE);
    writeFileSync(join(broken, CLOCK_FILE), '{not json');
    const again = resumeScaledClock(broken, SCALE);
    expect(again.hostStart - Date.now()).toBeLessThan(1000);
  });
});

describe('ScaledClock.at', () => {
  it('never fires before its time, even at a large time scale', async () => {
    const clock = new ScaledClock(3600);
    const early: string[] = [];
    // Targets a fraction of a real millisecond apart: wherever in a millisecond a timer wakes, none may run before its time.
    const fired = Array.from({ length: 200 }, (_, i) => {
      const at = clock.now() + (i + 1) * 0.37 * 3600;
      return new Promise<void>((resolve) =>
        clock.at(at, () => {
          const now = clock.now();
          if (now < at) early.push(`${i}: ${at - now} ms early`);
          resolve();
        }),
      );
    });
    await Promise.all(fired);
    expect(early).toEqual([]);
  });
});
