/** `--health recorded`: what a replayed incident's health check answers at a moment of the original incident. */
import { describe, expect, it } from 'vitest';
import { originalInstant, recordedWorkloadHealth } from '../../lib/replay/recorded-health.js';
import type { HealthObservation } from '../../lib/replay/types.js';

const A = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.DataShare/accounts/a';
const B = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/b';
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 23, 9, minutes)).toISOString();
const t = (minutes: number) => Date.parse(at(minutes));
const resource = (resourceId: string, minutes: number, status: HealthObservation['status']): HealthObservation => ({ resourceId, at: at(minutes), status, origin: 'test' });

describe('recorded health', () => {
  it('maps the replay clock onto the original incident: its first signal plus the elapsed time times the speed', () => {
    expect(new Date(originalInstant({ startedAt: '2026-12-07T20:00:00Z', firstAt: at(0), speed: 60 }, new Date('2026-12-07T20:00:30Z'))).toISOString()).toBe(at(30));
  });

  it("reads a workload as the worst of its primary resources' latest observations; one with none yet is Unknown", () => {
    const observed = [resource(A, 0, 'Unavailable'), resource(B, 1, 'Available'), resource(A, 40, 'Available')];
    const workload = { id: 'datashare-sales', primaryResourceIds: [A, B] };
    expect(recordedWorkloadHealth(observed, { id: 'b-only', primaryResourceIds: [B] }, t(0))).toBe('Unknown');
    expect(recordedWorkloadHealth(observed, workload, t(0))).toBe('Unavailable');
    expect(recordedWorkloadHealth(observed, workload, t(5))).toBe('Unavailable');
    expect(recordedWorkloadHealth(observed, workload, t(45))).toBe('Available');
    expect(recordedWorkloadHealth(observed, { id: 'x', primaryResourceIds: [A.toUpperCase()] }, t(45))).toBe('Available');
  });

  it("prefers what the original incident's own checks found for the workload", () => {
    const observed = [resource(A, 0, 'Unavailable'), { resourceId: '', workloadId: 'datashare-sales', at: at(10), status: 'Degraded' as const, origin: 'incident check' }];
    expect(recordedWorkloadHealth(observed, { id: 'datashare-sales', primaryResourceIds: [A] }, t(5))).toBe('Unknown');
    expect(recordedWorkloadHealth(observed, { id: 'datashare-sales', primaryResourceIds: [A] }, t(12))).toBe('Degraded');
  });
});
