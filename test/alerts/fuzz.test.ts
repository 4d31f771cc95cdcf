/**
 * Property tests: 10,000 mutated and random payloads. Whatever arrives, the parser returns
 * either a well-formed Signal or a typed error with a path; it never throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAlert, parsePayload, type ParseResult, type Signal } from '../../lib/alerts/index.js';
import { payloadFixtureNames, readFixture } from '../support/fixtures.js';

const CODES = new Set(['invalid_json', 'unknown_schema', 'unsupported_alert', 'missing_field', 'invalid_field']);
const ISO_UTC = /^[-+]?\d{4,6}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function checkResult(result: ParseResult<Signal>): void {
  if (!result.ok) {
    expect(CODES.has(result.error.code)).toBe(true);
    expect(result.error.path).toMatch(/^\$/);
    expect(result.error.message.length).toBeGreaterThan(0);
    // The boundary turns a thrown bug into an error too; that must never happen.
    expect(result.error.message).not.toContain('internal error');
    return;
  }
  const s = result.value;
  expect(['serviceHealth', 'resourceHealth', 'administrative']).toContain(s.kind);
  expect(s.incidentKey.length).toBeGreaterThan(0);
  expect(s.dedupeKey.startsWith(`${s.kind}|`)).toBe(true);
  expect(s.eventTime).toMatch(ISO_UTC);
  expect(['scheduled', 'active', 'resolved']).toContain(s.lifecycle);
  for (const service of s.services) {
    expect(typeof service.name).toBe('string');
    for (const region of service.regions) expect(region).toMatch(/^[a-z0-9]+$/);
  }
  for (const id of s.resourceIds) expect(typeof id).toBe('string');
}

/** Parses without letting anything escape: a throw fails the property with the input shown. */
function parsesSafely(input: unknown): boolean {
  const result = parsePayload(input as never, { receivedAt: new Date(0) });
  if (!result.ok) {
    checkResult(result as ParseResult<Signal>);
    return true;
  }
  for (const item of result.value.items) checkResult(item);
  return true;
}

const fixtures = payloadFixtureNames().map((name) => JSON.parse(readFixture(name)) as unknown);
const fixtureTexts = payloadFixtureNames().map((name) => readFixture(name));

/** Every path (list of keys/indices) inside a JSON value. */
function pathsOf(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

const fixturePaths = fixtures.map((f) => pathsOf(f).filter((p) => p.length > 0));

type Mutation =
  | { op: 'delete' }
  | { op: 'replace'; value: unknown }
  | { op: 'stringify' }
  | { op: 'recase' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ op: 'delete' }),
  fc.constant<Mutation>({ op: 'stringify' }),
  fc.constant<Mutation>({ op: 'recase' }),
  fc
    .oneof(
      fc.constant(null),
      fc.constant(''),
      fc.constant('   '),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.string(),
      fc.constant('2024-13-45T99:99:99'),
      fc.constant('[{"ServiceName":'),
      fc.constant('Microsoft.ServiceHealth/incident/action'),
      fc.constant({}),
      fc.constant([]),
      fc.jsonValue({ maxDepth: 3 }),
    )
    .map((value): Mutation => ({ op: 'replace', value })),
);

function mutate(doc: unknown, path: Array<string | number>, m: Mutation): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  switch (m.op) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
    case 'replace':
      parent[last] = m.value;
      break;
    case 'stringify':
      parent[last] = JSON.stringify(parent[last]);
      break;
    case 'recase':
      if (!Array.isArray(parent) && typeof last === 'string') {
        const value = parent[last];
        delete parent[last];
        parent[last.toUpperCase()] = value;
      }
      break;
  }
  return copy;
}

const mutatedFixture = fc
  .nat({ max: fixtures.length - 1 })
  .chain((i) =>
    fc.tuple(
      fc.constant(i),
      fc.array(fc.tuple(fc.nat({ max: fixturePaths[i]!.length - 1 }), mutation), { minLength: 1, maxLength: 4 }),
    ),
  )
  .map(([i, edits]) => {
    let doc = fixtures[i];
    for (const [pathIndex, m] of edits) {
      // Earlier edits may have removed the path; mutate only what still exists.
      try {
        doc = mutate(doc, fixturePaths[i]![pathIndex]!, m);
      } catch {
        /* path gone */
      }
    }
    return doc;
  });

describe('parser properties', () => {
  it('survives 4,000 fixtures with up to four random edits each', () => {
    fc.assert(fc.property(mutatedFixture, parsesSafely), { numRuns: 4000, seed: 20261123 });
  });

  it('survives 3,000 random JSON values, including envelope-shaped ones', () => {
    const envelope = fc.record({
      schemaId: fc.oneof(
        fc.constant('azureMonitorCommonAlertSchema'),
        fc.constant('Microsoft.Insights/activityLogs'),
        fc.string(),
      ),
      data: fc.jsonValue({ maxDepth: 4 }),
    });
    const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 5 }), envelope, fc.record({ records: fc.array(fc.jsonValue({ maxDepth: 3 })) }));
    fc.assert(fc.property(anyJson, parsesSafely), { numRuns: 3000, seed: 11 });
  });

  it('survives 3,000 truncated, spliced and random texts', () => {
    const truncated = fc
      .tuple(fc.nat({ max: fixtureTexts.length - 1 }), fc.nat(), fc.string({ maxLength: 8 }))
      .map(([i, cut, junk]) => {
        const text = fixtureTexts[i]!;
        const at = cut % (text.length + 1);
        return text.slice(0, at) + junk + text.slice(at + junk.length);
      });
    const text = fc.oneof(truncated, fc.string(), fc.uint8Array({ maxLength: 256 }));
    fc.assert(
      fc.property(text, (input) => {
        const result = parseAlert(input);
        if (!result.ok) checkResult(result);
        return true;
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});
