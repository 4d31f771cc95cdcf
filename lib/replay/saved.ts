/**
 * Saved incidents: a replay's source kept as a folder (`incident.json`) with the decisions it
 * must lead to, so the test suite replays it on every run against the local stack and a change
 * that would decide otherwise fails there first. `failover replay --save DIR` writes one; the
 * expected decisions are the original incident's when the source had it, else today's.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReplaySource } from './run-replay.js';
import type { IncidentRun, ReplayReport } from './types.js';

export const SAVED_FILE = 'incident.json';

export interface SavedIncident {
  /** What this incident is and why it is kept (free text; --save writes the source's label). */
  label: string;
  savedAt: string;
  signals: ReplaySource['signals'];
  health: ReplaySource['health'];
  thenOfSignal: ReplaySource['thenOfSignal'];
  /** The decisions a replay must reach: incidents matched by key, as the report compares them. */
  expected: IncidentRun[];
  /** The original incidents as their app showed them, when the source had them: a replay answers their approvals as people did. */
  then: ReplaySource['then'];
}

export async function saveIncident(dir: string, source: ReplaySource, report: ReplayReport): Promise<string> {
  const saved: SavedIncident = {
    label: source.label,
    savedAt: report.finishedAt,
    signals: source.signals,
    health: source.health,
    thenOfSignal: source.thenOfSignal,
    expected: report.then ?? report.now,
    then: source.then,
  };
  await mkdir(dir, { recursive: true });
  const path = join(dir, SAVED_FILE);
  await writeFile(path, `${JSON.stringify(saved, null, 2)}\n`);
  return path;
}

export async function readSavedIncident(dir: string): Promise<ReplaySource> {
  const path = join(dir, SAVED_FILE);
  let saved: SavedIncident;
  try {
    saved = JSON.parse(await readFile(path, 'utf8')) as SavedIncident;
  } catch (err) {
    throw new Error(`${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? `no saved incident here (failover replay --save ${dir} writes one)` : (err as Error).message}`);
  }
  for (const field of ['signals', 'health', 'thenOfSignal', 'expected'] as const) {
    if (!Array.isArray(saved[field])) throw new Error(`${path}: ${field} must be a list; the file is not a saved incident`);
  }
  return { label: saved.label, signals: saved.signals, health: saved.health, thenOfSignal: saved.thenOfSignal, then: saved.then ?? null, expected: saved.expected };
}
