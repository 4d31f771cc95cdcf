/** The failover benchmark's estate: workloads spread round robin over subscriptions, whole. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { benchEstate, SUBSCRIPTION, subscriptionId, subscriptionIndex } from '../../bench/failover-estate.js';
import { parseCatalog } from '../../lib/catalog/index.js';

const scale = { media: 8, endpoints: 2, liveEvents: 1, dataShare: 8, subscriptions: 2 };
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the failover benchmark estate', () => {
  it('names its subscriptions, the first the one the estate always had', () => {
    expect(subscriptionId(0)).toBe(SUBSCRIPTION);
    expect(subscriptionId(3)).toBe('22222222-2222-2222-2222-000000000003');
    expect([1, 2, 3, 4, 5].map((i) => subscriptionIndex(i, 4))).toEqual([0, 1, 2, 3, 0]);
    expect(subscriptionIndex(7, 1)).toBe(0);
  });

  it('keeps one subscription by default, with two-digit names', () => {
    const e = benchEstate(scale);
    expect(new Set(Object.values(e.subscriptionOf))).toEqual(new Set([SUBSCRIPTION]));
    expect(e.workloads.slice(0, 2)).toEqual(['media-01', 'media-02']);
    const ids = (parse(e.estateYaml) as { resources: Array<{ id: string }> }).resources.map((r) => r.id);
    expect(ids.every((id) => id.startsWith(`/subscriptions/${SUBSCRIPTION}/`))).toBe(true);
    expect(ids).toContain(`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-m01-neu/providers/Microsoft.Media/mediaservices/benchm01neu`);
  });

  it('puts every resource of a workload in its subscription, round robin over four', () => {
    const e = benchEstate({ ...scale, armSubscriptions: 4 });
    expect(e.subscriptionOf['media-01']).toBe(SUBSCRIPTION);
    expect(e.subscriptionOf['media-02']).toBe(subscriptionId(1));
    expect(e.subscriptionOf['media-05']).toBe(SUBSCRIPTION);
    expect(e.subscriptionOf['datashare-04']).toBe(subscriptionId(3));
    const perSub = new Map<string, number>();
    for (const s of Object.values(e.subscriptionOf)) perSub.set(s, (perSub.get(s) ?? 0) + 1);
    expect([...perSub.values()]).toEqual([4, 4, 4, 4]);
    const resources = (parse(e.estateYaml) as { resources: Array<{ id: string; properties: Record<string, unknown> }> }).resources;
    // Each resource group is one workload's (rg-m02-weu is media-02's), and so is its Traffic Manager profile (bench-m02); the shared store is in the first subscription.
    for (const r of resources) {
      const own = /resourceGroups\/rg-([md])(\d+)-/.exec(r.id) ?? /trafficManagerProfiles\/bench-(m)(\d+)/.exec(r.id);
      const sub = own === null ? SUBSCRIPTION : e.subscriptionOf[`${own[1] === 'm' ? 'media' : 'datashare'}-${own[2]}`];
      expect(r.id.startsWith(`/subscriptions/${sub}/`), r.id).toBe(true);
    }
    const mapping = resources.find((r) => r.id.includes('rg-d03-cus') && r.id.endsWith('/dataSetMappings/data'))!;
    expect(mapping.properties['subscriptionId']).toBe(subscriptionId(2));
    const catalog = parseCatalog(e.catalogYaml);
    expect(catalog.ok).toBe(true);
  });

  it('names 200 workloads with three digits and keeps every id a GUID', () => {
    const e = benchEstate({ ...scale, media: 100, dataShare: 100, armSubscriptions: 4 });
    expect(e.workloads).toHaveLength(200);
    expect(e.workloads[0]).toBe('media-001');
    expect(e.workloads[199]).toBe('datashare-100');
    const text = e.estateYaml;
    const guids = [...text.matchAll(/(?:mediaServiceId|invitationId|dataSetId): ([^\s]+)/g)].map((m) => m[1]!);
    // Per Media Services workload its two accounts' ids; per share subscription the primary's and the standby's invitation (the
    // standby's twice: on its share subscription and on the provider's invitation) and a dataset.
    expect(guids.length).toBe(100 * 2 + 100 * 2 * 4);
    expect(guids.every((g) => GUID.test(g))).toBe(true);
    expect(new Set(guids).size).toBe(100 * 2 + 100 * 2 * 3);
    expect(parseCatalog(e.catalogYaml).ok).toBe(true);
  });
});
