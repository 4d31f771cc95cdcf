/**
 * The email channel with the real `@azure/communication-email` client against the simulator's
 * Communication Services (the app's way: an Entra token from the simulator's credential): what a
 * send looks like in the simulator's record, and how the notifier counts each kind of failure.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderEmail } from '../../lib/notify/email-render.js';
import { createEmailChannel, emailClientFor, operationIdFor } from '../../lib/notify/email.js';
import { createNotifier } from '../../lib/notify/notifier.js';
import type { SentEmail } from '../../sim/providers/communication-email.js';
import { startSimulator, type SimHarness } from '../sim/support.js';
import { SAMPLES } from './samples.js';

const TARGET = { kind: 'email' as const, address: 'media-oncall@contoso.example' };
const EVENT = { ...SAMPLES['incident-opened'], incidentId: 'inc-mail' };

let h: SimHarness;
beforeAll(async () => {
  h = await startSimulator();
});
afterAll(() => h.close());
beforeEach(() => h.sim.reset());

function notifier(sender = 'failover@notify.contoso.example') {
  const client = emailClientFor({ settings: { endpoint: h.sim.baseUrl, sender }, credential: h.clients.credential, caPem: h.sim.ca });
  return createNotifier({ maxAttempts: 1, email: createEmailChannel({ client, sender, timeoutMs: 5_000 }) });
}
const sent = async () => (await h.control('GET', '/_sim/emails')).body as SentEmail[];

describe('the email channel', () => {
  it('sends the rendered notification with the app identity, under an Operation-Id derived from the notification and address', async () => {
    const [result] = await notifier().notify([TARGET], EVENT);
    expect(result).toEqual({ target: TARGET, ok: true, attempts: 1, status: 202, durationMs: expect.any(Number) });
    const [mail] = await sent();
    const content = renderEmail(EVENT);
    expect(mail).toMatchObject({ sender: 'failover@notify.contoso.example', caller: 'tests', to: [{ address: TARGET.address }], subject: content.subject, plainText: content.plainText, html: content.html, status: 'Running' });
    // Delivered means accepted: the attempt did not wait for the send operation to end (it ends a second later).
    expect(mail!.operationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // A second attempt at the same notification finds the first send: no second message.
    expect((await notifier().notify([TARGET], EVENT))[0]!.ok).toBe(true);
    expect(await sent()).toHaveLength(1);
    expect(operationIdFor('k', 'A@x.example')).toBe(operationIdFor('k', 'a@x.example'));
  });

  it('a 503 is retryable (the outbox tries again), and the next attempt sends', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.Communication/CommunicationServices/emails/send', status: 503, code: 'ServiceUnavailable', message: 'try later', count: 1 });
    const [failed] = await notifier().notify([TARGET], EVENT);
    expect(failed).toMatchObject({ ok: false, attempts: 1, status: 503, retryable: true, error: 'HTTP 503 ServiceUnavailable: try later' });
    expect(await sent()).toEqual([]);
    expect((await notifier().notify([TARGET], EVENT))[0]).toMatchObject({ ok: true, status: 202 });
    expect(await sent()).toHaveLength(1);
  });

  it('a sender the resource has not linked is a 400 no retry can fix, named in the error', async () => {
    const [result] = await notifier('failover@elsewhere.example').notify([TARGET], EVENT);
    expect(result).toMatchObject({ ok: false, attempts: 1, status: 400, retryable: false, error: 'HTTP 400 DomainNotLinked: The specified sender domain has not been linked.' });
    expect(await sent()).toEqual([]);
  });

  it('keeps hostile text as text: one-line subject, escaped HTML, URLs broken', () => {
    const content = renderEmail({ ...EVENT, title: 'Down <script>alert(1)</script>\r\nBcc: x@evil.example https://evil.example' });
    // The headline names the workloads: a line break there would start a header.
    const subject = renderEmail({ ...EVENT, workloads: ['media\r\nBcc: x@evil.example'] }).subject;
    expect(subject).toBe('[Failover] Incident opened: media Bcc: x@evil.example may be affected in westeurope');
    expect(content.html).toContain('Down &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(content.html).not.toContain('<script>');
    expect(content.plainText).toContain('https[:]//evil.example');
    expect(content.html).not.toContain('https://evil.example');
  });

  it('shows the checklist of a failover-done message: URLs as written (a link when http(s)), the rest of the text as text', () => {
    const ingest = 'rtmp://live-main-contosomedianeu.channel.media.azure.net:1935/live/91b0e3f4';
    const hls = 'https://live.contoso.example/0f6d/failover.ism/manifest(format=m3u8-aapl)';
    const content = renderEmail({
      ...SAMPLES['failover-done'],
      checklist: [
        { workloadId: 'media-streaming', direction: 'failover', step: 'start-live-events', kind: 'ingest-url', text: `Point the encoders of live-main at ${ingest}: now`, url: ingest },
        { workloadId: 'media-streaming', direction: 'failover', step: 'start-live-events', kind: 'playback-url', text: `Give players <b>HLS</b>: ${hls}`, url: hls },
        { workloadId: 'media-streaming', direction: 'failover', step: 'resubmit-jobs', kind: 'resubmit-job', text: 'resubmit job-7 (see https://evil.example)' },
      ],
    });
    expect(content.plainText).toContain(
      ['What to do now:', '  media-streaming', `    [ ] Point the encoders of live-main at ${ingest}: now`, `    [ ] Give players <b>HLS</b>: ${hls}`, '    [ ] resubmit job-7 (see https[:]//evil.example)'].join('\n'),
    );
    expect(content.html).toContain(
      [
        '<p><strong>What to do now:</strong></p>',
        '<p style="margin:4px 0">media-streaming</p>',
        '<ul>',
        `<li>Point the encoders of live-main at <code>${ingest}</code>: now</li>`,
        `<li>Give players &lt;b&gt;HLS&lt;/b&gt;: <a href="${hls}">${hls}</a></li>`,
        '<li>resubmit job-7 (see https[:]//evil.example)</li>',
        '</ul>',
      ].join('\n'),
    );
    expect(renderEmail(SAMPLES['failover-done']).html).not.toContain('What to do now:');
  });
});
