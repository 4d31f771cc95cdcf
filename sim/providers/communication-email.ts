/**
 * Azure Communication Services Email, the data plane `@azure/communication-email` 1.1.0 calls
 * (api-version 2025-09-01, `CommunicationServicesEmail.json` vendored under test/contracts):
 *
 *   POST /emails:send?api-version=                       202 { id, status: Running }, Operation-Location
 *   GET  /emails/operations/{operationId}?api-version=    200 { id, status } (Running, then Succeeded)
 *
 * In Azure these sit at the root of a Communication Services resource's own host
 * (`https://{resource}.{geo}.communication.azure.com`); the SDK refuses an endpoint with a path, so
 * the simulator answers them at the root of its own URL, for every Communication Services
 * resource of the estate at once: the access key a request is signed with says which resource it
 * is for, and with an Entra token the sender's domain does (the domain a resource has linked).
 *
 * Behaviour, with its source (sim/FIDELITY.md repeats it):
 * - Authentication (https://learn.microsoft.com/azure/communication-services/concepts/authentication,
 *   tutorials/hmac-header-tutorial): an access key signs `VERB\nPATH?QUERY\n{x-ms-date};{host};
 *   {x-ms-content-sha256}` with HMAC-SHA256 under the base64-decoded key, sent as
 *   `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=…`. The
 *   simulator checks every part: the signed headers are there, the content hash is the body's,
 *   the date is within 15 minutes of now (App Configuration's HMAC reference states the window;
 *   assumed the same here), and the signature is one of a resource's two keys'. Or an Entra token
 *   for `https://communication.azure.com` (the SDK asks for `https://communication.azure.com//.default`).
 *   Anything else is 401 `Denied` (the code and message ACS answers for a bad signature, as
 *   reported in SDK issues; assumed for the other refusals). Role assignments are not checked.
 * - The message (the spec's EmailMessage, and the service limits page,
 *   https://learn.microsoft.com/azure/communication-services/concepts/service-limits#email): the
 *   sender's domain must be linked to the resource (`linkedDomains` of the Communication Services
 *   resource name `Microsoft.Communication/emailServices/domains` resources; 400 `DomainNotLinked`,
 *   "The specified sender domain has not been linked.", the service's words) and its user name one
 *   of the domain's sender usernames (`…/domains/{d}/senderUsernames/{u}`; a domain without any has
 *   `DoNotReply`, which Azure creates with every domain; else 400 `InvalidSenderUserName`, assumed);
 *   at least one recipient and at most 50 in to, cc and bcc together; every address well formed; a
 *   subject; a plain-text or an HTML body; custom headers as strings; attachments named, typed and
 *   base64; the whole request at most 10 MB (the spec says so of attachments). Properties the spec
 *   does not define are refused. Each is 400 in the common data-plane ErrorResponse
 *   (`{ error: { code, message, target } }`) with `x-ms-error-code`; codes other than
 *   DomainNotLinked are assumed (the service documents none).
 * - `Operation-Id` (a UUID; the spec: "If an ID is not provided by the customer, the service will
 *   generate one"): sending again under an id already used, with the same message, sends nothing
 *   more and answers the first send's operation, so a client may retry a send it is unsure of
 *   (assumed: the service documents no repeat semantics); a different message under a used id is
 *   409 `OperationIdConflict` (assumed).
 * - A send is accepted with 202, `Operation-Location` (the operation's status URL, with the
 *   api-version) and `retry-after: 1`; its status is Running until one Azure second after it was
 *   accepted, then Succeeded (assumed timing; the examples show Running, Succeeded and Failed).
 *   An operation id the resource did not issue is 404 `NotFound` (assumed).
 * - api-version: required, and 2025-09-01 only (the one the SDK sends and the spec vendored);
 *   otherwise 400 `InvalidApiVersion` (assumed wording).
 * Every accepted message is kept, in order, with who sent it and when: `GET /_sim/emails` (control.ts)
 * is what a rehearsal's inbox looks like. A reset forgets the messages and operations.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Simulator } from '../simulator.js';
import type { Store } from '../store.js';
import type { ErrorFormat, Route, SimRequest, SimResource, SimResponse } from '../types.js';
import { simTokenClaims } from './identity.js';

/** The operation log's name for a send: what tests tell apart from changes to the estate. */
export const EMAIL_SEND_OPERATION = 'Microsoft.Communication/CommunicationServices/emails/send';

