/**
 * Communication Services Email in the simulator, driven by the real `@azure/communication-email`
 * client over HTTPS: access-key (HMAC-SHA256) and Entra token authentication, the send operation
 * and its status, the checks a message goes through, and the record of what was sent.
 */
import { AzureKeyCredential } from '@azure/core-auth';
import { EmailClient, type EmailMessage } from '@azure/communication-email';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CommunicationResourceView, SentEmail } from '../../sim/providers/communication-email.js';
import { simToken } from '../../sim/providers/identity.js';
import { rejection, startSimulator, type SimHarness } from './support.js';

const SENDER = 'failover@notify.contoso.example';
const ACS_ID = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-failover-shared/providers/Microsoft.Communication/communicationServices/contosofailover-acs';

let h: SimHarness;
let acs: CommunicationResourceView;

beforeAll(async () => {
  h = await startSimulator();
  acs = ((await h.control('GET', '/_sim/communication')).body as CommunicationResourceView[])[0]!;
});
afterAll(() => h.close());
beforeEach(() => h.sim.reset());

function client(credential: AzureKeyCredential | string = new AzureKeyCredential(acs.primaryKey)): EmailClient {
  const options = { tlsOptions: { ca: h.sim.ca }, retryOptions: { maxRetries: 0 } };
  return typeof credential === 'string' ? new EmailClient(credential, options) : new EmailClient(acs.endpoint, credential, options);
}

const message = (over: Partial<EmailMessage> = {}): EmailMessage => ({
  senderAddress: SENDER,
  content: { subject: 'Failover started: media-streaming', plainText: 'West Europe is down.', html: '<p>West Europe is down.</p>' },
  recipients: { to: [{ address: 'media-oncall@contoso.example', displayName: 'Media on-call' }], cc: [{ address: 'lead@contoso.example' }], bcc: [{ address: 'audit@contoso.example' }] },
  headers: { 'X-Failover-Incident': 'inc-1' },
  ...over,
});

async function emails(query = ''): Promise<SentEmail[]> {
  return (await h.control('GET', `/_sim/emails${query}`)).body as SentEmail[];
}

