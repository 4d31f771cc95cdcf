/**
 * importFile, one test per layout: JSON lines, a JSON array, a single object, `{records: [...]}`,
 * `{value: [...]}` (and a REST spec example file); bad items reported by file line and JSON path
 * while the rest imports; Avro, CSV and files with nothing readable refused with what to do.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importFile } from '../../lib/replay/import/index.js';
import { fixturesDir } from '../support/fixtures.js';
import { importFixture, signalOf } from './import-support.js';

const SUB = '11111111-1111-1111-1111-111111111111';
const ACCOUNT = `/subscriptions/${SUB}/resourceGroups/rg-datashare-weu/providers/Microsoft.DataShare/accounts/contosodsweu`;
const shared = (name: string) => join(fixturesDir(), name);

const scratch = mkdtempSync(join(tmpdir(), 'replay-import-file-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
function scratchFile(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

/** The envelope lines every normalized Activity Log event lists. */
const activityInferred = (eventDataId: string) => [
  `data.essentials.alertId: made up from the event id (${eventDataId})`,
  'data.essentials.alertRule: made up; the Activity Log does not say which alert rule, if any, fired for this event',
  "data.essentials.severity: made up as Sev4, what Microsoft's activity log alert samples carry (an activity log alert rule has no severity of its own)",
  `data.essentials.originAlertId: made up from the event id (${eventDataId})`,
  "data.essentials.firedDateTime: made up from the event's submissionTimestamp (an alert fires once the event reaches the Activity Log)",
];

