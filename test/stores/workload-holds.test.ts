/** Workload holds: one incident fails a workload over at a time; only the holder lets it go. */
import { describe, expect, it } from 'vitest';
import { createWorkloadHolds } from '../../lib/stores/index.js';
import { useAzurite } from '../support/azurite.js';
import { AT } from './support.js';

const azurite = useAzurite();

describe('workload holds', () => {
  it('gives the workload to exactly one of 20 concurrent incidents and tells the others who holds it', async () => {
    const holds = createWorkloadHolds(azurite.fresh('holdstest'));
    const incidents = Array.from({ length: 20 }, (_, i) => `incident-${i}`);
    const results = await Promise.all(incidents.map((id) => holds.holdWorkload('media-streaming', id, AT)));
    const winners = incidents.filter((_, i) => results[i]!.held);
    expect(winners).toHaveLength(1);
    for (const r of results) if (!r.held) expect(r.by).toBe(winners[0]);
    // The holder holding again is still held; another workload is free.
    expect(await holds.holdWorkload('media-streaming', winners[0]!, AT)).toEqual({ held: true });
    expect(await holds.holdWorkload('datashare-sales', 'incident-x', AT)).toEqual({ held: true });
  });

  it('is let go only by its holder', async () => {
    const holds = createWorkloadHolds(azurite.fresh('holdstest'));
    await holds.holdWorkload('media-streaming', 'incident-a', AT);
    await holds.releaseWorkload('media-streaming', 'incident-b');
    expect(await holds.holdWorkload('media-streaming', 'incident-b', AT)).toEqual({ held: false, by: 'incident-a' });
    await holds.releaseWorkload('media-streaming', 'incident-a');
    await holds.releaseWorkload('media-streaming', 'incident-a');
    expect(await holds.holdWorkload('media-streaming', 'incident-b', AT)).toEqual({ held: true });
    const rows = await azurite.rows(holds.table);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ partitionKey: 'workload-holds', workloadId: 'media-streaming', incidentId: 'incident-b' });
  });

  it('refuses empty ids and invalid times before touching storage', async () => {
    const holds = createWorkloadHolds(azurite.fresh('holdstest'));
    await expect(holds.holdWorkload('', 'i', AT)).rejects.toThrow(RangeError);
    await expect(holds.holdWorkload('w', '', AT)).rejects.toThrow(RangeError);
    await expect(holds.holdWorkload('w', 'i', 'soon')).rejects.toThrow(RangeError);
  });
});
