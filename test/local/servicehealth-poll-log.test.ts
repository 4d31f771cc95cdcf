/**
 * What the Microsoft 365 service health poll (functions/servicehealth-poll.ts, every minute) writes
 * to the `npm start` console, run by the local timer host: nothing for a routine run, a line when
 * it sends an issue to the intake, one warning when Graph starts failing and one line when it
 * works again. The app's services, intake and Graph are stand-ins here; the poller is the real one.
 */
import { describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../../local/clock.js';
import { installFunctionsCore, setHostLogger, type LogEntry } from '../../local/functions-core.js';
import type { Registry } from '../../local/registry.js';
import { startTimerHost } from '../../local/timer-host.js';

let graph: () => Promise<Array<Record<string, unknown>>> = async () => [];

vi.mock('../../lib/composition.js', () => ({
  appServices: () => ({
    config: { serviceHealthPoll: true, publicBaseUrl: null },
    catalog: async () => ({ workloads: [{ id: 'crm', playbook: { kind: 'dynamics365' } }] }),
    clients: { graphServiceHealth: () => ({ listIssues: () => graph() }) },
  }),
}));
vi.mock('../../lib/intake/deps.js', () => ({ appIntake: () => ({}) }));
vi.mock('../../lib/intake/accept.js', () => ({ acceptAlert: async () => ({ status: 202, body: { accepted: true, acted: true } }) }));

const registry = installFunctionsCore();
await import('../../functions/servicehealth-poll.js');
const poll: Registry = {
  all: () => registry.all().filter((f) => f.name === 'serviceHealthPoll'),
  get: (name) => (name.toLowerCase() === 'servicehealthpoll' ? registry.get(name) : undefined),
  byTriggerType: (type) => registry.byTriggerType(type).filter((f) => f.name === 'serviceHealthPoll'),
};

const issue = { id: 'CR123', service: 'Dynamics 365 Apps', classification: 'incident', isResolved: false, lastModifiedDateTime: '2026-01-01T00:00:00Z', title: 'Failover in Europe' };

describe('the service health poll under the local timer host', () => {
  it('writes three lines over ten runs: the issue it sent, Graph failing, Graph back; routine runs only at debug', async () => {
    const logs: LogEntry[] = [];
    setHostLogger((e) => void logs.push(e));
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const host = startTimerHost({ registry: poll, clock, durable: { clientData: () => ({ taskHubName: 'hub', creationUrls: {}, managementUrls: {} }) } });
    try {
      const script: Array<() => Promise<Array<Record<string, unknown>>>> = [
        async () => [],
        async () => [],
        async () => [issue],
        async () => Promise.reject(new Error('Graph answered 503')),
        async () => Promise.reject(new Error('Graph answered 503')),
        async () => Promise.reject(new Error('Graph answered 503')),
        async () => [issue],
        async () => [issue],
        async () => [],
        async () => [],
      ];
      for (const step of script) {
        graph = step;
        clock.advanceToNext();
        await host.idle();
      }
    } finally {
      await host.stop();
      setHostLogger(undefined);
    }
    const mine = logs.filter((l) => l.functionName === 'serviceHealthPoll');
    expect(mine.filter((l) => l.message.startsWith("Executing 'Functions.serviceHealthPoll'"))).toHaveLength(10);
    // What the console prints (information and above): one line per thing that happened.
    expect(mine.filter((l) => !['trace', 'debug'].includes(l.level)).map((l) => `${l.level}: ${l.message}`)).toEqual([
      'information: service health: 1 issue(s) read, 1 sent to the intake, 1 acted on, 0 to send again',
      'warning: service health poll failed: Graph answered 503 (tried again every minute; logged again when it works or fails otherwise)',
      'information: service health poll works again after 3 failed run(s)',
    ]);
  });
});
