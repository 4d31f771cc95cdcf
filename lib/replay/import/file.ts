/**
 * Past incidents from a file someone saved: alert payloads an action group posted, Activity Log
 * events (REST or portal JSON, `az monitor activity-log list` output), diagnostic-settings and
 * Event Hub exports (`{"records": [...]}`), Resource Health events-API responses (`{"value": [...]}`),
 * Microsoft Graph service health issues. Accepted layouts: one JSON document (an array, a single
 * object, `{records: [...]}`, `{value: [...]}`, or an azure-rest-api-specs example file, whose
 * 200 response body is read) or JSON lines (one document per line, each of which may itself be
 * a batch).
 *
 * Each item becomes one signal at the event time the parser reads; alert payloads and Graph
 * issues are delivered as they are, events as the action group would have posted them
 * (./action-group-payload.ts). An item the parser cannot read is reported in `skipped` as
 * `<path>:<line>: <code> at <JSON path>: <message>` and the rest is imported; only a file with
 * nothing readable at all is an error, naming the file and its first problem.
 *
 * Two formats are refused with what to do instead: Event Hub Capture's Avro (reading it would
 * need an Avro decoder for a format the JSON exports already cover) and the portal's Activity Log
 * CSV, which leaves out each event's properties (trackingId, impactedServices, stage, health
 * status) and so cannot be replayed.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { formatParseError, type ParseError } from '../../alerts/errors.js';
import { describe, field, isObject, type Json } from '../../alerts/fields.js';
import type { HealthObservation, ImportResult, ReplaySignal } from '../types.js';
import { byTime, importItem } from './imported-item.js';
import { elementOffsets, linesOf } from './json-positions.js';

const JSON_EXPORTS =
  'export the events as JSON instead: import them from Azure directly (the Activity Log keeps 90 days), ' +
  'list them with `az monitor activity-log list --start-time <from> --end-time <to> --output json > events.json`, ' +
  'or send the Activity Log to a storage account with a diagnostic setting (it writes JSON lines of records)';

/** The first bytes of an Avro object container file ("Obj" and version 1). */
const AVRO_MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);

/** One item of the file and where it is. */
interface Located {
  value: Json;
  /** JSON path of the item in its document (`$`, `$[2]`, `$.records[0]`). */
  path: string;
  line: number;
}

export async function importFile(path: string): Promise<ImportResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.avro' || bytes.subarray(0, AVRO_MAGIC.length).equals(AVRO_MAGIC)) {
    throw new Error(
      `${path} is Avro (what Event Hub Capture writes), which the importer does not read: ` +
        `write each Event Hub message body (JSON, {"records": [...]}) as one line of a file, or ${JSON_EXPORTS}`,
    );
  }
  if (ext === '.csv') {
    throw new Error(
      `${path} is CSV: the Azure portal's Activity Log CSV export leaves out each event's properties ` +
        `(trackingId, impactedServices, stage, health status), without which an event cannot be replayed; ${JSON_EXPORTS}`,
    );
  }
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new Error(`${path} is empty: nothing to import`);

  const problems: Array<{ line: number; text: string }> = [];
  const report = (line: number, error: ParseError): void => void problems.push({ line, text: `${path}:${line}: ${formatParseError(error)}` });
  const { items, documentError } = locate(text, report);

  const signals: ReplaySignal[] = [];
  const health: HealthObservation[] = [];
  const perLine = new Map<number, number>();
  for (const item of items) perLine.set(item.line, (perLine.get(item.line) ?? 0) + 1);
  for (const item of items) {
    const shared = perLine.get(item.line)! > 1;
    const origin = `file:${path}:${item.line}${shared ? `:${item.path}` : ''}`;
    const imported = importItem(item.value, { origin });
    if (!imported.ok) {
      report(item.line, within(item.path, imported.error));
      continue;
    }
    signals.push(imported.signal);
    if (imported.health !== null) health.push(imported.health);
  }
  // In file order, not in the order the items were read (sort is stable within a line).
  const skipped = problems.sort((a, b) => a.line - b.line).map((p) => p.text);
  if (signals.length === 0) {
    const first = skipped[0] ?? `${path}: no items (an empty list)`;
    const asDocument = documentError !== undefined ? ` It is not one JSON document either (${documentError}).` : '';
    throw new Error(`${path}: nothing could be imported; the first problem: ${first}.${asDocument}`);
  }
  return { signals: byTime(signals), health: byTime(health), skipped };
}

/**
 * The items of the file: those of one JSON document when the whole text parses, else of each
 * line (JSON lines). Unreadable lines are reported; `documentError` is why the whole text is
 * not one document, when it is read as lines.
 */
function locate(text: string, problem: (line: number, error: ParseError) => void): { items: Located[]; documentError?: string } {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (err) {
    const items: Located[] = [];
    text.split('\n').forEach((raw, i) => {
      const line = i + 1;
      if (raw.trim() === '') return;
      let value: Json;
      try {
        value = JSON.parse(raw) as Json;
      } catch (lineErr) {
        problem(line, { code: 'invalid_json', path: '$', message: `line is not valid JSON: ${(lineErr as Error).message}` });
        return;
      }
      const batch = split(value);
      if ('error' in batch) return problem(line, batch.error);
      for (const item of batch.items) items.push({ ...item, line });
    });
    return { items, documentError: (err as Error).message };
  }
  const batch = split(doc);
  const firstLine = linesOf(text, [text.search(/\S/)])[0]!;
  if ('error' in batch) {
    problem(firstLine, batch.error);
    return { items: [] };
  }
  const lines = batch.keys === null ? batch.items.map(() => firstLine) : linesOf(text, elementOffsets(text, batch.keys));
  return { items: batch.items.map((item, i) => ({ ...item, line: lines[i] ?? firstLine })) };
}

/** The items of one document and the member names leading to their list (null: the document is the item). */
type Batch = { keys: string[] | null; items: Array<{ value: Json; path: string }> } | { error: ParseError };

function split(doc: Json, keys: string[] = [], path = '$'): Batch {
  if (Array.isArray(doc)) return { keys, items: doc.map((value, i) => ({ value, path: `${path}[${i}]` })) };
  if (!isObject(doc) || field(doc, 'schemaId') !== undefined) return { keys: null, items: [{ value: doc, path }] };
  // An azure-rest-api-specs example file: its 200 response body is the payload.
  const responses = doc['responses'];
  if (keys.length === 0 && isObject(responses) && isObject(responses['200']) && responses['200']['body'] !== undefined) {
    return split(responses['200']['body'], ['responses', '200', 'body'], `${path}.responses["200"].body`);
  }
  for (const name of ['records', 'value']) {
    if (!Object.hasOwn(doc, name)) continue;
    const list = doc[name];
    if (!Array.isArray(list)) return { error: { code: 'invalid_field', path: `${path}.${name}`, message: `expected an array of events, got ${describe(list)}` } };
    return { keys: [...keys, name], items: list.map((value, i) => ({ value, path: `${path}.${name}[${i}]` })) };
  }
  return { keys: null, items: [{ value: doc, path }] };
}

/** A parse error of an item, its path taken from the item's place in the document. */
function within(itemPath: string, error: ParseError): ParseError {
  return itemPath === '$' ? error : { ...error, path: itemPath + error.path.slice(1) };
}
