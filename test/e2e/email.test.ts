/**
 * Email notifications end to end: the whole app in-process (local host, durable runtime,
 * Azurite) with the stack's email settings pointing the real `@azure/communication-email` client
 * at the simulator's Communication Services, with the app's identity. An incident's
 * notifications reach the workload's email target and the simulator's record shows each message
 * exactly; hostile alert text stays text. Without email settings the app still runs its
 * failovers, reports the email targets as errors (GET /api/health) and records each missed email
 * as undelivered instead of dropping it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_NOT_CONFIGURED } from '../../lib/notify/notifier.js';
import type { SentEmail } from '../../sim/providers/communication-email.js';
import { repoRoot } from '../support/fixtures.js';
import { startApp, type App } from './support.js';

const HOSTILE_TITLE = 'Media Services - West Europe - <img src=x onerror="alert(1)"> see https://evil.example/x';
const media = readFileSync(join(repoRoot, 'samples/alerts/servicehealth-media-westeurope-active.json'), 'utf8').replace('Media Services - West Europe - Investigating', HOSTILE_TITLE.replace(/"/g, '\\"'));

describe('with email configured (the local stack sends through the simulated Communication Services)', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  }, 60_000);
  afterAll(() => app?.close());

  const inbox = async (to: string): Promise<SentEmail[]> => (await app.control('GET', `/_sim/emails?to=${encodeURIComponent(to)}`)) as SentEmail[];

  it("an incident's notifications reach the workload's email target, and the simulator's record shows each message", async () => {
    expect(process.env['EMAIL_ENDPOINT']).toBe(app.sim.baseUrl);
    expect(process.env['EMAIL_SENDER']).toBe('failover@notify.contoso.example');
    const health = await app.request('GET', '/api/health', { key: null });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', email: { configured: true, errors: [] } });

    const reply = await app.alert(media);
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    const incidentId = reply.body.incidentId as string;
    await app.runUntil(async () => (await inbox('media-oncall@contoso.example')).some((m) => m.subject.startsWith('[Failover] Incident opened')), { what: 'the incident-opened email' });

    const mails = await inbox('media-oncall@contoso.example');
    const opened = mails.find((m) => m.subject.startsWith('[Failover] Incident opened'))!;
    expect(opened).toMatchObject({
      resource: 'contosofailover-acs',
      caller: 'failover-orchestrator',
      sender: 'failover@notify.contoso.example',
      subject: '[Failover] Incident opened: media-streaming may be affected in westeurope',
      to: [{ address: 'media-oncall@contoso.example' }],
      cc: [],
      bcc: [],
      headers: { 'X-Failover-Incident': incidentId, 'X-Failover-Notification': 'incident-opened' },
      attachments: [],
    });
    // Every message of the incident went to the workload's address only, once each.
    expect(mails.every((m) => m.to.length === 1 && m.to[0]!.address === 'media-oncall@contoso.example')).toBe(true);
    expect(new Set(mails.map((m) => m.operationId)).size).toBe(mails.length);
    // The alert's text stays text: escaped in the HTML, its URL broken in both bodies.
    expect(opened.plainText).toContain('Media Services - West Europe - <img src=x onerror="alert(1)"> see https[:]//evil.example/x');
    expect(opened.html).toContain('Media Services - West Europe - &lt;img src=x onerror=&quot;alert(1)&quot;&gt; see https[:]//evil.example/x');
    expect(opened.html).not.toContain('<img');
    expect(opened.html).not.toContain('https://evil.example');
    // The app counted it delivered: nothing waits in the outbox for the email target.
    const view = await app.view(incidentId);
    expect((view.notifications?.undelivered ?? []).filter((u: { target: string }) => u.target.startsWith('email'))).toEqual([]);
  }, 120_000);
});

describe('without email settings', () => {
  let app: App;
  beforeAll(async () => {
    // Empty settings are unset: the stack's email settings are taken away.
    app = await startApp({ env: { EMAIL_ENDPOINT: '', EMAIL_SENDER: '' } });
  }, 60_000);
  afterAll(() => app?.close());

  it('reports the email targets as errors in /api/health, and records each missed email instead of dropping it', async () => {
    const health = await app.request('GET', '/api/health', { key: null });
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.email.configured).toBe(false);
    expect(health.body.email.errors).toHaveLength(4);
    expect(health.body.email.errors[0]).toBe(
      "workloads[0].notify[0].email: media-streaming notifies media-oncall@contoso.example by email, but email is not configured: nothing would be sent to it. Set EMAIL_ENDPOINT (the Communication Services resource's endpoint, e.g. https://contoso-failover.europe.communication.azure.com; or EMAIL_CONNECTION_STRING) and EMAIL_SENDER (a MailFrom address of a domain linked to it) in the app's settings, or replace the target with a teams, slack or webhook one",
    );

    const reply = await app.alert(media);
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    const incidentId = reply.body.incidentId as string;
    const missed = async () => ((await app.view(incidentId)).notifications?.undelivered ?? []).filter((u: { target: string }) => u.target === 'email media-oncall@contoso.example');
    await app.runUntil(async () => (await missed()).length > 0, { what: 'the missed email recorded' });
    expect((await missed())[0]).toMatchObject({ workload: 'media-streaming', status: 'undelivered', attempts: 0, lastError: EMAIL_NOT_CONFIGURED });
    expect(await app.control('GET', '/_sim/emails')).toEqual([]);
  }, 120_000);
});
