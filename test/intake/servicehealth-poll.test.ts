/**
 * The service health poller: reads the issues changed since its last poll (the first poll a day
 * back, later ones with ten minutes of overlap), sends each new or changed issue to the intake
 * once, and sends again what the intake could not take.
 */
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../lib/http/problem.js';
import { ServiceHealthPoller } from '../../lib/intake/servicehealth-poll.js';

const issue = (id: string, modified: string) => ({ id, lastModifiedDateTime: modified, service: 'Dynamics 365 Apps', classification: 'incident', isResolved: false });

function world(answers: Answer[] = []) {
  let now = Date.parse('2026-11-23T10:00:00Z');
  const filters: string[] = [];
  const sent: string[] = [];
  let issues: Array<Record<string, unknown>> = [];
  return {
    filters,
    sent,
    set: (list: Array<Record<string, unknown>>) => void (issues = list),
    advance: (ms: number) => void (now += ms),
    deps: {
      listIssues: async (filter: string) => (filters.push(filter), issues),
      accept: async (body: Buffer) => {
        const parsed = JSON.parse(body.toString()) as { id: string; lastModifiedDateTime: string };
        sent.push(`${parsed.id}@${parsed.lastModifiedDateTime}`);
        return answers.shift() ?? { status: 202, body: { accepted: true, acted: true } };
      },
      now: () => new Date(now),
    },
  };
}

describe('ServiceHealthPoller', () => {
  it('sends each new or changed issue once, reading a day back first and then with overlap', async () => {
    const w = world();
    const poller = new ServiceHealthPoller();
    w.set([issue('CR1', '2026-11-23T09:00:00Z'), issue('CR2', '2026-11-23T09:30:00Z')]);
    expect(await poller.poll(w.deps)).toEqual({ read: 2, sent: 2, acted: 2, retry: 0 });
    w.advance(60_000);
    w.set([issue('CR1', '2026-11-23T09:00:00Z'), issue('CR2', '2026-11-23T10:00:30Z')]);
    expect(await poller.poll(w.deps)).toEqual({ read: 2, sent: 1, acted: 1, retry: 0 });
    expect(w.sent).toEqual(['CR1@2026-11-23T09:00:00Z', 'CR2@2026-11-23T09:30:00Z', 'CR2@2026-11-23T10:00:30Z']);
    expect(w.filters).toEqual(['lastModifiedDateTime ge 2026-11-22T10:00:00Z', 'lastModifiedDateTime ge 2026-11-23T09:50:00Z']);
  });

  it('sends again what the intake could not take, reading as far back as before', async () => {
    const w = world([{ status: 503, body: { type: 'busy' } }]);
    const poller = new ServiceHealthPoller();
    w.set([issue('CR1', '2026-11-23T09:00:00Z')]);
    expect(await poller.poll(w.deps)).toEqual({ read: 1, sent: 1, acted: 0, retry: 1 });
    w.advance(60_000);
    expect(await poller.poll(w.deps)).toEqual({ read: 1, sent: 1, acted: 1, retry: 0 });
    expect(w.filters).toEqual(['lastModifiedDateTime ge 2026-11-22T10:00:00Z', 'lastModifiedDateTime ge 2026-11-22T10:01:00Z']);
  });
});
