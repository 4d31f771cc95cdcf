/** Bad input becomes a typed error naming the field path; nothing throws. */
import { describe, expect, it } from 'vitest';
import { parseAlert, type ParseError } from '../../lib/alerts/index.js';
import { readFixtureJson } from '../support/fixtures.js';

type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function errorOf(payload: unknown): ParseError {
  const result = parseAlert(payload as never);
  if (result.ok) throw new Error(`expected an error, got a ${result.value.kind} signal`);
  return result.error;
}

const legacy = () => readFixtureJson<AnyJson>('servicehealth-legacy-doc-sample.json');
const common = () => readFixtureJson<AnyJson>('servicehealth-common-testaction.json');

describe('parse errors', () => {
  it('rejects a body that is not JSON', () => {
    expect(errorOf('{"schemaId": ')).toMatchObject({ code: 'invalid_json', path: '$' });
    expect(errorOf('')).toMatchObject({ code: 'invalid_json', path: '$' });
  });

  it('rejects JSON that is not an object', () => {
    expect(errorOf('null')).toEqual({ code: 'unknown_schema', path: '$', message: 'expected a JSON object, got null' });
    expect(errorOf('[1]')).toEqual({ code: 'unknown_schema', path: '$[0]', message: 'expected an event object, got number 1' });
    expect(errorOf('42')).toMatchObject({ code: 'unknown_schema', path: '$' });
  });

  it('rejects an unknown schemaId and names the ones it knows', () => {
    const error = errorOf({ schemaId: 'AzureMonitorMetricAlert', data: {} });
    expect(error.code).toBe('unknown_schema');
    expect(error.path).toBe('$.schemaId');
    expect(error.message).toContain('"AzureMonitorMetricAlert"');
    expect(error.message).toContain('azureMonitorCommonAlertSchema');
  });

  it('rejects an object with no recognizable shape', () => {
    expect(errorOf({ hello: 'world' })).toMatchObject({ code: 'unknown_schema', path: '$' });
  });

  it('reports monitoring services it does not act on as unsupported, not invalid', () => {
    const payload = common();
    payload.data.essentials.monitoringService = 'Platform';
    expect(errorOf(payload)).toMatchObject({ code: 'unsupported_alert', path: '$.data.essentials.monitoringService' });
    payload.data.essentials.monitoringService = 'Activity Log - Policy';
    expect(errorOf(payload).code).toBe('unsupported_alert');
  });

  it('reports event categories it does not act on as unsupported', () => {
    const payload = legacy();
    payload.data.context.activityLog.eventSource = 'Security';
    expect(errorOf(payload)).toMatchObject({ code: 'unsupported_alert', path: '$.data.context.activityLog.eventSource' });
  });

  it('names a missing envelope part', () => {
    const payload = common();
    delete payload.data.alertContext;
    expect(errorOf(payload)).toMatchObject({ code: 'missing_field', path: '$.data.alertContext' });
    expect(errorOf({ schemaId: 'Microsoft.Insights/activityLogs', data: { context: {} } })).toMatchObject({
      code: 'missing_field',
      path: '$.data.context.activityLog',
    });
  });

  it('names a wrong type', () => {
    const payload = common();
    payload.data.alertContext = 'oops';
    expect(errorOf(payload)).toMatchObject({ code: 'invalid_field', path: '$.data.alertContext' });
    const other = legacy();
    other.data.context.activityLog.properties.trackingId = { id: 1 };
    expect(errorOf(other)).toMatchObject({ code: 'invalid_field', path: '$.data.context.activityLog.properties.trackingId' });
  });

  it('requires the trackingId of a Service Health event', () => {
    const payload = legacy();
    delete payload.data.context.activityLog.properties.trackingId;
    expect(errorOf(payload)).toEqual({
      code: 'missing_field',
      path: '$.data.context.activityLog.properties.trackingId',
      message: 'a Service Health event needs the trackingId that identifies its incident',
    });
  });

  it('requires the resource of a Resource Health event', () => {
    const payload = readFixtureJson<AnyJson>('resourcehealth-legacy-doc-sample.json');
    delete payload.data.context.activityLog.resourceId;
    expect(errorOf(payload)).toMatchObject({ code: 'missing_field', path: '$.data.context.activityLog.resourceId' });
  });

  it('requires a timestamp when no receipt time is given', () => {
    const payload = legacy();
    const log = payload.data.context.activityLog;
    delete log.eventTimestamp;
    delete log.submissionTimestamp;
    expect(errorOf(payload)).toMatchObject({ code: 'missing_field', path: '$.data.context.activityLog.eventTimestamp' });
  });

  it('rejects an unreadable timestamp, naming it', () => {
    const payload = legacy();
    payload.data.context.activityLog.eventTimestamp = 'yesterday';
    expect(errorOf(payload)).toEqual({
      code: 'invalid_field',
      path: '$.data.context.activityLog.eventTimestamp',
      message: 'expected an ISO-8601 timestamp, got "yesterday"',
    });
    payload.data.context.activityLog.eventTimestamp = '2024-02-30T00:00:00Z';
    expect(errorOf(payload).code).toBe('invalid_field');
  });

  it('names the broken entry inside impactedServices', () => {
    const payload = legacy();
    payload.data.context.activityLog.properties.impactedServices = '[{"ImpactedRegions":[]}]';
    expect(errorOf(payload)).toMatchObject({
      code: 'missing_field',
      path: '$.data.context.activityLog.properties.impactedServices[0].ServiceName',
    });
    payload.data.context.activityLog.properties.impactedServices = '[{"ServiceName":';
    expect(errorOf(payload)).toMatchObject({ code: 'invalid_field', path: '$.data.context.activityLog.properties.impactedServices' });
  });

  it('quotes keys with spaces in paths', () => {
    const payload = readFixtureJson<AnyJson>('administrative-common-testaction.json');
    payload.data.alertContext['Activity Log Event Description'] = [1];
    expect(errorOf(payload).path).toBe('$.data.alertContext["Activity Log Event Description"]');
  });

  it('refuses a batch where one alert is expected, and names each bad item of a batch', () => {
    const record = { time: '2024-01-01T00:00:00Z', category: 'Write', operationName: 'x/write', resourceId: '/subscriptions/s/resourceGroups/g/providers/A.B/c/d' };
    expect(errorOf({ records: [record, record] })).toMatchObject({ code: 'unknown_schema', path: '$' });
    expect(parseAlert({ records: [record] }).ok).toBe(true);
  });

  it('survives nesting deep enough to overflow a recursive reader', () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const result = parseAlert(deep);
    expect(result.ok).toBe(false);
  });
});
