/** Stop requests: the first cancel of a running failover stands; none reads as null. */
import { describe, expect, it } from 'vitest';
import { createStopRequests } from '../../lib/stores/index.js';
import { useAzurite } from '../support/azurite.js';

const azurite = useAzurite();

describe('stop requests', () => {
  it('keeps the first request for an incident and reads null for one never stopped', async () => {
    const stops = createStopRequests(azurite.fresh('stopstest'));
    expect(await stops.stopRequest('incident-1')).toBeNull();
    const first = { by: 'ada@contoso.com', reason: 'false alarm', requestId: 'r-1', at: '2026-11-23T09:20:00.000Z' };
    await stops.requestStop('incident-1', first);
    await stops.requestStop('incident-1', { ...first, by: 'bob@contoso.com', requestId: 'r-2' });
    expect(await stops.stopRequest('incident-1')).toEqual(first);
    expect(await stops.stopRequest('incident-2')).toBeNull();
    const rows = await azurite.rows(stops.table);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ partitionKey: 'stop-requests', incidentId: 'incident-1' });
    await expect(stops.requestStop('', first)).rejects.toThrow(RangeError);
  });
});
