/**
 * The approve and reject links of approval notifications: signed links when the app has a link
 * secret and knows its public address, bound to the request's direction and round and expiring
 * with it; the key-protected routes otherwise, as before.
 */
import { describe, expect, it } from 'vitest';
import { verifyActionLink } from '../../lib/auth/action-link.js';
import { VIEW_LINK_LIFETIME_MS, verifyViewLink } from '../../lib/auth/view-link.js';
import type { NotificationRequest } from '../../lib/incidents/types.js';
import { completeNotification } from '../../lib/steps/notify.js';
import type { StepDeps } from '../../lib/steps/deps.js';
import { runStepPhase } from '../../lib/steps/index.js';
import type { IncidentNotification } from '../../lib/notify/events.js';
import { sampleCatalog } from './support.js';

const SECRET = 'notify-links-test-secret-of-32-characters-at-least';
const BASE = 'https://failover.contoso.example';
const NOW = new Date('2026-11-23T09:14:00Z');
const ID = 'incident-0123456789abcdef0123-20261123091400000';

const request = (extra: Record<string, unknown> = {}): NotificationRequest =>
  ({
    type: 'approval-needed',
    incidentId: ID,
    workloads: ['purview-governance'],
    title: 'East US: Purview',
    direction: 'failback',
    round: 3,
    reason: 'the primary has been healthy for 30 min',
    expiresAt: '2026-11-23T09:44:00.000Z',
    onTimeout: 'escalate',
    ...extra,
  }) as NotificationRequest;

const tokenOf = (url: string) => decodeURIComponent(url.slice(`${BASE}/api/links/`.length));

describe('links in approval notifications', () => {
  it('are signed links bound to the request, expiring with it', async () => {
    const workloads = (await sampleCatalog()).workloads.filter((w) => w.id === 'purview-governance');
    const n = completeNotification(request(), workloads, BASE, NOW, SECRET);
    if (n.type !== 'approval-needed') throw new Error('not an approval');
    expect(n.approveUrl.startsWith(`${BASE}/api/links/`)).toBe(true);
    expect(n.rejectUrl.startsWith(`${BASE}/api/links/`)).toBe(true);
    const approve = verifyActionLink(tokenOf(n.approveUrl), [SECRET], NOW);
    const reject = verifyActionLink(tokenOf(n.rejectUrl), [SECRET], NOW);
    expect(approve).toMatchObject({ ok: true, claims: { incidentId: ID, action: 'approve', direction: 'failback', round: 3, expiresAt: new Date('2026-11-23T09:44:00.000Z') } });
    expect(reject).toMatchObject({ ok: true, claims: { action: 'reject', direction: 'failback', round: 3 } });
    // Each link has its own nonce: using one does not spend the other.
    if (approve.ok && reject.ok) expect(approve.claims.nonce).not.toBe(reject.claims.nonce);
    expect(verifyActionLink(tokenOf(n.approveUrl), [SECRET], new Date('2026-11-23T09:44:00.000Z'))).toMatchObject({ reason: 'expired' });
  });

  it('escalations get fresh links too; a request without an expiry or round gets an hour and no round', async () => {
    const workloads = (await sampleCatalog()).workloads.filter((w) => w.id === 'purview-governance');
    const n = completeNotification(request({ type: 'approval-escalated', waitingMs: 1_800_000, round: null, expiresAt: null }), workloads, BASE, NOW, SECRET);
    if (n.type !== 'approval-escalated') throw new Error('not an escalation');
    expect(verifyActionLink(tokenOf(n.approveUrl), [SECRET], NOW)).toMatchObject({
      ok: true,
      claims: { action: 'approve', round: null, expiresAt: new Date(NOW.getTime() + 60 * 60_000) },
    });
  });

  it('link the incident status to its page through a signed view link, which no action link accepts', async () => {
    const workloads = (await sampleCatalog()).workloads.filter((w) => w.id === 'purview-governance');
    const n = completeNotification(request({ type: 'incident-opened' }), workloads, BASE, NOW, SECRET);
    expect(n.statusUrl).toMatch(new RegExp(`^${BASE}/api/pages/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`));
    const token = decodeURIComponent(n.statusUrl!.slice(`${BASE}/api/pages/`.length));
    expect(verifyViewLink(token, [SECRET], NOW)).toEqual({ ok: true, claims: { incidentId: ID, expiresAt: new Date(NOW.getTime() + VIEW_LINK_LIFETIME_MS) } });
    expect(verifyActionLink(token, [SECRET], NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    // Without a secret: the incident's JSON, behind the on-call key, as before.
    expect(completeNotification(request({ type: 'incident-opened' }), workloads, BASE, NOW).statusUrl).toBe(`${BASE}/api/incidents/${ID}`);
  });

  it('are the key-protected routes without a secret, or without the public address', async () => {
    const workloads = (await sampleCatalog()).workloads.filter((w) => w.id === 'purview-governance');
    const plain = completeNotification(request(), workloads, BASE, NOW);
    expect(plain).toMatchObject({ approveUrl: `${BASE}/api/incidents/${ID}/approve`, rejectUrl: `${BASE}/api/incidents/${ID}/reject` });
    const noBase = completeNotification(request(), workloads, null, NOW, SECRET);
    expect(noBase).toMatchObject({ approveUrl: `/api/incidents/${ID}/approve` });
  });

  it('the playbooks\' own messages (playbook started) link the page through a view link too', async () => {
    const catalog = await sampleCatalog();
    const sent: IncidentNotification[] = [];
    const deps = {
      catalog: async () => catalog,
      notify: async (targets: readonly unknown[], n: IncidentNotification) => (sent.push(n), { delivered: targets.length, failed: 0 }),
      publicUrl: BASE,
      actionLinkSecret: SECRET,
      now: () => NOW,
    } as unknown as StepDeps;
    const result = await runStepPhase(deps, { incidentId: ID, workloadId: 'purview-governance', playbookKind: 'purview', direction: 'failover', step: 'announce', phase: 'action' });
    expect(result).toMatchObject({ ok: true, outcome: 'done' });
    expect(sent.map((n) => n.type)).toEqual(['playbook-started']);
    const token = decodeURIComponent(sent[0]!.statusUrl!.slice(`${BASE}/api/pages/`.length));
    expect(verifyViewLink(token, [SECRET], NOW)).toMatchObject({ ok: true, claims: { incidentId: ID } });
  });
});
