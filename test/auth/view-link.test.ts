/**
 * Signed view links (lib/auth/view-link.ts): what they carry, how long they work, and that a view
 * link and an action link can never stand in for each other, whatever their claims say.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newActionLinkClaims, signActionLink, verifyActionLink } from '../../lib/auth/action-link.js';
import { newViewLinkClaims, signViewLink, VIEW_LINK_LIFETIME_MS, verifyViewLink, viewLinkUrl } from '../../lib/auth/view-link.js';

const SECRET = 'view-link-test-secret-of-32-characters-at-least';
const OLD = 'the-retired-secret-of-32-characters-at-least!!';
const NOW = new Date('2026-11-23T09:14:00Z');
const ID = 'incident-0123456789abcdef0123-20261123091400000';

describe('signed view links', () => {
  it('carry one incident until their expiry, fourteen days on; any configured secret verifies', () => {
    const claims = newViewLinkClaims(ID, NOW);
    expect(claims).toEqual({ incidentId: ID, expiresAt: new Date(NOW.getTime() + VIEW_LINK_LIFETIME_MS) });
    expect(VIEW_LINK_LIFETIME_MS).toBe(14 * 24 * 3600_000);
    const token = signViewLink(claims, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyViewLink(token, [SECRET], NOW)).toEqual({ ok: true, claims });
    expect(verifyViewLink(signViewLink(claims, OLD), [SECRET, OLD], NOW)).toEqual({ ok: true, claims });
    expect(verifyViewLink(token, [SECRET], claims.expiresAt)).toEqual({ ok: false, reason: 'expired', detail: `the link expired at ${claims.expiresAt.toISOString()}`, claims });
    expect(viewLinkUrl('https://failover.contoso.example/', token)).toBe(`https://failover.contoso.example/api/pages/${token}`);
  });

  it('is no action link, and no action link is a view link', () => {
    const view = signViewLink(newViewLinkClaims(ID, NOW), SECRET);
    expect(verifyActionLink(view, [SECRET], NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const action = signActionLink(newActionLinkClaims({ incidentId: ID, action: 'approve', direction: 'failover', round: 1 }, NOW), SECRET);
    expect(verifyViewLink(action, [SECRET], NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    // An action link's claims signed as a view link are still refused: the kind is checked too.
    const [payload] = action.split('.') as [string];
    const key = createHmac('sha256', SECRET).update('failover-orchestrator incident page view link v1').digest();
    const resigned = `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
    expect(verifyViewLink(resigned, [SECRET], NOW)).toEqual({ ok: false, reason: 'malformed', detail: 'the token is not a view link this app reads' });
  });

  it('refuses what is altered, cut or not a token, without throwing', () => {
    const token = signViewLink(newViewLinkClaims(ID, NOW), SECRET);
    const [payload, signature] = token.split('.') as [string, string];
    const wire = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const longer = `${Buffer.from(JSON.stringify({ ...wire, e: (wire['e'] as number) + 1 })).toString('base64url')}.${signature}`;
    expect(verifyViewLink(longer, [SECRET], NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyViewLink(token, ['another-secret-of-32-characters-at-least!!'], NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    for (const bad of ['', 'x', `${payload}.${signature.slice(1)}`, `${payload}.${signature}.x`, `${payload}!.${signature}`, 'a'.repeat(700), 42, null]) {
      expect(verifyViewLink(bad, [SECRET], NOW)).toMatchObject({ ok: false, reason: 'malformed' });
    }
    expect(() => signViewLink(newViewLinkClaims(ID, NOW), 'short')).toThrow('a link secret has at least 32 characters');
    expect(() => signViewLink(newViewLinkClaims('', NOW), SECRET)).toThrow('cannot sign a view link: incidentId must be 1-200 characters');
  });
});
