/**
 * The local host as a child process, killed with SIGKILL at random moments of a durable
 * orchestration (fan-out, timer, external event, sequential tail) and started again on the same
 * data directory. Every time, the instance completes with the same output and every scheduled
 * step is completed in its history; no recorded step is lost, and unrecorded ones run again.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../local/durable/runtime.js';
import { killAll, runLocalMain } from '../support/local-main.js';

const KEY = 'crash-test-master-key';
const WIDTH = 20;
const EXPECTED = {
  sum: Array.from({ length: WIDTH }, (_, i) => i * i).reduce((a, b) => a + b, 0),
  tail: [10000, 10201, 10404],
  approved: true,
};

interface Host {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

const dirs: string[] = [];

afterEach(() => {
  killAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function startHost(dataDir: string, env: Record<string, string> = {}): Promise<Host> {
  const { child, exited, waitFor } = runLocalMain(
    ['--port', '0', '--data-dir', dataDir, '--app-dir', 'test/fixtures/durable-app', '--time-scale', '3600'],
    { LOCAL_MASTER_KEY: KEY, TASK_HUB_NAME: 'crashtest', CRASH_FLOW_LOG: join(dataDir, 'activity.log'), ...env },
  );
  const [, url] = await waitFor(/Listening on (http:\/\/\S+)/, 20_000);
  return { child, url: url!, exited };
}

async function kill(host: Host): Promise<void> {
  host.child.kill('SIGKILL');
  await host.exited;
}

const api = (host: Host, path: string) => `${host.url}/runtime/webhooks/durabletask/${path}${path.includes('?') ? '&' : '?'}code=${KEY}`;

async function status(host: Host, id: string): Promise<{ runtimeStatus: string; output: unknown }> {
  const res = await fetch(api(host, `instances/${id}`));
  return (await res.json()) as { runtimeStatus: string; output: unknown };
}

async function waitFor(host: Host, id: string, statuses: string[], timeoutMs = 30_000): Promise<{ runtimeStatus: string; output: unknown }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await status(host, id);
    if (statuses.includes(s.runtimeStatus)) return s;
    if (Date.now() > deadline) throw new Error(`instance ${id} still ${s.runtimeStatus} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'durable-crash-'));
  dirs.push(dir);
  return dir;
}

describe('local host killed with SIGKILL', () => {
  it('completes every instance with the same output across 20 random kills', { timeout: 240_000 }, async () => {
    // Seeded: the kill points are random but the same on every run.
    const rng = seededRandom(20261123);
    for (let trial = 0; trial < 20; trial++) {
      const dir = dataDir();
      const id = `trial-${trial}`;
      const first = await startHost(dir);
      const started = await fetch(api(first, `orchestrators/crash_flow/${id}`), { method: 'POST', body: String(WIDTH) });
      expect(started.status).toBe(202);
      // Kill somewhere in the fan-out, the 30-minute timer (0.5 s here) or the wait for Go.
      const killAfter = Math.floor(rng() * 900);
      const goBeforeKill = rng() < 0.5;
      if (goBeforeKill) {
        await new Promise((r) => setTimeout(r, Math.floor(killAfter / 2)));
        expect((await fetch(api(first, `instances/${id}/raiseEvent/Go`), { method: 'POST', body: 'true' })).status).toBe(202);
        await new Promise((r) => setTimeout(r, killAfter - Math.floor(killAfter / 2)));
      } else {
        await new Promise((r) => setTimeout(r, killAfter));
      }
      await kill(first);

      const second = await startHost(dir);
      if (!goBeforeKill) {
        expect((await fetch(api(second, `instances/${id}/raiseEvent/Go`), { method: 'POST', body: 'true' })).status).toBe(202);
      }
      const final = await waitFor(second, id, ['Completed', 'Failed', 'Terminated']);
      expect(final, `trial ${trial} (kill after ${killAfter} ms)`).toEqual(expect.objectContaining({ runtimeStatus: 'Completed', output: EXPECTED }));

      const { history } = (await (await fetch(api(second, `instances/${id}/history`))).json()) as {
        history: Array<{ EventType: number; EventId: number; TaskScheduledId?: number; TimerId?: number }>;
      };
      const scheduled = history.filter((e) => e.EventType === 4).map((e) => e.EventId);
      const completed = new Set(history.filter((e) => e.EventType === 5).map((e) => e.TaskScheduledId));
      expect(scheduled).toHaveLength(WIDTH + 3);
      expect(scheduled.every((s) => completed.has(s))).toBe(true);
      // At least once: every step ran, and only steps whose completion was not recorded ran twice.
      const runs = readFileSync(join(dir, 'activity.log'), 'utf8').trim().split('\n').map(Number);
      for (const n of [...Array.from({ length: WIDTH }, (_, i) => i), 100, 101, 102]) expect(runs).toContain(n);
      expect(runs.length).toBeLessThanOrEqual(2 * (WIDTH + 3));
      await kill(second);
    }
  });

  it('fails an instance whose orchestrator code changed between runs, as Azure does', { timeout: 60_000 }, async () => {
    const dir = dataDir();
    const first = await startHost(dir);
    await fetch(api(first, 'orchestrators/crash_flow/changed'), { method: 'POST', body: String(WIDTH) });
    // Let the fan-out be recorded, then kill while the 30-minute timer runs.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const { history } = (await (await fetch(api(first, 'instances/changed/history'))).json()) as { history: Array<{ EventType: number }> };
      if (history.some((e) => e.EventType === 10)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await kill(first);
    expect(existsSync(join(dir, 'durable', 'journal.jsonl'))).toBe(true);

    const second = await startHost(dir, { CRASH_FLOW_VARIANT: 'b' });
    const final = await waitFor(second, 'changed', ['Completed', 'Failed']);
    expect(final.runtimeStatus).toBe('Failed');
    expect(String(final.output)).toMatch(
      /^Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence number 0 named 'crash_square', but the current orchestration replay instead produced an activity task named 'crash_other'/,
    );
    await kill(second);
  });
});
