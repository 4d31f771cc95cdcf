/**
 * The committed orchestration histories (test/durable/histories/*.json): real incident and
 * playbook runs, recorded by `npm run histories:record` (record-histories.ts) and replayed
 * against today's orchestrators by histories.test.ts. A history is kept as the runtime recorded
 * it, less what a replay never reads: `IsPlayed` (a replay sets it), `EventId` when it is -1
 * (put back on reading), and the input of each scheduled activity and sub-orchestration (the
 * code's own input, recomputed on replay; durable-functions matches a scheduled task by its name
 * and sequence number, not its input). What the activities answered, the events raised and the
 * inputs the orchestrations started with are all kept: a replay feeds them back to the code.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventType, type HistoryEvent } from '../../local/durable/history.js';
import type { RecordedInstance } from '../../local/durable/index.js';
import { repoRoot } from '../support/fixtures.js';

export const HISTORIES_DIR = join(repoRoot, 'test/durable/histories');

export interface HistoryFile {
  /** What happened in the run, in a sentence. */
  scenario: string;
  /** The incident orchestrator version the incident ran under (its input's `version`). */
  orchestratorVersion: number;
  /** How it was recorded, and how to record it again. */
  recorded: string;
  /** The incident first, then its playbooks in the order they started. */
  instances: RecordedInstance[];
}

type StoredEvent = Partial<HistoryEvent> & { EventType: EventType };

/** The event as the file keeps it. */
export function stored(e: HistoryEvent): StoredEvent {
  const { IsPlayed: _played, ...rest } = e;
  const out: StoredEvent = { ...rest };
  if (out.EventId === -1) delete out.EventId;
  if (e.EventType === EventType.TaskScheduled || e.EventType === EventType.SubOrchestrationInstanceCreated) delete out.Input;
  return out;
}

function expand(e: StoredEvent): HistoryEvent {
  return { EventId: -1, ...e, IsPlayed: false } as HistoryEvent;
}

/** One event a line, so a re-recording's diff shows what changed. */
export function serializeHistoryFile(file: HistoryFile): string {
  const instances = file.instances.map((i) => {
    const head = JSON.stringify({ name: i.name, instanceId: i.instanceId, status: i.status }).slice(0, -1);
    const events = i.history.map((e) => `      ${JSON.stringify(stored(e))}`).join(',\n');
    return `    ${head},\n     "history": [\n${events}\n     ]}`;
  });
  const header = JSON.stringify({ scenario: file.scenario, orchestratorVersion: file.orchestratorVersion, recorded: file.recorded }, null, 2).slice(0, -2);
  return `${header},\n  "instances": [\n${instances.join(',\n')}\n  ]\n}\n`;
}

export function writeHistoryFile(name: string, file: HistoryFile): string {
  const path = join(HISTORIES_DIR, `${name}.json`);
  writeFileSync(path, serializeHistoryFile(file));
  return path;
}

export function readHistoryFile(path: string): HistoryFile {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Omit<HistoryFile, 'instances'> & { instances: Array<Omit<RecordedInstance, 'history'> & { history: StoredEvent[] }> };
  return { ...raw, instances: raw.instances.map((i) => ({ ...i, history: i.history.map(expand) })) };
}

/** Every committed history: file name (without .json) → its content. */
export function committedHistories(): Array<[string, HistoryFile]> {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f.slice(0, -'.json'.length), readHistoryFile(join(HISTORIES_DIR, f))]);
}
