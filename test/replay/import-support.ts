/**
 * Shared by the importer tests: their simulator, what "the parser reads the same signal" compares,
 * the parser as a function that throws, and where this folder's fixtures are.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { parseAlert, type Signal } from '../../lib/alerts/index.js';
import { formatParseError } from '../../lib/alerts/errors.js';
import { repoRoot } from '../support/fixtures.js';
import { startSimulator, type SimHarness } from '../sim/support.js';

/** One simulator for the file, reset before each test; `onStart` receives it. */
export function useSimulator(onStart: (h: SimHarness) => void): void {
  let h: SimHarness | undefined;
  beforeAll(async () => {
    h = await startSimulator();
    onStart(h);
  });
  afterAll(() => h?.close());
  beforeEach(async () => {
    await h!.control('POST', '/_sim/reset');
  });
}

/** Lets a little real time pass (the simulator's clock runs on it). */
export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const IMPORT_FIXTURES = join(repoRoot, 'test/replay/fixtures/import');

export function importFixture(name: string): string {
  return join(IMPORT_FIXTURES, name);
}

/** The parser's Signal of a payload; throws with the parser's error. */
export function signalOf(payload: unknown): Signal {
  const result = parseAlert(payload as never);
  if (!result.ok) throw new Error(formatParseError(result.error));
  return result.value;
}

/**
 * The fields a replayed payload must read exactly as the original event does: what the app
 * matches, decides and times on. Left out: `schema` (the normalized payload is an alert), and what
 * only identifies a notification (dedupeKey, alertRule, communicationId, eventDataId), which a
 * normalized payload may have had to make up and says so in `inferred`.
 */
export function sameFields(signal: Signal): Partial<Signal> {
  return Object.fromEntries(SAME_FIELDS.map((field) => [field, signal[field]])) as Partial<Signal>;
}

const SAME_FIELDS = [
  'kind',
  'incidentKey',
  'subscriptionId',
  'tenantId',
  'trackingId',
  'incidentType',
  'stage',
  'status',
  'lifecycle',
  'title',
  'severity',
  'services',
  'resourceIds',
  'health',
  'caller',
  'eventTime',
  'eventTimeSource',
  'impactStart',
  'impactMitigation',
  'correlationId',
  'isSynthetic',
  'customProperties',
] as const satisfies ReadonlyArray<keyof Signal>;