export const EMAIL_API_VERSIONS = ['2025-09-01'] as const;
export const COMMUNICATION_SERVICES_TYPE = 'Microsoft.Communication/communicationServices';
const DOMAIN_TYPE = 'Microsoft.Communication/emailServices/domains';
/** The audience of Entra tokens for Communication Services. */
export const COMMUNICATION_AUDIENCE = 'https://communication.azure.com';
const MAX_RECIPIENTS = 50;
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
const CLOCK_SKEW_MS = 15 * 60_000;
/** Azure time from acceptance to Succeeded. */
const SEND_MS = 1_000;
const DEFAULT_SENDER_USERNAME = 'DoNotReply';
const SIGNED_HEADERS = ['x-ms-date', 'host', 'x-ms-content-sha256'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Local part and domain with a dot; no spaces, one `@`. */
const ADDRESS = /^[^\s@<>()[\],;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** A caller authenticated by an access key: `access-key:<resource name>`. */
const KEY_CALLER = 'access-key:';

export interface EmailRecipient {
  address: string;
  displayName?: string;
}

/** One message the simulator accepted, as `GET /_sim/emails` lists it. */
export interface SentEmail extends Message {
  seq: number;
  operationId: string;
  /** The Communication Services resource it was sent through (its name). */
  resource: string;
  /** When it was accepted, simulator time (ISO). */
  at: string;
  /** Who sent it: the token's client id, or `access-key:<resource>`. */
  caller: string;
  /** Running, then Succeeded. */
  status: 'Running' | 'Succeeded';
}

/** A Communication Services resource as the control API shows it: where to send, with which keys and from which addresses. */
export interface CommunicationResourceView {
  id: string;
  name: string;
  endpoint: string;
  primaryKey: string;
  secondaryKey: string;
  /** `endpoint=…;accesskey=…`, as the portal's Keys page gives it. */
  connectionString: string;
  /** The MailFrom addresses its linked domains allow. */
  senderAddresses: string[];
}

interface Operation {
  id: string;
  resourceId: string;
  acceptedAt: number;
  /** The message as sent, canonical: a repeat under the same Operation-Id must match it. */
  fingerprint: string;
  seq: number;
}

interface EmailState {
  secret: Buffer;
  messages: SentEmail[];
  operations: Map<string, Operation>;
}

const states = new WeakMap<Simulator, EmailState>();

function stateOf(sim: Simulator): EmailState {
  let state = states.get(sim);
  if (state === undefined) {
    state = { secret: randomBytes(32), messages: [], operations: new Map() };
    states.set(sim, state);
    const s = state;
    sim.onReset(() => {
      s.messages.splice(0);
      s.operations.clear();
    });
  }
  return state;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function emailError(status: number, code: string, message: string, target?: string, headers: Record<string, string> = {}): SimResponse {
  return { status, body: { error: { code, message, ...(target !== undefined ? { target } : {}) } }, headers: { 'x-ms-error-code': code, ...headers } };
}

/** The pipeline's refusals (injected faults, throttling) in the service's ErrorResponse, with x-ms-error-code. */
const pipelineErrors: ErrorFormat = ({ status, code, message, headers = {} }) => emailError(status, code, message, undefined, headers);

/** A resource's access key: 64 bytes, base64, stable for the simulator's life. */
function accessKey(state: EmailState, resourceId: string, which: 'primary' | 'secondary'): string {
  return createHmac('sha512', state.secret).update(`${resourceId.toLowerCase()}|${which}`).digest('base64');
}

function communicationResources(sim: Simulator): SimResource[] {
  return sim.store.ofType(COMMUNICATION_SERVICES_TYPE);
}

/** The email domains a Communication Services resource has linked, with the sender user names each allows. */
function linkedDomains(store: Store, resource: SimResource): Array<{ domain: string; usernames: string[] }> {
  const ids = Array.isArray(resource.properties['linkedDomains']) ? resource.properties['linkedDomains'].filter((d): d is string => typeof d === 'string') : [];
  return ids.flatMap((id) => {
    const domain = store.get(id);
    if (domain === undefined || domain.type.toLowerCase() !== DOMAIN_TYPE.toLowerCase()) return [];
    const from = domain.properties['mailFromSenderDomain'];
    const name = typeof from === 'string' && from !== '' ? from : domain.name;
    const senders = store.children(domain.id, 'senderUsernames').map((s) => (typeof s.properties['username'] === 'string' ? s.properties['username'] : s.name));
    return [{ domain: name.toLowerCase(), usernames: senders.length > 0 ? senders : [DEFAULT_SENDER_USERNAME] }];
  });
}

/** The control API's view of the estate's Communication Services resources. */
export function communicationResourceViews(sim: Simulator): CommunicationResourceView[] {
  const state = stateOf(sim);
  return communicationResources(sim).map((r) => {
    const primaryKey = accessKey(state, r.id, 'primary');
    return {
      id: r.id,
      name: r.name,
      endpoint: sim.baseUrl,
      primaryKey,
      secondaryKey: accessKey(state, r.id, 'secondary'),
      connectionString: `endpoint=${sim.baseUrl}/;accesskey=${primaryKey}`,
      senderAddresses: senderAddresses(sim.store, r),
    };
  });
}

/** The MailFrom addresses a Communication Services resource's linked domains allow. */
export function senderAddresses(store: Store, resource: SimResource): string[] {
  return linkedDomains(store, resource).flatMap((d) => d.usernames.map((u) => `${u}@${d.domain}`));
}

/** The messages accepted so far, oldest first, with each one's status now; `to` keeps those with that recipient (to, cc or bcc). */
export function sentEmails(sim: Simulator, filter: { to?: string; since?: number } = {}): SentEmail[] {
  const state = stateOf(sim);
  const now = sim.clock.now();
  const to = filter.to?.toLowerCase();
  return state.messages
    .filter((m) => filter.since === undefined || m.seq > filter.since)
    .filter((m) => to === undefined || [...m.to, ...m.cc, ...m.bcc].some((r) => r.address.toLowerCase() === to))
    .map((m) => ({ ...structuredClone(m), status: statusAt(state.operations.get(m.operationId.toLowerCase()), now) }));
}

function statusAt(op: Operation | undefined, now: number): 'Running' | 'Succeeded' {
  return op !== undefined && now - op.acceptedAt < SEND_MS ? 'Running' : 'Succeeded';
}

/**
 * Who signed or holds the token: `access-key:<resource>` for a valid signature, the client id for
 * a Communication Services token; else the 401 to answer.
 */
function authenticate(sim: Simulator, request: SimRequest, raw: { url: string; body: Buffer }): string | SimResponse {
  const auth = request.headers['authorization'] ?? '';
  const denied = (why: string): SimResponse => emailError(401, 'Denied', `Denied by the resource provider. ${why}`);
  if (/^bearer\s+/i.test(auth)) {
    const claims = simTokenClaims(auth.replace(/^bearer\s+/i, '').trim());
    const audience = claims?.scope?.replace(/\/\.default$/, '').replace(/\/+$/, '');
    if (audience !== COMMUNICATION_AUDIENCE) {
      return denied(`The access token is not for ${COMMUNICATION_AUDIENCE} (audience '${audience ?? 'unknown'}'): ask for the scope ${COMMUNICATION_AUDIENCE}/.default.`);
    }
    return claims?.appid ?? 'unknown';
  }
  const m = /^HMAC-SHA256\s+SignedHeaders=([^&\s]+)&Signature=(\S+)$/i.exec(auth);
  if (m === null) return denied("The 'Authorization' header is missing or is neither 'HMAC-SHA256 SignedHeaders=…&Signature=…' nor 'Bearer …'.");
  const signed = m[1]!.toLowerCase().split(';');
  const missing = SIGNED_HEADERS.filter((h) => !signed.includes(h) && !(h === 'x-ms-date' && signed.includes('date')));
  if (missing.length > 0) return denied(`SignedHeaders must include ${SIGNED_HEADERS.join(';')}; missing ${missing.join(', ')}.`);
  const values: string[] = [];
  for (const name of signed) {
    const value = request.headers[name];
    if (value === undefined) return denied(`The signed header '${name}' is not in the request.`);
    values.push(value);
  }
  const contentHash = createHash('sha256').update(raw.body).digest('base64');
  if (request.headers['x-ms-content-sha256'] !== contentHash) return denied("'x-ms-content-sha256' is not the base64 SHA-256 of the request body.");
  const date = Date.parse(request.headers['x-ms-date'] ?? request.headers['date'] ?? '');
  if (!Number.isFinite(date) || Math.abs(Date.now() - date) > CLOCK_SKEW_MS) return denied("'x-ms-date' must be the request's time, within 15 minutes of now.");
  const stringToSign = `${request.method}\n${raw.url}\n${values.join(';')}`;
  let given: Buffer;
  try {
    given = Buffer.from(m[2]!, 'base64');
  } catch {
    return denied('The signature is not base64.');
  }
  const state = stateOf(sim);
  for (const resource of communicationResources(sim)) {
    for (const which of ['primary', 'secondary'] as const) {
      const expected = createHmac('sha256', Buffer.from(accessKey(state, resource.id, which), 'base64')).update(stringToSign, 'utf8').digest();
      if (expected.length === given.length && timingSafeEqual(expected, given)) return `${KEY_CALLER}${resource.name}`;
    }
  }
  return denied('The signature matches no access key of a Communication Services resource.');
}

function apiVersionProblem(request: SimRequest): SimResponse | undefined {
  const version = request.query.get('api-version');
  if (version !== null && (EMAIL_API_VERSIONS as readonly string[]).includes(version)) return undefined;
  return emailError(400, 'InvalidApiVersion', version === null || version === '' ? "The 'api-version' query parameter is required." : `The api-version '${version}' is not supported; supported: ${EMAIL_API_VERSIONS.join(', ')}.`, 'api-version');
}

/** A message that passed validation. */
export interface Message {
  sender: string;
  to: EmailRecipient[];
  cc: EmailRecipient[];
  bcc: EmailRecipient[];
  replyTo: EmailRecipient[];
  subject: string;
  plainText: string | null;
  html: string | null;
  headers: Record<string, string>;
  attachments: Array<{ name: string; contentType: string; bytes: number }>;
  userEngagementTrackingDisabled: boolean | null;
}

class Invalid extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly target: string,
  ) {
    super(message);
  }
}

function only(obj: Record<string, unknown>, allowed: string[], at: string): void {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw new Invalid('InvalidRequest', `'${at === '' ? '' : `${at}.`}${extra[0]}' is not a property of ${at === '' ? 'the message' : `'${at}'`}; allowed: ${allowed.join(', ')}.`, `${at === '' ? '' : `${at}.`}${extra[0]}`);
}

function optionalString(obj: Record<string, unknown>, key: string, at: string): string | null {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new Invalid('InvalidRequest', `'${at}' must be a string.`, at);
  return v;
}

function addresses(value: unknown, at: string): EmailRecipient[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Invalid('InvalidRequest', `'${at}' must be a list of { address, displayName? }.`, at);
  return value.map((item, i) => {
    const where = `${at}[${i}]`;
    if (!isRecord(item)) throw new Invalid('InvalidRequest', `'${where}' must be { address, displayName? }.`, where);
    only(item, ['address', 'displayName'], where);
    const address = item['address'];
    if (typeof address !== 'string' || !ADDRESS.test(address)) throw new Invalid('InvalidEmailAddress', `'${where}.address' is not a valid email address: ${JSON.stringify(address)}.`, `${where}.address`);
    const displayName = optionalString(item, 'displayName', `${where}.displayName`);
    return { address, ...(displayName !== null ? { displayName } : {}) };
  });
}

function parseMessage(body: unknown): Message {
  if (!isRecord(body)) throw new Invalid('InvalidRequest', 'The request body must be an email message: { senderAddress, content, recipients }.', 'emailMessage');
  only(body, ['headers', 'senderAddress', 'content', 'recipients', 'attachments', 'replyTo', 'userEngagementTrackingDisabled'], '');
  const sender = body['senderAddress'];
  if (typeof sender !== 'string' || sender === '') throw new Invalid('InvalidRequest', "'senderAddress' is required: a MailFrom address of a domain linked to the resource.", 'senderAddress');
  if (!ADDRESS.test(sender)) throw new Invalid('InvalidSenderAddress', `'senderAddress' is not a valid email address: ${JSON.stringify(sender)}.`, 'senderAddress');

  const content = body['content'];
  if (!isRecord(content)) throw new Invalid('InvalidRequest', "'content' is required: { subject, plainText?, html? }.", 'content');
  only(content, ['subject', 'plainText', 'html'], 'content');
  const subject = content['subject'];
  if (typeof subject !== 'string' || subject.trim() === '') throw new Invalid('EmptySubject', "'content.subject' is required and must not be empty.", 'content.subject');
  const plainText = optionalString(content, 'plainText', 'content.plainText');
  const html = optionalString(content, 'html', 'content.html');
  if ((plainText ?? '') === '' && (html ?? '') === '') throw new Invalid('EmptyContent', "The message needs a body: 'content.plainText' or 'content.html'.", 'content');

  const recipients = body['recipients'];
  if (!isRecord(recipients)) throw new Invalid('InvalidRequest', "'recipients' is required: { to, cc?, bcc? }.", 'recipients');
  only(recipients, ['to', 'cc', 'bcc'], 'recipients');
  if (!Array.isArray(recipients['to'])) throw new Invalid('InvalidRequest', "'recipients.to' is required: a list of { address, displayName? }.", 'recipients.to');
  const to = addresses(recipients['to'], 'recipients.to');
  const cc = addresses(recipients['cc'], 'recipients.cc');
  const bcc = addresses(recipients['bcc'], 'recipients.bcc');
  const count = to.length + cc.length + bcc.length;
  if (count === 0) throw new Invalid('NoRecipients', 'The message has no recipient: give at least one in recipients.to, cc or bcc.', 'recipients');
  if (count > MAX_RECIPIENTS) throw new Invalid('TooManyRecipients', `The message has ${count} recipients; at most ${MAX_RECIPIENTS} are allowed in to, cc and bcc together.`, 'recipients');
  const replyTo = addresses(body['replyTo'], 'replyTo');

  const headers: Record<string, string> = {};
  if (body['headers'] !== undefined && body['headers'] !== null) {
    if (!isRecord(body['headers'])) throw new Invalid('InvalidRequest', "'headers' must be an object of header names to string values.", 'headers');
    for (const [k, v] of Object.entries(body['headers'])) {
      if (typeof v !== 'string') throw new Invalid('InvalidRequest', `'headers.${k}' must be a string.`, `headers.${k}`);
      headers[k] = v;
    }
  }
  const attachments: Message['attachments'] = [];
  if (body['attachments'] !== undefined && body['attachments'] !== null) {
    if (!Array.isArray(body['attachments'])) throw new Invalid('InvalidRequest', "'attachments' must be a list of { name, contentType, contentInBase64 }.", 'attachments');
    body['attachments'].forEach((a, i) => {
      const at = `attachments[${i}]`;
      if (!isRecord(a)) throw new Invalid('InvalidRequest', `'${at}' must be { name, contentType, contentInBase64 }.`, at);
      only(a, ['name', 'contentType', 'contentInBase64'], at);
      const [name, contentType, data] = [a['name'], a['contentType'], a['contentInBase64']];
      if (typeof name !== 'string' || name === '') throw new Invalid('InvalidAttachment', `'${at}.name' is required.`, `${at}.name`);
      if (typeof contentType !== 'string' || contentType === '') throw new Invalid('InvalidAttachment', `'${at}.contentType' is required.`, `${at}.contentType`);
      if (typeof data !== 'string' || !BASE64.test(data)) throw new Invalid('InvalidAttachment', `'${at}.contentInBase64' must be base64.`, `${at}.contentInBase64`);
      attachments.push({ name, contentType, bytes: Buffer.from(data, 'base64').length });
    });
  }
  const tracking = body['userEngagementTrackingDisabled'];
  if (tracking !== undefined && tracking !== null && typeof tracking !== 'boolean') throw new Invalid('InvalidRequest', "'userEngagementTrackingDisabled' must be true or false.", 'userEngagementTrackingDisabled');
  return { sender, to, cc, bcc, replyTo, subject, plainText, html, headers, attachments, userEngagementTrackingDisabled: typeof tracking === 'boolean' ? tracking : null };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

export function communicationEmailRoutes(sim: Simulator): Route[] {
  const state = stateOf(sim);
  const statusUrl = (id: string) => `${sim.baseUrl}/emails/operations/${id}?api-version=${EMAIL_API_VERSIONS[0]}`;
  const resourceByName = (name: string) => communicationResources(sim).find((r) => r.name === name);
  const authenticateRoute = (request: SimRequest, raw: { url: string; body: Buffer }) => authenticate(sim, request, raw);

  const answer = (op: Operation, status: number): SimResponse => {
    const now = statusAt(op, sim.clock.now());
    return { status, body: { id: op.id, status: now }, headers: { ...(status === 202 ? { 'Operation-Location': statusUrl(op.id) } : {}), ...(now === 'Running' ? { 'retry-after': '1' } : {}) } };
  };

  return [
    {
      method: 'POST',
      pattern: '/emails:send',
      operation: EMAIL_SEND_OPERATION,
      arm: false,
      errors: pipelineErrors,
      authenticate: authenticateRoute,
      handle: ({ request }) => {
        const bad = apiVersionProblem(request);
        if (bad !== undefined) return bad;
        const requested = request.headers['operation-id'];
        if (requested !== undefined && !UUID.test(requested)) return emailError(400, 'InvalidOperationId', `The 'Operation-Id' header must be a UUID, got '${requested}'.`, 'Operation-Id');
        if (Buffer.byteLength(JSON.stringify(request.body ?? null)) > MAX_REQUEST_BYTES) return emailError(413, 'RequestTooLarge', 'The request is larger than 10 MB (the message and its attachments together).');
        let message: Message;
        try {
          message = parseMessage(request.body);
        } catch (err) {
          if (err instanceof Invalid) return emailError(400, err.code, err.message, err.target);
          throw err;
        }
        const [username, domain] = [message.sender.slice(0, message.sender.lastIndexOf('@')), message.sender.slice(message.sender.lastIndexOf('@') + 1).toLowerCase()];
        const byKey = request.caller.startsWith(KEY_CALLER) ? resourceByName(request.caller.slice(KEY_CALLER.length)) : undefined;
        const candidates = byKey !== undefined ? [byKey] : communicationResources(sim);
        const resource = candidates.find((r) => linkedDomains(sim.store, r).some((d) => d.domain === domain));
        if (resource === undefined) return emailError(400, 'DomainNotLinked', 'The specified sender domain has not been linked.', 'senderAddress');
        const linked = linkedDomains(sim.store, resource).find((d) => d.domain === domain)!;
        if (!linked.usernames.some((u) => u.toLowerCase() === username.toLowerCase())) {
          return emailError(400, 'InvalidSenderUserName', `The sender user name '${username}' is not one of domain '${domain}': ${linked.usernames.join(', ')}.`, 'senderAddress');
        }
        const fingerprint = canonical(request.body);
        const id = (requested ?? randomUUID()).toLowerCase();
        const key = `${resource.id.toLowerCase()}|${id}`;
        const earlier = state.operations.get(key);
        if (earlier !== undefined) {
          if (earlier.fingerprint !== fingerprint) return emailError(409, 'OperationIdConflict', `Operation-Id '${id}' was already used for another message; use a new id for a new message.`, 'Operation-Id');
          return answer(earlier, 202);
        }
        const seq = state.messages.length + 1;
        const op: Operation = { id, resourceId: resource.id, acceptedAt: sim.clock.now(), fingerprint, seq };
        state.operations.set(key, op);
        state.operations.set(id, op);
        state.messages.push({ seq, operationId: id, resource: resource.name, at: new Date(op.acceptedAt).toISOString(), caller: request.caller, status: 'Running', ...message });
        return answer(op, 202);
      },
    },
    {
      method: 'GET',
      pattern: '/emails/operations/{operationId}',
      operation: 'Microsoft.Communication/CommunicationServices/emails/operations/read',
      arm: false,
      errors: pipelineErrors,
      authenticate: authenticateRoute,
      handle: ({ request, params }) => {
        const bad = apiVersionProblem(request);
        if (bad !== undefined) return bad;
        const id = params['operationId']!.toLowerCase();
        const byKey = request.caller.startsWith(KEY_CALLER) ? resourceByName(request.caller.slice(KEY_CALLER.length)) : undefined;
        const op = byKey !== undefined ? state.operations.get(`${byKey.id.toLowerCase()}|${id}`) : state.operations.get(id);
        if (op === undefined) return emailError(404, 'NotFound', `The operation '${params['operationId']}' was not found.`, 'operationId');
        return answer(op, 200);
      },
    },
  ];
}