describe('importFile', () => {
  it('JSON lines: each line an item (a batch line, several), unreadable lines reported by line and JSON path', async () => {
    const path = importFixture('mixed.jsonl');
    const result = await importFile(path);
    expect(result.signals.map((s) => ({ at: s.at, intake: s.intake, origin: s.origin }))).toEqual([
      { at: '2026-11-23T08:44:31.773Z', intake: 'alerts', origin: `file:${path}:1` },
      { at: '2026-11-23T08:47:12.123Z', intake: 'alerts', origin: `file:${path}:6` },
      { at: '2026-11-23T09:05:12.000Z', intake: 'servicehealth-poll', origin: `file:${path}:7` },
      { at: '2026-11-23T09:12:40.500Z', intake: 'alerts', origin: `file:${path}:9:$.records[0]` },
      { at: '2026-11-23T10:05:14.441Z', intake: 'alerts', origin: `file:${path}:2` },
    ]);
    const [commonAlert, resourceHealth, graphIssue, administrative, resolved] = result.signals;
    const lines = readFileSync(path, 'utf8').split('\n');
    // An alert payload and a Graph issue go as they are; events are wrapped and say what was made up.
    expect(commonAlert!.payload).toEqual(JSON.parse(lines[0]!));
    expect(commonAlert!.inferred).toEqual([]);
    expect(graphIssue!.payload).toEqual(JSON.parse(lines[6]!));
    expect(graphIssue!.inferred).toEqual([]);
    expect(resolved!.inferred).toEqual(activityInferred('4a6c8e0b-2d3f-4b5a-8c7d-9e1f3a5b7c94'));
    expect(resourceHealth!.inferred).toEqual(activityInferred('9f3c2a71-0d4e-4b8a-a6f5-1e2d3c4b5a60'));
    expect(administrative!.inferred.at(-1)).toBe(
      "data.alertContext.eventDataId: made up from the event's correlationId, operation, time and resource (the event has none, as diagnostic records never do)",
    );
    expect(result.signals.map((s) => signalOf(s.payload)).map((s) => [s.kind, s.incidentKey, s.stage, s.lifecycle])).toEqual([
      ['serviceHealth', '7VKL-3Q8', 'Active', 'active'],
      ['resourceHealth', ACCOUNT.toLowerCase(), 'Active', 'active'],
      ['serviceHealth', 'm365:cr512345', 'Active', 'active'],
      ['administrative', ACCOUNT.toLowerCase(), 'Succeeded', 'active'],
      ['serviceHealth', '7VKL-3Q8', 'Resolved', 'resolved'],
    ]);
    expect(signalOf(administrative!.payload)).toMatchObject({ caller: 'oncall@contoso.example', operationName: 'MICROSOFT.DATASHARE/ACCOUNTS/WRITE' });
    expect(result.health).toEqual([{ resourceId: ACCOUNT, at: '2026-11-23T08:47:12.123Z', status: 'Unavailable', origin: `file:${path}:6` }]);
    expect(result.skipped).toEqual([
      expect.stringMatching(new RegExp(`^${escape(path)}:3: invalid_json at \\$: line is not valid JSON: `)),
      `${path}:5: unknown_schema at $: not an alert payload (no schemaId), Activity Log event (no eventTimestamp, operationName or eventDataId), diagnostic record, Resource Health event or Microsoft Graph service health issue`,
      `${path}:8: unknown_schema at $.schemaId: unsupported schemaId "AzureMonitorMetricAlert"; expected "azureMonitorCommonAlertSchema" or "Microsoft.Insights/activityLogs"`,
      expect.stringMatching(new RegExp(`^${escape(path)}:9: invalid_field at \\$\\.records\\[1\\]\\.properties\\.eventProperties\\.impactedServices: is a string but not valid JSON \\(`)),
    ]);
  });

  it('a JSON array (az monitor activity-log list --output json): each item at the line it starts on', async () => {
    const path = importFixture('activity-log-export.json');
    const result = await importFile(path);
    expect(result.signals.map((s) => [s.at, s.origin])).toEqual([
      ['2026-11-23T08:44:31.773Z', `file:${path}:41`],
      ['2026-11-23T10:05:14.441Z', `file:${path}:2`],
    ]);
    expect(result.signals.map((s) => signalOf(s.payload)).map((s) => [s.schema, s.incidentKey, s.stage, s.services])).toEqual([
      ['common', '7VKL-3Q8', 'Active', [{ name: 'Azure Data Share', regions: ['westeurope'] }]],
      ['common', '7VKL-3Q8', 'Resolved', [{ name: 'Azure Data Share', regions: ['westeurope'] }]],
    ]);
    expect(result.skipped).toEqual([`${path}:80: missing_field at $[2].properties.trackingId: a Service Health event needs the trackingId that identifies its incident`]);
  });

  it('a single object: an alert payload kept verbatim, an Activity Log event wrapped', async () => {
    const alertPath = shared('servicehealth-common-testaction.json');
    const alert = await importFile(alertPath);
    expect(alert.signals).toEqual([
      { at: '2025-04-15T18:20:36.256Z', payload: JSON.parse(readFileSync(alertPath, 'utf8')), intake: 'alerts', origin: `file:${alertPath}:1`, inferred: [] },
    ]);
    const eventPath = shared('activitylog-event-servicehealth.json');
    const event = await importFile(eventPath);
    expect(event.signals.map((s) => [s.at, s.origin, s.inferred])).toEqual([['2017-07-20T23:30:14.802Z', `file:${eventPath}:1`, activityInferred('bbbb1b1b-cc2c-dd3d-ee4e-ffffff5f5f5f')]]);
    expect(signalOf(event.signals[0]!.payload)).toMatchObject({ schema: 'common', incidentKey: 'NA0F-BJG', stage: 'Active', services: [{ name: 'Service Fabric', regions: ['uksouth'] }] });
  });

  it('{"records": [...]}: diagnostic settings and Event Hub exports', async () => {
    const path = shared('eventhub-administrative-doc-sample.json');
    const result = await importFile(path);
    expect(result.signals.map((s) => [s.at, s.origin, s.intake])).toEqual([['2019-01-21T22:14:26.979Z', `file:${path}:3`, 'alerts']]);
    expect(signalOf(result.signals[0]!.payload)).toMatchObject({
      kind: 'administrative',
      schema: 'common',
      caller: 'admin@contoso.com',
      resourceIds: ['/subscriptions/s1/resourceGroups/MSSupportGroup/providers/microsoft.support/supporttickets/123456112305841'],
    });
    expect(result.skipped).toEqual([]);
    const notAList = scratchFile('records-not-a-list.json', '{"records": {"time": "2026-11-23T09:00:00Z"}}');
    await expect(importFile(notAList)).rejects.toThrow(
      `${notAList}: nothing could be imported; the first problem: ${notAList}:1: invalid_field at $.records: expected an array of events, got an object.`,
    );
  });

  it('{"value": [...]}: a REST list of Resource Health events, and a REST spec example file', async () => {
    const path = importFixture('health-events-list.json');
    const result = await importFile(path);
    expect(result.signals.map((s) => [s.at, s.origin])).toEqual([
      ['2026-11-24T12:00:00.000Z', `file:${path}:38`],
      ['2026-11-26T17:30:00.000Z', `file:${path}:3`],
    ]);
    expect(result.signals.map((s) => signalOf(s.payload)).map((s) => [s.incidentKey, s.incidentType, s.stage, s.lifecycle, s.subscriptionId])).toEqual([
      ['QK4T-9P0', 'Maintenance', 'Active', 'active', SUB],
      ['7VKL-3Q8', 'Incident', 'RCA', 'resolved', SUB],
    ]);
    expect(result.signals[0]!.inferred).toContain('data.alertContext.operationName: Microsoft.ServiceHealth/maintenance/action, from the event type (the events API has no operation name)');
    expect(result.skipped).toEqual([`${path}:72: missing_field at $.value[2].name: a Resource Health event needs its name (the trackingId)`]);

    const examplePath = shared('resourcehealth-events-api-example.json');
    const example = await importFile(examplePath);
    expect(example.signals.map((s) => [s.at, s.origin])).toEqual([['2018-11-08T00:00:00.000Z', `file:${examplePath}:12`]]);
    expect(signalOf(example.signals[0]!.payload)).toMatchObject({ incidentKey: 'BC_1-FXZ', stage: 'Active', services: [{ name: 'Virtual Machines', regions: ['westus'] }] });
  });

  it('refuses Avro and CSV with what to export instead, and a file with nothing readable naming its first problem', async () => {
    const avro = Buffer.concat([Buffer.from([0x4f, 0x62, 0x6a, 0x01]), Buffer.from('avro.schema')]);
    for (const path of [scratchFile('capture.avro', avro), scratchFile('capture-renamed.json', avro)]) {
      await expect(importFile(path)).rejects.toThrow(
        `${path} is Avro (what Event Hub Capture writes), which the importer does not read: write each Event Hub message body (JSON, {"records": [...]}) as one line of a file, ` +
          'or export the events as JSON instead: import them from Azure directly (the Activity Log keeps 90 days), list them with `az monitor activity-log list --start-time <from> --end-time <to> --output json > events.json`, ' +
          'or send the Activity Log to a storage account with a diagnostic setting (it writes JSON lines of records)',
      );
    }
    const csv = scratchFile('activity-log.csv', 'Level,Date,Operation name,Status\nInformational,2026-11-23,Health Event Activated,Active\n');
    await expect(importFile(csv)).rejects.toThrow(
      `${csv} is CSV: the Azure portal's Activity Log CSV export leaves out each event's properties (trackingId, impactedServices, stage, health status), without which an event cannot be replayed; export the events as JSON instead:`,
    );
    const garbage = scratchFile('garbage.jsonl', '\n{"hello": 1}\nnot json\n');
    await expect(importFile(garbage)).rejects.toThrow(
      `${garbage}: nothing could be imported; the first problem: ${garbage}:2: unknown_schema at $: not an alert payload (no schemaId)`,
    );
    // A document broken part-way is read as JSON lines too; the error then says why it is not one document.
    const broken = scratchFile('broken.json', '{\n  "records": [\n    {"time": "2026-11-23T09:00:00Z"},\n');
    await expect(importFile(broken)).rejects.toThrow(
      new RegExp(`^${escape(broken)}: nothing could be imported; the first problem: ${escape(broken)}:1: invalid_json at \\$: line is not valid JSON: .+\\. It is not one JSON document either \\(.+\\)\\.$`),
    );
    const empty = scratchFile('empty.json', '  \n');
    await expect(importFile(empty)).rejects.toThrow(`${empty} is empty: nothing to import`);
    await expect(importFile(scratchFile('empty-list.json', '[]'))).rejects.toThrow('nothing could be imported; the first problem: ');
    const missing = join(scratch, 'missing.json');
    await expect(importFile(missing)).rejects.toThrow(`cannot read ${missing}: ENOENT`);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