describe('Communication Services Email', () => {
  it('lists the estate resource with its endpoint, keys, connection string and MailFrom addresses', () => {
    expect(acs).toEqual({
      id: ACS_ID,
      name: 'contosofailover-acs',
      endpoint: h.sim.baseUrl,
      primaryKey: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/),
      secondaryKey: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/),
      connectionString: `endpoint=${h.sim.baseUrl}/;accesskey=${acs.primaryKey}`,
      senderAddresses: [SENDER],
    });
    expect(acs.secondaryKey).not.toBe(acs.primaryKey);
  });

  it('sends with an access key: 202, the operation polled until Succeeded, and the message recorded exactly', async () => {
    const poller = await client().beginSend(message(), { updateIntervalInMs: 20 });
    expect(poller.getOperationState().status).toBe('running');
    const result = await poller.pollUntilDone();
    expect(result).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'Succeeded' });
    const sent = await emails();
    expect(sent).toEqual([
      {
        seq: 1,
        operationId: result.id,
        resource: 'contosofailover-acs',
        at: expect.any(String),
        caller: 'access-key:contosofailover-acs',
        status: 'Succeeded',
        sender: SENDER,
        to: [{ address: 'media-oncall@contoso.example', displayName: 'Media on-call' }],
        cc: [{ address: 'lead@contoso.example' }],
        bcc: [{ address: 'audit@contoso.example' }],
        replyTo: [],
        subject: 'Failover started: media-streaming',
        plainText: 'West Europe is down.',
        html: '<p>West Europe is down.</p>',
        headers: { 'X-Failover-Incident': 'inc-1' },
        attachments: [],
        userEngagementTrackingDisabled: null,
      },
    ]);
    expect(await emails('?to=LEAD@contoso.example')).toHaveLength(1);
    expect(await emails('?to=someone@contoso.example')).toEqual([]);
    expect(await emails('?since=1')).toEqual([]);
  });

  it('sends with the connection string and with the secondary key', async () => {
    await (await client(acs.connectionString).beginSend(message(), { updateIntervalInMs: 20 })).pollUntilDone();
    await (await client(new AzureKeyCredential(acs.secondaryKey)).beginSend(message(), { updateIntervalInMs: 20 })).pollUntilDone();
    expect((await emails()).map((m) => m.seq)).toEqual([1, 2]);
  });

  it('sends with an Entra token for Communication Services, and refuses one for another audience', async () => {
    const token = (scope: string) => ({ getToken: async () => ({ token: simToken('failover-orchestrator', scope), expiresOnTimestamp: Date.now() + 3_600_000 }) });
    const entra = new EmailClient(acs.endpoint, token('https://communication.azure.com//.default'), { tlsOptions: { ca: h.sim.ca } });
    const done = await (await entra.beginSend(message(), { updateIntervalInMs: 20 })).pollUntilDone();
    expect(done.status).toBe('Succeeded');
    expect((await emails()).map((m) => [m.caller, m.resource])).toEqual([['failover-orchestrator', 'contosofailover-acs']]);

    const arm = new EmailClient(acs.endpoint, token('https://management.azure.com/.default'), { tlsOptions: { ca: h.sim.ca }, retryOptions: { maxRetries: 0 } });
    const refused = await rejection(arm.beginSend(message()));
    expect(refused).toMatchObject({ statusCode: 401, code: 'Denied' });
  });

  it('refuses a wrong key, a tampered body and a stale date with 401 Denied in the ACS error shape', async () => {
    const wrong = await rejection(client(new AzureKeyCredential(Buffer.alloc(64, 7).toString('base64'))).beginSend(message()));
    expect(wrong).toMatchObject({ statusCode: 401, code: 'Denied', message: 'Denied by the resource provider. The signature matches no access key of a Communication Services resource.' });

    const signed = await signedHeaders('POST', '/emails:send?api-version=2025-09-01', JSON.stringify(message()));
    const tampered = await h.call('POST', '/emails:send?api-version=2025-09-01', JSON.stringify({ ...message(), content: { subject: 'changed', plainText: 'x' } }), signed);
    expect(tampered.status).toBe(401);
    expect(tampered.body).toEqual({ error: { code: 'Denied', message: "Denied by the resource provider. 'x-ms-content-sha256' is not the base64 SHA-256 of the request body." } });
    expect(tampered.headers['x-ms-error-code']).toBe('Denied');

    const stale = await signedHeaders('GET', '/emails/operations/00000000-0000-0000-0000-000000000001?api-version=2025-09-01', '', new Date(Date.now() - 16 * 60_000));
    const old = await h.call('GET', '/emails/operations/00000000-0000-0000-0000-000000000001?api-version=2025-09-01', undefined, stale);
    expect(old).toMatchObject({ status: 401, body: { error: { code: 'Denied', message: "Denied by the resource provider. 'x-ms-date' must be the request's time, within 15 minutes of now." } } });

    const none = await h.call('POST', '/emails:send?api-version=2025-09-01', message(), { authorization: '' });
    expect(none.status).toBe(401);
    expect(await emails()).toEqual([]);
  });

  it('refuses invalid messages with 400 and the ACS error shape, naming the field', async () => {
    const cases: Array<[Partial<EmailMessage> | Record<string, unknown>, string, string, string]> = [
      [{ senderAddress: 'failover@elsewhere.example' }, 'DomainNotLinked', 'The specified sender domain has not been linked.', 'senderAddress'],
      [{ senderAddress: 'someone@notify.contoso.example' }, 'InvalidSenderUserName', "The sender user name 'someone' is not one of domain 'notify.contoso.example': failover.", 'senderAddress'],
      [{ recipients: { to: [] } }, 'NoRecipients', 'The message has no recipient: give at least one in recipients.to, cc or bcc.', 'recipients'],
      [{ recipients: { to: [{ address: 'not-an-address' }] } }, 'InvalidEmailAddress', `'recipients.to[0].address' is not a valid email address: "not-an-address".`, 'recipients.to[0].address'],
      [{ recipients: { to: Array.from({ length: 51 }, (_, i) => ({ address: `p${i}@contoso.example` })) } }, 'TooManyRecipients', 'The message has 51 recipients; at most 50 are allowed in to, cc and bcc together.', 'recipients'],
      [{ content: { subject: ' ', plainText: 'x' } }, 'EmptySubject', "'content.subject' is required and must not be empty.", 'content.subject'],
      [{ content: { subject: 'Hello' } }, 'EmptyContent', "The message needs a body: 'content.plainText' or 'content.html'.", 'content'],
    ];
    const c = client();
    for (const [over, code, text, target] of cases) {
      const err = await rejection(c.beginSend(message(over as Partial<EmailMessage>)));
      expect({ status: err.statusCode, code: err.code, message: err.message }).toEqual({ status: 400, code, message: text });
      const raw = await h.call('POST', '/emails:send?api-version=2025-09-01', { ...message(), ...over }, await signedHeaders('POST', '/emails:send?api-version=2025-09-01', JSON.stringify({ ...message(), ...over })));
      expect(raw.body).toEqual({ error: { code, message: text, target } });
    }
    const unknown = { ...message(), priority: 'high' };
    const extra = await h.call('POST', '/emails:send?api-version=2025-09-01', unknown, await signedHeaders('POST', '/emails:send?api-version=2025-09-01', JSON.stringify(unknown)));
    expect(extra).toMatchObject({ status: 400, body: { error: { code: 'InvalidRequest', target: 'priority' } } });
    const version = await h.call('POST', '/emails:send?api-version=2023-03-31', message(), await signedHeaders('POST', '/emails:send?api-version=2023-03-31', JSON.stringify(message())));
    expect(version).toMatchObject({ status: 400, body: { error: { code: 'InvalidApiVersion', target: 'api-version' } } });
    expect(await emails()).toEqual([]);
  });

  it('sends once per Operation-Id: the same message again answers the first operation, another message is 409', async () => {
    const operationId = '5b3c1c6e-7f39-4b55-9c0c-1d2e3f4a5b6c';
    const first = await (await client().beginSend(message(), { operationId, updateIntervalInMs: 20 })).pollUntilDone();
    const again = await (await client().beginSend(message(), { operationId, updateIntervalInMs: 20 })).pollUntilDone();
    expect([first.id, again.id]).toEqual([operationId, operationId]);
    expect(await emails()).toHaveLength(1);
    const other = await rejection(client().beginSend(message({ content: { subject: 'Another', plainText: 'x' } }), { operationId }));
    expect(other).toMatchObject({ statusCode: 409, code: 'OperationIdConflict' });
    const bad = await h.call('POST', '/emails:send?api-version=2025-09-01', message(), { ...(await signedHeaders('POST', '/emails:send?api-version=2025-09-01', JSON.stringify(message()))), 'operation-id': 'nope' });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'InvalidOperationId', target: 'Operation-Id' } } });
  });

  it('answers Running then Succeeded at the Operation-Location, and 404 for an operation it did not start', async () => {
    const path = '/emails:send?api-version=2025-09-01';
    const body = JSON.stringify(message());
    const sent = await h.call('POST', path, body, await signedHeaders('POST', path, body));
    expect(sent.status).toBe(202);
    const id = (sent.body as { id: string }).id;
    expect(sent.body).toEqual({ id, status: 'Running' });
    expect(sent.headers['operation-location']).toBe(`${h.sim.baseUrl}/emails/operations/${id}?api-version=2025-09-01`);
    expect(sent.headers['retry-after']).toBe('1');
    const statusPath = `/emails/operations/${id}?api-version=2025-09-01`;
    const running = await h.call('GET', statusPath, undefined, await signedHeaders('GET', statusPath, ''));
    expect(running).toMatchObject({ status: 200, body: { id, status: 'Running' } });
    await new Promise((r) => setTimeout(r, 1_050));
    const done = await h.call('GET', statusPath, undefined, await signedHeaders('GET', statusPath, ''));
    expect(done).toMatchObject({ status: 200, body: { id, status: 'Succeeded' } });
    expect(done.headers['retry-after']).toBeUndefined();
    const missing = '/emails/operations/00000000-0000-0000-0000-000000000001?api-version=2025-09-01';
    expect(await h.call('GET', missing, undefined, await signedHeaders('GET', missing, ''))).toMatchObject({ status: 404, body: { error: { code: 'NotFound' } } });
  });

  it('forgets the record on reset', async () => {
    await (await client().beginSend(message(), { updateIntervalInMs: 20 })).pollUntilDone();
    expect(await emails()).toHaveLength(1);
    await h.control('POST', '/_sim/reset');
    expect(await emails()).toEqual([]);
  });
});

/** The headers the SDK's access-key policy would send, computed the way the ACS HMAC tutorial describes. */
async function signedHeaders(method: string, pathAndQuery: string, body: string, at = new Date()): Promise<Record<string, string>> {
  const { createHash, createHmac } = await import('node:crypto');
  const host = new URL(h.sim.baseUrl).host;
  const date = at.toUTCString();
  const hash = createHash('sha256').update(body).digest('base64');
  const signature = createHmac('sha256', Buffer.from(acs.primaryKey, 'base64')).update(`${method}\n${pathAndQuery}\n${date};${host};${hash}`).digest('base64');
  return { host, 'x-ms-date': date, 'x-ms-content-sha256': hash, authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}` };
}
