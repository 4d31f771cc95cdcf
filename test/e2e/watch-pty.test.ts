/**
 * `failover incidents watch` as on-call runs it under `npm start`: the local stack as its own
 * process (its clock at 10x so the Data Share snapshot takes seconds), a failover of two
 * workloads requested by `failover trigger --watch`, the real CLI in a pseudo-terminal whose output is played
 * into a headless xterm. The screen shows one line per workload with a progress bar and the step
 * running, redrawn in place. Failed over, `failover incidents watch <id>` opens in a second
 * pseudo-terminal before the failback is asked for, and shows the failback's playbooks live the
 * same way; once the failback ends the incident, each workload's line is on both screens once,
 * done equal to total. The same watch to a pipe with --json prints NDJSON whose step events
 * follow each workload's steps in order.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pty from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import type { WatchEvent } from '../../cli/watch.js';
import type { IncidentView } from '../../lib/operators/incidents.js';
import { repoRoot } from '../support/fixtures.js';
import { killAll, runLocalMain, type LocalMain } from '../support/local-main.js';

const KEY = 'watch-oncall-key';
const WORKLOADS = ['media-streaming', 'datashare-sales'];
/** The real CLI from source, as `npx failover` runs it once built. */
const CLI = ['--import', 'tsx', '--input-type=module', '-e', "const { runCli } = await import('./cli/main.ts'); process.exitCode = await runCli(process.argv.slice(1));"];

let dir: string;
let stack: LocalMain;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'failover-watch-'));
  stack = runLocalMain(['--port', '0', '--data-dir', join(dir, 'data'), '--time-scale', '10'], { LOCAL_ONCALL_KEY: KEY, AZURE_LRO_POLL_MS: '200' });
  [, url] = (await stack.waitFor(/Listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000)) as unknown as [string, string];
}, 90_000);
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'x-functions-key': KEY, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}

