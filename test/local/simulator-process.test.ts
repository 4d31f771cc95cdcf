/**
 * Under `npm start` the Azure simulator runs in a process of its own: killing the host with
 * SIGKILL leaves "Azure" running with its outages and its write log; the next start on the same
 * data directory takes that simulator over (one simulator, never two); a start that asks for
 * another time scale replaces it; and a clean stop of the host stops it. Its clock tells the host's
 * time, started now or taken over, however long it took to start.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { CLOCK_FILE } from '../../local/clock.js';
import type { SimulatorRecord } from '../../local/simulator-host.js';
import { isAlive, isSimulatorOf, readSimulatorRecord } from '../../local/simulator-process.js';
import { killAll, runLocalMain } from '../support/local-main.js';

const tmp = mkdtempSync(join(tmpdir(), 'local-sim-process-'));
const dataDir = join(tmp, 'data');

/** Simulator processes started for this test's data directories (their command line names them). */
function simulatorsOfThisTest(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => isSimulatorOf(pid, tmp) && isAlive(pid));
}

afterAll(() => {
  killAll();
  for (const pid of simulatorsOfThisTest()) process.kill(pid, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** local/main.ts as `npm start` runs it; resolves once it listens. */
async function startHost(...args: string[]) {
  return startHostIn(dataDir, ...args);
}

async function startHostIn(dir: string, ...args: string[]) {
  const host = runLocalMain(['--port', '0', '--data-dir', dir, ...args]);
  await host.waitFor(/Listening on http/, 60_000);
  return { child: host.child, exited: host.exited, stdout: () => host.output().stdout };
}

/** A request to the simulator over HTTPS, trusting its own certificate. */
function sim(record: SimulatorRecord, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${record.url}${path}`, { method, ca: readFileSync(record.ca, 'utf8'), headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? null : (JSON.parse(text) as unknown) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The simulator's time (its stamp on a webhook it receives) is the host's (from the origin the host
 * keeps in clock.json) while the request is under way, give or take two real milliseconds: each
 * clock's origin pairs two readings of Date.now(), which ticks in whole milliseconds.
 */
async function expectHostTime(dir: string, scale: number): Promise<void> {
  const origin = JSON.parse(readFileSync(join(dir, CLOCK_FILE), 'utf8')) as { hostStart: string; realStart: string };
  const hostAt = (real: number) => Date.parse(origin.hostStart) + (real - Date.parse(origin.realStart)) * scale;
  const record = readSimulatorRecord(dir)!;
  const before = Date.now();
  expect((await sim(record, 'POST', '/_sim/hooks/clock')).status).toBe(200);
  const after = Date.now();
  const stamped = Date.parse(((await sim(record, 'GET', '/_sim/hooks?channel=clock')).body as Array<{ at: string }>).at(-1)!.at);
  expect(stamped).toBeGreaterThanOrEqual(hostAt(before) - 2 * scale);
  expect(stamped).toBeLessThanOrEqual(hostAt(after) + 2 * scale);
}

const ENDPOINT = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu/streamingEndpoints/default';

describe('the simulator under npm start', () => {
  it('outlives a killed host with its state and write log, is taken over by the next start, and stops with a clean stop', async () => {
    const first = await startHost('--time-scale', '60');
    const started = readSimulatorRecord(dataDir)!;
    expect(first.stdout()).toContain(`process:      ${started.pid}, started;`);
    expect(started.pid).not.toBe(first.child.pid);

    // A write through ARM (in the write log) and an outage (in the simulator's state).
    const stop = await sim(started, 'POST', `${ENDPOINT}/stop?api-version=2022-08-01`, { authorization: 'Bearer test' });
    expect(stop.status).toBeLessThan(300);
    expect((await sim(started, 'POST', '/_sim/regions/westeurope/outage')).status).toBe(201);

    first.child.kill('SIGKILL');
    await first.exited;
    expect(isAlive(started.pid)).toBe(true);

    const second = await startHost('--time-scale', '60');
    try {
      expect(readSimulatorRecord(dataDir)).toEqual(started);
      expect(second.stdout()).toContain(`process:      ${started.pid}, still running from the last start, its state kept`);
      expect((await sim(started, 'GET', '/_sim/regions')).body).toEqual({ down: [{ region: 'westeurope', mode: 'unavailable' }] });
      const writes = (await sim(started, 'GET', '/_sim/operations')).body as Array<{ method: string; path: string; status: number }>;
      expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([`POST ${ENDPOINT}/stop`]);
      expect(simulatorsOfThisTest()).toEqual([started.pid]);
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }

    // Another time scale: that simulator does not suit, so it is replaced, never joined by a second.
    const third = await startHost('--time-scale', '120');
    const replaced = readSimulatorRecord(dataDir)!;
    expect(replaced.pid).not.toBe(started.pid);
    expect(replaced.timeScale).toBe(120);
    expect(third.stdout()).toContain('started (the one left running was replaced: it runs at time scale 60, not 120)');
    expect(isAlive(started.pid)).toBe(false);
    expect(simulatorsOfThisTest()).toEqual([replaced.pid]);

    third.child.kill('SIGINT');
    expect(await third.exited).toBe(0);
    expect(isAlive(replaced.pid)).toBe(false);
    expect(simulatorsOfThisTest()).toEqual([]);
    expect(existsSync(join(dataDir, 'simulator.json'))).toBe(false);
  }, 180_000);

  it('tells the host\'s time at a large time scale, started by the host or taken over from an earlier start', async () => {
    const dir = join(tmp, 'clock');
    const first = await startHostIn(dir, '--time-scale', '3600');
    try {
      await expectHostTime(dir, 3600);
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    const second = await startHostIn(dir, '--time-scale', '3600');
    try {
      expect(second.stdout()).toContain('still running from the last start, its state kept');
      await expectHostTime(dir, 3600);
    } finally {
      second.child.kill('SIGINT');
      await second.exited;
    }
  }, 120_000);

  it('stops, left behind by a killed host, once its data directory is removed', async () => {
    const elsewhere = join(tmp, 'removed');
    const host = await startHostIn(elsewhere);
    const { pid } = readSimulatorRecord(elsewhere)!;
    host.child.kill('SIGKILL');
    await host.exited;
    expect(isAlive(pid)).toBe(true);
    rmSync(elsewhere, { recursive: true, force: true });
    for (const end = Date.now() + 10_000; isAlive(pid) && Date.now() < end; await sleep(100));
    expect(isAlive(pid)).toBe(false);
  }, 60_000);
});
