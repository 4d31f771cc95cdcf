/**
 * Every channel down during an outage (a likely moment): a real Service Health incident for Azure
 * Data Share in East US 2 still fails datashare-sales over and back, its announce steps are done,
 * and the incident lists what its channels did not get, with the outbox's retry timer running.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../cli/io.js';
import { runCli } from '../../cli/main.js';
import type { UndeliveredNotification } from '../../lib/notify/outbox.js';
import type { PlaybookResult } from '../../lib/playbooks/types.js';
import { dataShareEastUs2 } from '../../demo/alerts.js';
import { startApp, type App } from './support.js';

/** Nothing listens there: every delivery is refused at once. */
const UNREACHABLE = 'https://127.0.0.1:1/';

interface View {
  phase: string;
  runtimeStatus: string;
  outcome: string | null;
  summary?: { failover: Record<string, PlaybookResult>; failback: Record<string, PlaybookResult> };
  notifications?: { undelivered: UndeliveredNotification[] };
}

let app: App;
beforeAll(async () => {
  // Every Teams and webhook target of the sample catalog, pointed where nothing answers (before
  // startApp points the known hook hosts at the simulator's receivers).
  app = await startApp({
    catalog: (yaml) => yaml.replaceAll('https://contoso.webhook.office.com/webhookb2/', UNREACHABLE).replaceAll('https://hooks.contoso.example/', UNREACHABLE),
  });
}, 60_000);
afterAll(() => app?.close());

describe('with every notification channel unreachable', () => {
  it('fails over and back, announcing without failing, and the incident lists what was not delivered', async () => {
    const started = Date.now();
    await app.control('POST', '/_sim/regions/eastus2/outage', { services: ['Azure Data Share'] });
    const active = await app.alert(dataShareEastUs2({ stage: 'Active', title: 'Azure Data Share - East US 2 - Investigating', communicationId: '1100009900101', at: new Date(app.clock.now()) }));
    expect(active.status, JSON.stringify(active.body)).toBe(202);
    const id = (active.body as { incidentId: string }).incidentId;
    await app.until<View>(id, 'the failover', (v) => v.phase === 'failed-over');

    await app.control('DELETE', '/_sim/regions/eastus2/outage');
    const resolved = await app.alert(dataShareEastUs2({ stage: 'Resolved', title: 'Azure Data Share - East US 2 - Mitigated', communicationId: '1100009900102', at: new Date(app.clock.now()) }));
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(202);
    await app.until<View>(id, 'the failback approval request', (v) => v.phase === 'awaiting-failback-approval');
    expect((await app.request('POST', `/api/incidents/${encodeURIComponent(id)}/approve`, { body: { by: 'tests', comment: 'East US 2 is back' } })).status).toBe(202);
    await app.until<View>(id, 'the failback', (v) => v.runtimeStatus === 'Completed');

    const v = await app.view<View>(id);
    expect(v.outcome).toBe('failed-over-and-back');
    for (const direction of ['failover', 'failback'] as const) {
      const result = v.summary![direction]['datashare-sales']!;
      expect(result).toMatchObject({ ok: true, failedStep: null });
      expect(result.steps.filter((s) => s.status === 'failed')).toEqual([]);
      expect(result.steps.find((s) => s.step === 'announce')).toMatchObject({ status: 'done', detail: 'notified 0 channel(s), 1 queued for retry' });
    }

    // What the channel did not get, each waiting for the outbox's next attempt; the URL shown redacted.
    const undelivered = v.notifications!.undelivered;
    const types = undelivered.map((u) => u.type);
    for (const type of ['incident-opened', 'playbook-started', 'failover-done', 'approval-needed', 'failback-done']) expect(types).toContain(type);
    expect(types.filter((t) => t === 'playbook-started')).toHaveLength(2);
    for (const u of undelivered) {
      expect(u).toMatchObject({ workload: 'datashare-sales', target: 'webhook https://127.0.0.1:1/dr', status: 'retrying', lastError: expect.stringMatching(/^network error: .*ECONNREFUSED/) });
      expect(u.attempts).toBeGreaterThanOrEqual(1);
      expect(Date.parse(u.nextAttemptAt!)).toBeGreaterThan(Date.parse(u.at));
    }
    // On-call reads the same from the command line.
    const out: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => out.push(`error: ${t}`), read: (path) => readFile(path), now: () => new Date() };
    expect(await runCli(['incidents', 'show', id, '--app', app.host.url, '--key', app.keys.oncall], io)).toBe(0);
    const printed = out.join('\n').split('\n');
    const heading = printed.indexOf('  notifications a channel did not take at once:');
    expect(heading).toBeGreaterThan(0);
    expect(printed.slice(heading + 1)).toHaveLength(undelivered.length);
    for (const line of printed.slice(heading + 1)) {
      expect(line).toMatch(/^ {2}\S+Z {2}[a-z-]+ +webhook https:\/\/127\.0\.0\.1:1\/dr {2}retrying \(\d+ attempts?, next at \S+Z\): network error: .*ECONNREFUSED/);
    }
    // The retry timer runs every minute beside the incident.
    expect(app.logs.some((l) => l.message.startsWith("Executing 'Functions.notificationRetry'"))).toBe(true);
    // Unreachable channels cost no waiting: the whole incident ran in seconds of real time.
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