async function until(id: string, what: string, test: (v: IncidentView) => boolean, ms = 40_000): Promise<IncidentView> {
  const end = Date.now() + ms;
  for (;;) {
    const v = (await api('GET', `/api/incidents/${id}`)).body as IncidentView;
    if (test(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ phase: v.phase, outcome: v.outcome, timeline: v.timeline.slice(-3) })}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The rows of the terminal's whole buffer (scrollback and screen), trailing blanks dropped. */
function rows(term: InstanceType<typeof xterm.Terminal>): string[] {
  const lines: string[] = [];
  for (let i = 0; i < term.buffer.active.length; i++) lines.push(term.buffer.active.getLine(i)!.translateToString(true));
  while (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The real CLI in a pseudo-terminal, its output played into a headless xterm. */
function terminal(args: string[]) {
  const term = new xterm.Terminal({ cols: 160, rows: 40, allowProposedApi: true });
  const child = pty.spawn(process.execPath, [...CLI, ...args, '--interval', '250', '--app', url, '--key', KEY], {
    name: 'xterm-256color',
    cols: 160,
    rows: 40,
    cwd: repoRoot,
    env: process.env as Record<string, string>,
  });
  const shown = { raw: '' };
  child.onData((d) => {
    shown.raw += d;
    term.write(d);
  });
  const exited = new Promise<number>((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));
  return { term, shown, exited };
}

/** Samples the screen while `until` runs: per workload, the steps its one line showed running in `direction`. */
async function stepsSeenRunning(term: InstanceType<typeof xterm.Terminal>, direction: string, until: Promise<unknown>): Promise<Map<string, Set<string>>> {
  const seen = new Map<string, Set<string>>(WORKLOADS.map((w) => [w, new Set<string>()]));
  const sample = setInterval(() => {
    const screen = rows(term);
    for (const w of WORKLOADS) {
      const lines = screen.filter((l) => LINE(w, direction).test(l));
      if (lines.length !== 1) continue;
      const [, , done, total, doing] = lines[0]!.match(LINE(w, direction))!;
      if (Number(done) < Number(total) && !/^(not started yet|done|between steps)/.test(doing!)) seen.get(w)!.add(doing!.split('  ')[0]!);
    }
  }, 50);
  try {
    await until;
  } finally {
    clearInterval(sample);
  }
  return seen;
}

/** The final screen of a watch that followed the incident to its end: each direction's line once, done == total. */
async function expectFinalScreen(term: InstanceType<typeof xterm.Terminal>, raw: string, directions: string[]): Promise<void> {
  await new Promise<void>((resolve) => term.write('', resolve));
  const screen = rows(term);
  // Redrawn in place: the cursor went back up over the block, again and again (ESC [ n A, then CR).
  expect(raw.match(/\[\d+A\r/g)?.length ?? 0).toBeGreaterThan(5);
  for (const w of WORKLOADS) {
    for (const direction of directions) {
      const lines = screen.filter((l) => LINE(w, direction).test(l));
      expect(lines, `${w} ${direction} on the final screen\n${screen.join('\n')}`).toHaveLength(1);
      const [, bar, done, total, doing] = lines[0]!.match(LINE(w, direction))!;
      expect([bar, done, doing!.split('  ')[0]]).toEqual(['#'.repeat(14), total, 'done']);
    }
  }
}

const LINE = (workload: string, direction: string) => new RegExp(`^  ${workload} +${direction}  \\[([#-]{14})\\] (\\d+)/(\\d+)  (.*)$`);

describe('failover incidents watch under npm start', () => {
  let id: string;
  let json: Promise<{ code: number | null; out: string }>;

  it('shows each workload live in a pseudo-terminal, redrawn in place, until the incident ends: trigger --watch, then incidents watch for the failback', async () => {
    // `trigger --watch` in the terminal: the watch is up before the first step runs.
    const first = terminal(['trigger', '--workloads', WORKLOADS.join(','), '--reason', 'watch rehearsal', '--by', 'ada', '--watch']);
    for (let started = Date.now(); !/incident (\S+) started \(execute\)/.test(first.shown.raw); ) {
      if (Date.now() - started > 30_000) throw new Error(`the trigger did not start an incident:\n${first.shown.raw}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    id = first.shown.raw.match(/incident (\S+) started \(execute\)/)![1]!;

    // The same incident watched to a pipe, with --json: it starts later, and still reports every step.
    const piped = spawn(process.execPath, [...CLI, 'incidents', 'watch', id, '--json', '--interval', '250', '--app', url, '--key', KEY], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let pipedOut = '';
    piped.stdout.on('data', (d: Buffer) => (pipedOut += d.toString()));
    json = new Promise((resolve) => piped.on('exit', (code) => resolve({ code, out: pipedOut })));

    // While the failover runs: each workload on one line with a bar and the step running.
    const failingOver = await stepsSeenRunning(first.term, 'failover', until(id, 'the failover', (v) => v.phase === 'failed-over', 45_000));
    for (const w of WORKLOADS) expect([...failingOver.get(w)!].length, `failover steps seen running for ${w}`).toBeGreaterThan(0);

    // Failed over: the piped watch has printed, and `incidents watch` in a second terminal has drawn its block, before the failback starts.
    for (let started = Date.now(); pipedOut === ''; ) {
      if (Date.now() - started > 45_000) throw new Error('the piped watch printed nothing');
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = terminal(['incidents', 'watch', id]);
    for (let started = Date.now(); !new RegExp(`${id}  failed-over`).test(rows(second.term).join('\n')); ) {
      if (Date.now() - started > 45_000) throw new Error(`incidents watch drew no block:\n${second.shown.raw}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    // End the incident: a forced failback by a verified approver, watched live in the second terminal.
    const out: string[] = [];
    expect(await runCli(['sim', 'login', 'ada@contoso.example', '--data-dir', join(dir, 'data')], { out: (t) => out.push(t), err: () => undefined, read: (p) => import('node:fs/promises').then((fs) => fs.readFile(p)), now: () => new Date() })).toBe(0);
    const failback = await api('POST', `/api/incidents/${id}/failback`, { force: true, reason: 'rehearsal over' }, out[0]!.trim());
    expect(failback.status, JSON.stringify(failback.body)).toBe(202);
    const failingBack = await stepsSeenRunning(second.term, 'failback', second.exited);
    // Media Services' failback starts streaming endpoints (minutes of Azure time); Data Share's may end between two polls.
    expect([...failingBack.get('media-streaming')!].length, 'media-streaming failback steps seen running in incidents watch').toBeGreaterThan(0);

    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
    await expectFinalScreen(first.term, first.shown.raw, ['failover', 'failback']);
    await expectFinalScreen(second.term, second.shown.raw, ['failover', 'failback']);
    const screen = rows(first.term);
    expect(screen.at(-1)).toBe(`incident ${id} completed: failed-over-and-back`);
    expect(screen.at(-1 - 1 - 2 * WORKLOADS.length)).toBe(`${id}  failed-over-and-back  watch rehearsal`);
    expect(rows(second.term).at(-1)).toBe(`incident ${id} completed: failed-over-and-back`);
    first.term.dispose();
    second.term.dispose();
  }, 180_000);

  it('prints NDJSON to a pipe: every step of each workload, in order, then the end', async () => {
    const { code, out } = await json;
    expect(code).toBe(0);
    const events = out.trim().split('\n').map((l) => JSON.parse(l) as WatchEvent);
    expect(events.at(-1)).toEqual({ type: 'end', incidentId: id, runtimeStatus: 'Completed', outcome: 'failed-over-and-back', exitCode: 0 });
    const view = (await api('GET', `/api/incidents/${id}`)).body as IncidentView;
    for (const w of WORKLOADS) {
      for (const direction of ['failover', 'failback'] as const) {
        const finished = events.filter((e): e is Extract<WatchEvent, { type: 'step' }> => e.type === 'step' && e.workloadId === w && e.direction === direction && e.status !== 'running');
        const recorded = view.progress.find((p) => p.workloadId === w && p.direction === direction)!;
        expect(finished.map((e) => e.step)).toEqual(recorded.steps.map((s) => s.step));
        expect(finished.map((e) => e.done)).toEqual(recorded.steps.map((_, i) => i + 1));
        expect(finished.at(-1)!.total).toBe(recorded.total);
      }
      // Each step seen running was announced before it finished.
      const forW = events.filter((e): e is Extract<WatchEvent, { type: 'step' }> => e.type === 'step' && e.workloadId === w);
      for (const [i, e] of forW.entries()) if (e.status === 'running') expect(forW.slice(i + 1).some((f) => f.step === e.step && f.direction === e.direction && f.status !== 'running')).toBe(true);
    }
    // The piped watch was up before the failback began: Media Services' failback steps (minutes of Azure time) were seen running.
    expect(events.some((e) => e.type === 'step' && e.workloadId === 'media-streaming' && e.direction === 'failback' && e.status === 'running')).toBe(true);
  });
});
