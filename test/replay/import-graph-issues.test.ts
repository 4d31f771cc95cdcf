/**
 * importGraphIssues against the simulator's Microsoft Graph service announcements: a Dynamics 365
 * issue comes back as Graph serves it, for the poller's intake, in its current state only.
 */
import { describe, expect, it } from 'vitest';
import { importGraphIssues } from '../../lib/replay/import/index.js';
import { CURRENT_STATE_ONLY } from '../../lib/replay/import/graph-issues.js';
import type { SimHarness } from '../sim/support.js';
import { pause, signalOf, useSimulator } from './import-support.js';

let h: SimHarness;
useSimulator((started) => (h = started));


interface Issue {
  id: string;
  lastModifiedDateTime: string;
  startDateTime: string;
}

async function openIssue(body: Record<string, unknown>): Promise<Issue> {
  const res = await h.control('POST', '/_sim/graph/issues', body);
  expect(res.status).toBe(201);
  return res.body as Issue;
}

describe('importGraphIssues', () => {
  it('imports a Dynamics 365 issue as Graph serves it, for the servicehealth-poll intake, in its latest state', async () => {
    const from = new Date(h.sim.clock.now() - 1000);
    const issue = await openIssue({
      title: 'Users in Europe may be unable to access Dynamics 365 environments',
      impactDescription: 'Users may be unable to sign in to Dynamics 365 environments hosted in the Europe geography.',
      feature: 'Service access',
    });
    await pause(30);
    const resolved = (await h.control('POST', `/_sim/graph/issues/${issue.id}/resolve`)).body as Issue;
    const to = new Date(h.sim.clock.now() + 1000);
    const progress: string[] = [];
    const result = await importGraphIssues(h.clients, { from, to, progress: (line) => progress.push(line) });

    const served = (await h.call('GET', `/graph/v1.0/admin/serviceAnnouncement/issues`)).body as { value: unknown[] };
    const at = new Date(resolved.lastModifiedDateTime).toISOString();
    expect(result.signals).toEqual([{ at, payload: served.value[0], intake: 'servicehealth-poll', origin: `graph-issue:${issue.id}@${at}`, inferred: [CURRENT_STATE_ONLY] }]);
    expect(signalOf(result.signals[0]!.payload)).toMatchObject({
      kind: 'serviceHealth',
      schema: 'graphServiceHealthIssue',
      incidentKey: `m365:${issue.id.toLowerCase()}`,
      stage: 'Resolved',
      lifecycle: 'resolved',
      incidentType: 'Incident',
      services: [{ name: 'Dynamics 365 Apps', regions: ['europe'] }],
      eventTime: at,
    });
    expect(result.health).toEqual([]);
    expect(result.skipped).toEqual([]);
    const since = new Date(Math.floor(from.getTime() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(progress).toEqual([`Microsoft 365 service health: 1 issue modified since ${since}; 1 in the window`]);
  });

  it('leaves out issues modified outside the window: before it (Graph filters them), after it (reported)', async () => {
    const now = h.sim.clock.now();
    const from = new Date(now - 3600_000);
    const to = new Date(now - 600_000);
    await openIssue({ title: 'Before the window', lastModifiedDateTime: new Date(now - 2 * 3600_000).toISOString() });
    const inside = await openIssue({ title: 'Inside the window', lastModifiedDateTime: new Date(now - 1800_000).toISOString() });
    const after = await openIssue({ title: 'After the window' });
    const result = await importGraphIssues(h.clients, { from, to });
    expect(result.signals.map((s) => s.origin)).toEqual([`graph-issue:${inside.id}@${new Date(now - 1800_000).toISOString()}`]);
    const afterAt = new Date(after.lastModifiedDateTime).toISOString();
    expect(result.skipped).toEqual([`graph-issue:${after.id}@${afterAt}: last modified at ${afterAt}, outside ${from.toISOString()} to ${to.toISOString()}`]);
  });
});
