/**
 * `failover replay --local`: the target is the whole app on this machine, started as `npm run
 * demo` starts it (Azurite, the Azure simulator with an estate, the local host), with replays
 * on and its notifications pointed at the simulator's receivers. Its clock is virtual: a replay's
 * waits jump to the next timer, so a four-hour incident replays in seconds at any speed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { VirtualClock } from '../local/clock.js';
import { repoRoot } from '../local/registry.js';
import { startStack, type Stack } from '../local/stack.js';
import { parseAlert } from '../lib/alerts/index.js';
import { POLL_MS, type ReplayTarget } from '../lib/replay/run-replay.js';
import type { ReplaySignal } from '../lib/replay/types.js';

export interface LocalTarget extends ReplayTarget {
  stack: Stack;
  close(): Promise<void>;
}

/**
 * A replay's wait on a virtual clock: nothing happens between timers, so time jumps to the next
 * one (or to `ms` from now, when something is due sooner), after the work before it settled.
 */
export async function waitVirtually(clock: VirtualClock, idle: () => Promise<void>, ms: number): Promise<void> {
  await idle();
  const next = clock.nextAt();
  const until = Math.min(next ?? clock.now() + Math.min(ms, POLL_MS), clock.now() + Math.max(0, ms));
  if (next !== undefined && next <= until) clock.advanceToNext();
  else clock.advanceTo(until);
  await idle();
}

/**
 * The simulator says what Azure said then: a Service Health incident's Active update takes its
 * regions down for its services (their resources answer 503 and read Unavailable), its
 * resolution brings them back. Resource Health alerts of single resources are not reproduced.
 */
async function reproduceOutage(stack: Stack, down: Set<string>, replayed: ReplaySignal): Promise<string | null> {
  if (replayed.intake === 'failovers') return null;
  const parsed = parseAlert(replayed.payload as never, { receivedAt: new Date(replayed.at) });
  if (!parsed.ok || parsed.value.kind !== 'serviceHealth' || parsed.value.isSynthetic || parsed.value.incidentType !== 'Incident') return null;
  const signal = parsed.value;
  const regions = [...new Set(signal.services.flatMap((s) => s.regions))];
  const services = [...new Set(signal.services.map((s) => s.name))];
  const changed: string[] = [];
  for (const region of regions) {
    if (signal.lifecycle === 'resolved' && down.delete(region)) {
      stack.sim.restore(region);
      changed.push(`${region} back`);
    } else if (signal.lifecycle !== 'resolved' && !down.has(region)) {
      down.add(region);
      stack.sim.takeDown(region, 'unavailable', services);
      changed.push(`${region} down for ${services.join(', ')}`);
    }
  }
  return changed.length === 0 ? null : `the simulator now says what Azure said at ${replayed.at}: ${changed.join('; ')}`;
}

export async function startLocalTarget(options: { catalogPath?: string; estatePath?: string; start: number }): Promise<LocalTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'failover-replay-'));
  const catalogPath = join(dataDir, 'catalog.yaml');
  const catalogText = readFileSync(resolve(options.catalogPath ?? join(repoRoot(), 'samples/catalog.yaml')), 'utf8');
  writeFileSync(catalogPath, catalogText);
  const clock = new VirtualClock(options.start);
  const stack = await startStack({
    dataDir,
    clock,
    simTimeScale: 600,
    catalogPath,
    ...(options.estatePath !== undefined ? { estatePath: resolve(options.estatePath) } : {}),
    // Quiet: a replay's report says what happened; the host's errors still reach stderr.
    logger: (entry) => {
      if (entry.level === 'error' || entry.level === 'critical') process.stderr.write(`host ${entry.level}: ${entry.message}\n`);
    },
    env: { REPLAY_ENABLED: 'on', TASK_HUB_NAME: 'failoverreplay', AZURE_LRO_POLL_MS: '20', AZURE_RETRY_DELAY_MS: '20' },
  });
  // Notifications go to the simulator's receivers, never to a real channel.
  const hooks = `${stack.sim.baseUrl}/_sim/hooks/`;
  writeFileSync(catalogPath, catalogText.replace(/https:\/\/[^\s"']+/g, (url) => (url.startsWith(stack.sim.baseUrl) ? url : `${hooks}${encodeURIComponent(new URL(url).host)}`)));
  const key = stack.host.keys.groups['oncall']!;
  const idle = () => stack.runtime.idle();
  const down = new Set<string>();
  return {
    stack,
    label: 'the local stack',
    call: async (method, path, body) => {
      await idle();
      const res = await fetch(`${stack.host.url}${path}`, {
        method,
        headers: { 'x-functions-key': key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
    },
    wait: (ms) => waitVirtually(clock, idle, ms),
    now: () => new Date(clock.now()),
    reproduce: (signal) => reproduceOutage(stack, down, signal),
    close: async () => {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
