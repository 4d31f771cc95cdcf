/**
 * ARM's token buckets are per subscription, principal and kind of request
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling):
 * one subscription's spent write budget leaves another's, and another principal's, whole.
 */
import { describe, expect, it } from 'vitest';
import { Throttle } from '../../sim/throttle.js';

describe('ARM throttling per subscription', () => {
  it('gives each subscription its own buckets', () => {
    let now = 0;
    const t = new Throttle(() => now);
    for (let i = 0; i < 200; i++) expect(t.take('sub-a', 'app', 'write').allowed).toBe(true);
    expect(t.take('sub-a', 'app', 'write')).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    // Another subscription, another principal, another kind: untouched.
    expect(t.take('SUB-B', 'app', 'write')).toEqual({ allowed: true, remaining: 199, retryAfterSeconds: 0 });
    expect(t.take('sub-a', 'someone-else', 'write')).toEqual({ allowed: true, remaining: 199, retryAfterSeconds: 0 });
    expect(t.take('sub-a', 'app', 'read')).toEqual({ allowed: true, remaining: 249, retryAfterSeconds: 0 });
    // A subscription id is compared case-insensitively, as ARM does.
    expect(t.take('SUB-A', 'app', 'write').allowed).toBe(false);
    // 10 writes a second come back to the spent one.
    now = 1000;
    for (let i = 0; i < 10; i++) expect(t.take('sub-a', 'app', 'write').allowed).toBe(true);
    expect(t.take('sub-a', 'app', 'write').allowed).toBe(false);
  });
});
