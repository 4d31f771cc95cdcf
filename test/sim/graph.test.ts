/** Microsoft Graph service health issues: what the Dynamics 365 playbook reads while Microsoft fails Dynamics over. */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadEstate } from '../../sim/estate.js';
import { graphIssues, openGraphIssue, resolveGraphIssue, type GraphIssue } from '../../sim/providers/graph.js';
import { repoRoot } from '../support/fixtures.js';
import { startSimulator, type SimHarness } from './support.js';

let h: SimHarness;
beforeAll(async () => {
  h = await startSimulator();
});
afterAll(() => h.close());
afterEach(async () => {
  await h.control('POST', '/_sim/reset');
});

const ISSUES = '/graph/v1.0/admin/serviceAnnouncement/issues';
const CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata#admin/serviceAnnouncement/issues';

type Page = { '@odata.context': string; '@odata.count'?: number; value: GraphIssue[] };
async function issues(query = ''): Promise<Page> {
  const res = await h.call('GET', `${ISSUES}${query}`);
  expect(res.status).toBe(200);
  return res.body as Page;
}
const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

function openDynamicsOutage(): GraphIssue {
  return openGraphIssue(h.sim, {
    id: 'CR512345',
    title: 'Users in North America may be unable to access Dynamics 365 Sales',
    feature: 'Dynamics 365 Sales',
    featureGroup: 'Dynamics 365 Apps',
    impactDescription: 'Users may be unable to access Dynamics 365 Sales environments hosted in the North America region.',
    status: 'serviceInterruption',
    startDateTime: '2026-11-23T08:00:00.000Z',
  });
}

describe('Graph service health issues', () => {
  it('lists no issues for the seeded estate', async () => {
    expect(await issues()).toEqual({ '@odata.context': CONTEXT, value: [] });
  });

  it('serves an issue opened through openGraphIssue, in the list and by id', async () => {
    const opened = openDynamicsOutage();
    const expected = {
      id: 'CR512345',
      title: 'Users in North America may be unable to access Dynamics 365 Sales',
      service: 'Dynamics 365 Apps',
      status: 'serviceInterruption',
      classification: 'incident',
      origin: 'microsoft',
      feature: 'Dynamics 365 Sales',
      featureGroup: 'Dynamics 365 Apps',
      impactDescription: 'Users may be unable to access Dynamics 365 Sales environments hosted in the North America region.',
      isResolved: false,
      startDateTime: '2026-11-23T08:00:00.000Z',
      endDateTime: null,
      lastModifiedDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      details: [],
      posts: [
        {
          createdDateTime: '2026-11-23T08:00:00.000Z',
          postType: 'regular',
          description: { contentType: 'html', content: expect.stringContaining('User impact: Users may be unable') },
        },
      ],
    };
    expect(opened).toEqual(expected);
    expect(await issues()).toEqual({ '@odata.context': CONTEXT, value: [expected] });
    const one = await h.call('GET', `${ISSUES}/CR512345`);
    expect(one).toMatchObject({ status: 200, body: { '@odata.context': `${CONTEXT}/$entity`, ...expected } });
  });

  it('filters on service and isResolved, and pages with $top, $skip and $count', async () => {
    openDynamicsOutage();
    openGraphIssue(h.sim, { id: 'EX100001', title: 'Mail delays', service: 'Exchange Online', classification: 'advisory', status: 'serviceDegradation' });
    openGraphIssue(h.sim, { id: 'CR100002', title: 'Old Dynamics issue', isResolved: true, startDateTime: '2026-10-01T00:00:00.000Z' });
    const openDynamics = await issues(q({ $filter: "service eq 'Dynamics 365 Apps' and isResolved eq false" }));
    expect(openDynamics.value.map((i) => i.id)).toEqual(['CR512345']);
    const resolved = await issues(q({ $filter: 'isResolved eq true' }));
    expect(resolved.value.map((i) => [i.id, i.status])).toEqual([['CR100002', 'serviceRestored']]);
    expect((await issues(q({ $filter: "classification eq 'advisory'" }))).value.map((i) => i.id)).toEqual(['EX100001']);
    expect((await issues(q({ $filter: 'startDateTime ge 2026-11-01T00:00:00Z', $orderby: 'id desc' }))).value.map((i) => i.id)).not.toContain('CR100002');
    const paged = await issues(q({ $top: '1', $skip: '1', $count: 'true', $orderby: 'id asc' }));
    expect([paged['@odata.count'], paged.value.map((i) => i.id)]).toEqual([3, ['CR512345']]);
  });

  it('resolves an issue: serviceRestored, an end time and a closing post', async () => {
    openDynamicsOutage();
    const resolved = resolveGraphIssue(h.sim, 'CR512345');
    expect(resolved).toMatchObject({ isResolved: true, status: 'serviceRestored', endDateTime: expect.stringMatching(/^\d{4}-/) });
    expect(resolved!.posts).toHaveLength(2);
    expect(resolved!.posts[1]!.description.content).toContain('Final status');
    expect((await issues(q({ $filter: "service eq 'Dynamics 365 Apps' and isResolved eq false" }))).value).toEqual([]);
    expect(resolveGraphIssue(h.sim, 'nope')).toBeUndefined();
  });

  it('answers 404 for an unknown issue and 400 for a filter it does not support, in Graph error shape', async () => {
    const missing = await h.call('GET', `${ISSUES}/CR000000`);
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'NotFound', innerError: { 'request-id': expect.any(String) } } } });
    const bad = await h.call('GET', `${ISSUES}${q({ $filter: "contains(title, 'x')" })}`);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'BadRequest', message: expect.stringContaining('Invalid filter clause') } } });
    expect(await h.call('GET', `${ISSUES}${q({ $top: 'many' })}`)).toMatchObject({ status: 400 });
  });

  it('requires a bearer token', async () => {
    expect(await h.call('GET', ISSUES, undefined, { authorization: '' })).toMatchObject({ status: 401, body: { error: { code: 'AuthenticationFailed' } } });
  });

  it('seeds issues from the estate, filling in what they leave out', async () => {
    const estate = loadEstate(join(repoRoot, 'samples/estate.yaml'));
    const seeded = await startSimulator({
      estate: { ...estate, data: { ...estate.data, graphIssues: [{ id: 'CR200001', title: 'Dynamics 365 degraded in Europe', status: 'serviceDegradation', startDateTime: '2026-11-20T10:00:00Z' }] } },
    });
    try {
      const res = await seeded.call('GET', ISSUES);
      expect((res.body as Page).value).toEqual([
        expect.objectContaining({ id: 'CR200001', service: 'Dynamics 365 Apps', status: 'serviceDegradation', classification: 'incident', isResolved: false, startDateTime: '2026-11-20T10:00:00Z', endDateTime: null }),
      ]);
      // A reset brings the seeded issue back after it was resolved.
      resolveGraphIssue(seeded.sim, 'CR200001');
      await seeded.control('POST', '/_sim/reset');
      expect(graphIssues(seeded.sim).map((i) => i.isResolved)).toEqual([false]);
    } finally {
      await seeded.close();
    }
  });

  it('forgets opened issues on a simulator reset', async () => {
    openDynamicsOutage();
    expect(graphIssues(h.sim)).toHaveLength(1);
    await h.control('POST', '/_sim/reset');
    expect(graphIssues(h.sim)).toEqual([]);
    expect((await issues()).value).toEqual([]);
  });
});
