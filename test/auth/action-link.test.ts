import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actionLinkExpiry,
  newActionLinkClaims,
  signActionLink,
  verifyActionLink,
  type ActionLinkClaims,
} from '../../lib/auth/action-link.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters-0001';
const OLD_SECRET = 'the-secret-before-rotation-thirty-two-chars-0002';
const OTHER = 'someone-elses-secret-of-thirty-two-characters-03';
const NOW = new Date('2026-11-23T09:14:00Z');
const MIN = 60_000;

function claims(overrides: Partial<ActionLinkClaims> = {}): ActionLinkClaims {
  return {
    incidentId: 'incident-0123456789abcdef0123-20261123091400000',
    action: 'approve',
    direction: 'failover',
    round: 1,
    expiresAt: new Date(NOW.getTime() + 30 * MIN),
    nonce: 'nonce-0123456789abcdef',
    ...overrides,
  };
}

/** The token with its claims part replaced by `edit` of the decoded JSON, signature kept. */
function withClaims(token: string, edit: (wire: Record<string, unknown>) => void): string {
  const [payload, signature] = token.split('.') as [string, string];
  const wire = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  edit(wire);
  return `${Buffer.from(JSON.stringify(wire)).toString('base64url')}.${signature}`;
}

describe('signed action links', () => {
  it('verifies a token it signed and gives back its claims', () => {
    const token = signActionLink(claims(), SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyActionLink(token, [SECRET], NOW)).toEqual({ ok: true, claims: claims() });
    expect(verifyActionLink(token, [SECRET], NOW, { action: 'approve', incidentId: claims().incidentId })).toMatchObject({ ok: true });
    // Short enough for one URL path segment (IIS refuses segments over 260 characters).
    expect(token.length).toBeLessThan(260);
  });

  it('refuses altered claims: another action, incident, round, direction or a later expiry', () => {
    const token = signActionLink(claims(), SECRET);
    for (const edit of [
      (w: Record<string, unknown>) => void (w['a'] = 'reject'),
      (w: Record<string, unknown>) => void (w['i'] = 'incident-other'),
      (w: Record<string, unknown>) => void (w['r'] = 2),
      (w: Record<string, unknown>) => void (w['d'] = 'failback'),
      (w: Record<string, unknown>) => void (w['e'] = (w['e'] as number) + 24 * 60 * MIN),
    ]) {
      expect(verifyActionLink(withClaims(token, edit), [SECRET], NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    }
  });

  it('refuses an altered signature, and one made with another secret', () => {
    const token = signActionLink(claims(), SECRET);
    const [payload, signature] = token.split('.') as [string, string];
    const flipped = `${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(verifyActionLink(flipped, [SECRET], NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyActionLink(signActionLink(claims(), OTHER), [SECRET], NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyActionLink(token, [], NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('keeps links signed with a rotated-out secret working while it is still listed', () => {
    const before = signActionLink(claims(), OLD_SECRET);
    const after = signActionLink(claims(), SECRET);
    expect(verifyActionLink(before, [SECRET, OLD_SECRET], NOW)).toMatchObject({ ok: true });
    expect(verifyActionLink(after, [SECRET, OLD_SECRET], NOW)).toMatchObject({ ok: true });
    expect(verifyActionLink(before, [SECRET], NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('says a link expired, and how long ago', () => {
    const token = signActionLink(claims(), SECRET);
    const later = new Date(NOW.getTime() + 30 * MIN + 5 * MIN);
    expect(verifyActionLink(token, [SECRET], later)).toEqual({
      ok: false,
      reason: 'expired',
      expiredForMs: 5 * MIN,
      detail: 'the link expired 5 min ago (at 2026-11-23T09:44:00.000Z)',
      claims: claims(),
    });
    // At the very instant of expiry it no longer works.
    expect(verifyActionLink(token, [SECRET], claims().expiresAt)).toMatchObject({ reason: 'expired', expiredForMs: 0 });
  });

  it('says when a link is for another action or incident than the route', () => {
    const token = signActionLink(claims({ action: 'reject' }), SECRET);
    expect(verifyActionLink(token, [SECRET], NOW, { action: 'approve' })).toMatchObject({ ok: false, reason: 'wrong-action', detail: 'the link is for reject, not approve' });
    expect(verifyActionLink(token, [SECRET], NOW, { incidentId: 'incident-x' })).toMatchObject({ ok: false, reason: 'wrong-action' });
  });

  it('calls malformed what is not a token, and never throws', () => {
    const good = signActionLink(claims(), SECRET);
    const [payload, signature] = good.split('.') as [string, string];
    const signedJunk = (json: string) => {
      const p = Buffer.from(json).toString('base64url');
      // Correctly signed, so only the claims' shape can be wrong.
      return signActionLink(claims(), SECRET).replace(/^[^.]+/, p).replace(/\.[^.]+$/, `.${rehmac(p)}`);
    };
    const cases: unknown[] = [
      undefined,
      null,
      42,
      {},
      '',
      '.',
      '..',
      payload,
      `${payload}.`,
      `.${signature}`,
      `${payload}.${signature}.x`,
      `${payload}.${signature.slice(0, 20)}`,
      `${payload}.${signature}==`,
      `${payload}.${signature}%3D`,
      `${payload} .${signature}`,
      `${payload}.${signature.slice(0, -1)}${signature.endsWith('_') ? '-' : '_'}`, // a 43rd character whose low bits are not zero
      'x'.repeat(5000),
      signedJunk('not json'),
      signedJunk('[]'),
      signedJunk('null'),
      signedJunk('{"v":2}'),
      signedJunk('{"v":1,"i":"x","a":"approve","d":"failover","r":1,"n":"nonce-0123456789abcdef"}'),
      signedJunk('{"v":1,"i":"x","a":"delete","d":"failover","r":1,"e":1,"n":"nonce-0123456789abcdef"}'),
      signedJunk('{"v":1,"i":"x","a":"approve","d":null,"r":1,"e":1,"n":"nonce-0123456789abcdef"}'),
      signedJunk('{"v":1,"i":"x","a":"approve","d":"failover","r":"1","e":1,"n":"nonce-0123456789abcdef"}'),
      signedJunk('{"v":1,"i":"x","a":"approve","d":"failover","r":1,"e":1,"n":"short"}'),
      signedJunk('{"v":1,"i":"","a":"approve","d":"failover","r":1,"e":1,"n":"nonce-0123456789abcdef"}'),
    ];
    for (const token of cases) {
      const result = verifyActionLink(token, [SECRET], NOW);
      expect(result.ok, String(token).slice(0, 80)).toBe(false);
      if (!result.ok) expect(['malformed', 'bad-signature']).toContain(result.reason);
    }
    for (const token of cases.slice(17)) expect(verifyActionLink(token, [SECRET], NOW)).toMatchObject({ reason: 'malformed' });
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 80 }), (a, b) => {
        for (const token of [a, `${a}.${b}`, `${payload}.${b}`, `${a}.${signature}`]) {
          const result = verifyActionLink(token, [SECRET], NOW);
          if (result.ok) return false;
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('expires with the approval request, else in an hour, and never lives more than a day', () => {
    expect(actionLinkExpiry(NOW, '2026-11-23T09:44:00Z').toISOString()).toBe('2026-11-23T09:44:00.000Z');
    expect(actionLinkExpiry(NOW, null).getTime() - NOW.getTime()).toBe(60 * MIN);
    expect(actionLinkExpiry(NOW).getTime() - NOW.getTime()).toBe(60 * MIN);
    expect(actionLinkExpiry(NOW, 'not a date').getTime() - NOW.getTime()).toBe(60 * MIN);
    expect(actionLinkExpiry(NOW, new Date(NOW.getTime() + 7 * 24 * 60 * MIN)).getTime() - NOW.getTime()).toBe(24 * 60 * MIN);
  });

  it('gives each new link its own random nonce', () => {
    const a = newActionLinkClaims({ incidentId: 'i-1', action: 'approve', direction: 'failover', round: 1 }, NOW);
    const b = newActionLinkClaims({ incidentId: 'i-1', action: 'approve', direction: 'failover', round: 1 }, NOW);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(signActionLink(a, SECRET)).not.toBe(signActionLink(b, SECRET));
  });

  it('refuses to sign with a short secret or claims it could not verify', () => {
    expect(() => signActionLink(claims(), 'short')).toThrow(RangeError);
    expect(() => signActionLink(claims({ direction: null }), SECRET)).toThrow('an approve link is bound to a direction');
    expect(() => signActionLink(claims({ expiresAt: new Date(Number.NaN) }), SECRET)).toThrow(RangeError);
    // Cancel and fail-back links need no decision to bind to.
    expect(verifyActionLink(signActionLink(claims({ action: 'cancel', direction: null, round: null }), SECRET), [SECRET], NOW)).toMatchObject({ ok: true });
  });
});

function rehmac(payload: string): string {
  return createHmac('sha256', SECRET).update(payload).digest('base64url');
}
