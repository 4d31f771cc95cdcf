/**
 * An alert the intake failed on, after archiving: who is told (the workloads it concerns, else
 * every workload in the catalog), what the notification says, and that the webhook's wiring marks
 * the archived body and sends the notification through the notification delivery.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAlert, type Signal } from '../../lib/alerts/index.js';
import type { AlertArchive } from '../../lib/archive/index.js';
import { decideSignal } from '../../lib/decisions/decide.js';
import type { IncidentClient } from '../../lib/incidents/client.js';
import { intakeDeps } from '../../lib/intake/deps.js';
import { describeError, intakeFailedNotification, intakeFailureAudience, type IntakeFailure } from '../../lib/intake/failure.js';
import type { DeliveryTarget, IncidentNotification } from '../../lib/notify/events.js';
import { load, SAMPLE } from '../catalog/support.js';
import { repoRoot } from '../support/fixtures.js';

const catalog = load(SAMPLE);
const AT = new Date('2026-11-23T09:15:00.000Z');

function signalOf(path: string, edit: (text: string) => string = (t) => t): Signal {
  const parsed = parseAlert(Buffer.from(edit(readFileSync(join(repoRoot, path), 'utf8'))), { receivedAt: AT });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

const media = signalOf('samples/alerts/servicehealth-media-westeurope-active.json');

const failure = (signal: Signal, extra: Partial<IntakeFailure> = {}): IntakeFailure => ({
  archived: 'alerts/2026/11/23/091500.000-0123456789abcdef.json',
  signal,
  decision: null,
  error: 'TypeError: x is not a function',
  incidentId: null,
  at: AT,
  ...extra,
});

describe('who hears about an alert the intake failed on', () => {
  it('the workloads the alert concerns: those in scope of the decision, else those it matches', () => {
    const decided = intakeFailureAudience(catalog, media, decideSignal(catalog, media, 'webhook'));
    expect(decided).toMatchObject({ audience: 'concerned' });
    expect(decided.workloads.map((w) => w.id)).toEqual(['media-streaming']);
    const matched = intakeFailureAudience(catalog, media, null);
    expect(matched.workloads.map((w) => w.id)).toEqual(['media-streaming']);
  });

  it('every workload in the catalog when it cannot tell: nothing in scope, nothing matched', () => {
    const outOfScope = decideSignal(catalog, media, 'webhook');
    const none = { ...outOfScope, workloads: outOfScope.workloads.map((d) => ({ ...d, inScope: false })) };
    const all = catalog.workloads.map((w) => w.id);
    expect(intakeFailureAudience(catalog, media, none)).toMatchObject({ audience: 'catalog' });
    expect(intakeFailureAudience(catalog, media, none).workloads.map((w) => w.id)).toEqual(all);
    const vm = signalOf('samples/alerts/servicehealth-media-westeurope-active.json', (t) => t.replaceAll('Media Services', 'Virtual Machines'));
    expect(intakeFailureAudience(catalog, vm, null).workloads.map((w) => w.id)).toEqual(all);
  });

  it('the notification names the archived alert, the error, the alert\'s key and regions; no incident, no link', () => {
    const audience = intakeFailureAudience(catalog, media, null);
    expect(intakeFailedNotification(failure(media), audience, 'https://failover.contoso.example/api/incidents/x')).toEqual({
      type: 'intake-failed',
      incidentId: '',
      workloads: ['media-streaming'],
      title: media.title,
      trackingId: '7TQ2-RX8',
      region: media.services.flatMap((s) => s.regions).join(', '),
      secondaryRegion: null,
      statusUrl: null,
      archived: 'alerts/2026/11/23/091500.000-0123456789abcdef.json',
      error: 'TypeError: x is not a function',
      incidentKey: '7TQ2-RX8',
      audience: 'concerned',
      at: AT.toISOString(),
    });
    const reached = intakeFailedNotification(failure(media, { incidentId: 'incident-1' }), audience, 'https://failover.contoso.example/api/incidents/incident-1');
    expect(reached).toMatchObject({ incidentId: 'incident-1', statusUrl: 'https://failover.contoso.example/api/incidents/incident-1' });
  });

  it('describes an error by its name and first line', () => {
    expect(describeError(new TypeError("Cannot read properties of undefined (reading 'x')\n    at foo"))).toBe("TypeError: Cannot read properties of undefined (reading 'x')");
    expect(describeError(Object.assign(new Error('AuthorizationPermissionMismatch: denied'), { name: 'StorageError' }))).toBe('StorageError: AuthorizationPermissionMismatch: denied');
    expect(describeError('a string')).toBe('string: a string');
    expect(describeError(new Error('x'.repeat(600))).length).toBe(500);
  });
});

describe('the webhook\'s wiring for a failure', () => {
  it('marks the archived body and sends one intake-failed notification to the concerned workload\'s channels', async () => {
    const outcomes: Array<[string, string]> = [];
    const sent: Array<{ targets: readonly DeliveryTarget[]; notification: IncidentNotification }> = [];
    const deps = intakeDeps({
      maxBytes: 1024,
      archive: { setOutcome: async (name: string, outcome: string) => void outcomes.push([name, outcome]) } as unknown as AlertArchive,
      claims: {} as never,
      signals: {} as never,
      catalog: async () => catalog,
      client: {} as IncidentClient,
      notifications: {
        send: async (targets, notification) => {
          sent.push({ targets, notification });
          return { delivered: 1, failed: 1, queued: 0 };
        },
      },
      statusUrl: (id) => `https://failover.contoso.example/api/incidents/${id}`,
      log: () => undefined,
    });
    await deps.markArchived({ name: 'alerts/x.json' }, 'intake-failed');
    expect(outcomes).toEqual([['alerts/x.json', 'intake-failed']]);
    expect(await deps.notifyFailure(failure(media))).toEqual({ channels: 2, delivered: 1, queued: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.targets).toEqual([
      { kind: 'email', address: 'media-oncall@contoso.example' },
      { kind: 'teams', url: 'https://contoso.webhook.office.com/webhookb2/media-oncall' },
    ]);
    expect(sent[0]!.notification).toMatchObject({ type: 'intake-failed', workloads: ['media-streaming'], archived: 'alerts/2026/11/23/091500.000-0123456789abcdef.json' });
  });
});
