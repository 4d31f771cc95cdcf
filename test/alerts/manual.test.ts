import { describe, expect, it } from 'vitest';
import { createManualSignal } from '../../lib/alerts/index.js';

describe('manual signals', () => {
  it('turns an on-call request into a Signal keyed by its request id', () => {
    const signal = createManualSignal({
      requestId: ' req-42 ',
      workloads: ['media-streaming', 'media-streaming', ' '],
      reason: 'West Europe encoders failing',
      requestedBy: 'alice@contoso.example',
      at: new Date('2026-11-23T09:00:00Z'),
    });
    expect(signal).toMatchObject({
      kind: 'manual',
      schema: 'manual',
      incidentKey: 'manual:req-42',
      dedupeKey: 'manual|req-42',
      workloads: ['media-streaming'],
      services: [],
      caller: 'alice@contoso.example',
      reason: 'West Europe encoders failing',
      lifecycle: 'active',
      eventTime: '2026-11-23T09:00:00.000Z',
    });
  });

  it('names a service and a canonical region when asked by service', () => {
    const signal = createManualSignal({
      requestId: 'r',
      service: 'Azure Data Share',
      region: 'East US 2',
      reason: 'planned',
      requestedBy: 'bob',
      at: new Date(0),
    });
    expect(signal.services).toEqual([{ name: 'Azure Data Share', regions: ['eastus2'] }]);
  });
});
