/**
 * `failover status` and GET /api/status end to end, through the local host, the simulator and
 * Azurite: per workload the side it runs on, its last failover, readiness drift, permissions,
 * open incidents and retired services; the active side and the last failover after a failover
 * flips the pointer; an incident listed while it is open; exit 3 while a workload is not ready,
 * 0 once every one is; a standby that does not answer shown as unknown, never a 500.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../cli/io.js';
import { runCli } from '../../cli/main.js';
import type { ProtectionStatus, WorkloadStatus } from '../../lib/operators/status.js';
import { startApp, type App } from './support.js';

let app: App;
beforeAll(async () => {
  app = await startApp();
}, 60_000);
afterAll(() => app?.close());

async function cli(terminal: { isTTY?: boolean; columns?: number }, ...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(...t.split('\n')), err: (t) => err.push(t), read: (path) => readFile(path), now: () => new Date(), ...terminal };
  const code = await runCli(['status', ...args, '--app', app.host.url, '--key', app.keys.oncall], io);
  return { code, out, err };
}

const status = async (): Promise<ProtectionStatus> => {
  const reply = await app.request('GET', '/api/status');
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body as ProtectionStatus;
};
const of = (s: ProtectionStatus, id: string): WorkloadStatus => s.workloads.find((w) => w.workloadId === id)!;

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const NOT_CHECKED = 'the app does not know where its alerting lives: set APP_SUBSCRIPTION_ID and APP_RESOURCE_GROUP (Azure sets WEBSITE_OWNER_NAME and WEBSITE_RESOURCE_GROUP)';
const MEDIA_RETIRED =
  'depends on a retired service: Media Services was retired on 2024-06-30 (https://azure.microsoft.com/updates/retirement-notice-azure-media-services-is-being-retired-on-30-june-2024/); ' +
  'move streaming and encoding to a partner solution and remove this workload once migrated';
const PURVIEW_MISSING = ['missing data source finance-sql', 'missing scan finance-sql/nightly-ledgers', 'missing scan trigger finance-sql/nightly-ledgers', 'missing glossary term Net Revenue'];
const PURVIEW_DRIFT = 'contosopurviewwus lacks data sources finance-sql; scans finance-sql/nightly-ledgers; scan triggers finance-sql/nightly-ledgers; glossary terms Net Revenue';

describe('failover status', () => {
  it('shows each workload before any incident: the primary active, never failed over, purview’s standby drifted (exit 3)', async () => {
    const mark = app.mark();
    const s = await status();
    expect(s.checkedAt).toMatch(ISO);
    expect(s.ready).toBe(false);
    expect(s.summary).toBe('4 of 5 workloads ready; not ready: purview-governance');
    expect(s.workloads.map((w) => [w.workloadId, w.ready])).toEqual([
      ['media-streaming', true],
      ['datashare-sales', true],
      ['purview-governance', false],
      ['genomics-pipeline', true],
      ['dynamics-crm', true],
    ]);
    expect(of(s, 'media-streaming')).toEqual({
      workloadId: 'media-streaming',
      kind: 'mediaServices',
      primaryRegion: 'westeurope',
      secondaryRegion: 'northeurope',
      ready: true,
      active: { known: true, side: 'primary', key: 'media:activeAccount', value: 'contosomediaweu' },
      lastFailover: { known: true, at: null },
      drift: { known: true, complete: true, summary: 'contosomedianeu: every streaming endpoint lists live.contoso.example in customHostNames', problems: [] },
      permissions: { known: true, complete: true, summary: 'the app may do every step on 3 resource(s); alerting not checked', problems: [], notChecked: NOT_CHECKED },
      openIncidents: { known: true, incidents: [] },
      retirements: [{ service: 'Media Services', retiresOn: '2024-06-30', detail: MEDIA_RETIRED }],
    });
    // Data Share switches no pointer: its side cannot be read, and says why.
    expect(of(s, 'datashare-sales').active).toEqual({ known: false, why: 'no active-side pointer: a dataShare playbook flips no App Configuration key' });
    expect(of(s, 'datashare-sales').drift).toEqual({ known: true, complete: true, summary: null, problems: [] });
    expect(of(s, 'purview-governance').drift).toEqual({ known: true, complete: false, summary: PURVIEW_DRIFT, problems: PURVIEW_MISSING });
    expect(of(s, 'dynamics-crm').active).toEqual({ known: true, side: 'primary', key: 'crm:degradedMode', value: 'false' });
    expect(of(s, 'genomics-pipeline').retirements.map((r) => r.service)).toEqual(['Microsoft Genomics']);
    // Looking writes nothing.
    expect(app.writesSince(mark)).toEqual([]);

    const plain = await cli({});
    expect(plain.code).toBe(3);
    expect(plain.err).toEqual([]);
    expect(plain.out.slice(0, 9)).toEqual([
      'media-streaming (mediaServices, westeurope → northeurope): ready',
      "  active side: primary ('media:activeAccount' reads 'contosomediaweu')",
      '  last failover: never',
      '  drift: contosomedianeu: every streaming endpoint lists live.contoso.example in customHostNames',
      '  permissions: the app may do every step on 3 resource(s); alerting not checked',
      `    ${NOT_CHECKED}`,
      '  open incidents: none',
      '  retired services:',
      `    ${MEDIA_RETIRED}`,
    ]);
    const purview = plain.out.indexOf('purview-governance (purview, eastus → westus): NOT READY');
    expect(plain.out.slice(purview + 3, purview + 8)).toEqual([`  drift: ${PURVIEW_DRIFT}`, ...PURVIEW_MISSING.map((m) => `    ${m}`)]);
    expect(plain.out.at(-1)).toMatch(/^4 of 5 workloads ready; not ready: purview-governance \(checked \S+\)$/);

    const json = await cli({}, '--json');
    expect(json.code).toBe(3);
    expect({ ...(JSON.parse(json.out.join('\n')) as ProtectionStatus), checkedAt: s.checkedAt }).toEqual(s);
  }, 60_000);

  it('exits 0 once every workload is ready (the catalog asks purview’s standby only for what it has)', async () => {
    const yaml = readFileSync(app.catalogPath, 'utf8');
    writeFileSync(
      app.catalogPath,
      yaml
        .replace('dataSources: [sales-lake, finance-sql]', 'dataSources: [sales-lake]')
        .replace('scans: [sales-lake/weekly-lake, finance-sql/nightly-ledgers]', 'scans: [sales-lake/weekly-lake]')
        .replace('triggers: [sales-lake/weekly-lake, finance-sql/nightly-ledgers]', 'triggers: [sales-lake/weekly-lake]')
        .replace('glossaryTerms: [Gross Margin, Net Revenue]', 'glossaryTerms: [Gross Margin]'),
    );
    const ready = await cli({});
    expect(ready.code).toBe(0);
    expect(ready.out.at(-1)).toMatch(/^5 of 5 workloads ready \(checked \S+\)$/);
  }, 60_000);

  it('lists an open incident under the workload it names, on a terminal as a table', async () => {
    const started = await app.request('POST', '/api/failovers', { body: { workloads: ['purview-governance'], reason: 'status drill' } });
    expect(started.status).toBe(202);
    const id = started.body.incidentId as string;
    await app.until<{ phase: string }>(id, 'the approval request', (v) => v.phase === 'awaiting-approval');
    const s = await status();
    expect(of(s, 'purview-governance').openIncidents).toEqual({ known: true, incidents: [{ incidentId: id, phase: 'awaiting-approval', title: 'status drill', createdAt: expect.stringMatching(ISO) }] });
    expect(of(s, 'media-streaming').openIncidents).toEqual({ known: true, incidents: [] });

    const screen = await cli({ isTTY: true, columns: 200 });
    expect(screen.code).toBe(0);
    expect(screen.out.slice(0, 6)).toEqual([
      'WORKLOAD            READY  ACTIVE   LAST FAILOVER  DRIFT  PERMISSIONS  INCIDENTS  RETIRED',
      'media-streaming     ready  primary  never          none   ok           none       Media Services',
      'datashare-sales     ready  unknown  never          -      ok           none       -',
      'purview-governance  ready  primary  never          none   ok           1 open     -',
      'genomics-pipeline   ready  primary  never          -      ok           none       Microsoft Genomics',
      'dynamics-crm        ready  primary  never          -      ok           none       -',
    ]);
    expect(screen.out.slice(6)).toEqual([
      '',
      'datashare-sales:',
      '  active side unknown: no active-side pointer: a dataShare playbook flips no App Configuration key',
      'purview-governance:',
      `  incident ${id}: awaiting-approval, status drill`,
      `alerting not checked: ${NOT_CHECKED}`,
      '',
      expect.stringMatching(/^5 of 5 workloads ready \(checked \S+\)$/),
    ]);
    // A narrow terminal: every line cut to its width.
    const narrow = await cli({ isTTY: true, columns: 40 });
    // One short of the width, so the cursor never wraps (as the live watch cuts its lines).
    expect(narrow.out.every((line) => line.length <= 39)).toBe(true);
    expect(narrow.out[1]).toBe('media-streaming     ready  primary  ne…');

    // Approved: the failover flips purview's pointer and is recorded in the ledger.
    const dana = await app.signIn('dana@contoso.example');
    expect((await app.request('POST', `/api/incidents/${id}/approve`, { body: { comment: 'go' }, headers: dana })).status).toBe(202);
    await app.until<{ phase: string }>(id, 'the failover', (v) => v.phase === 'failed-over' || v.phase === 'waiting-for-healthy-primary');
    const view = await app.view<{ phase: string; timeline: Array<{ at: string; type: string }> }>(id);
    const finished = view.timeline.find((e) => e.type === 'failover-finished')!.at;
    const after = of(await status(), 'purview-governance');
    expect(after.active).toEqual({ known: true, side: 'secondary', key: 'purview:activeAccount', value: 'contosopurviewwus' });
    expect(after.lastFailover).toEqual({ known: true, at: finished });
    expect(after.openIncidents).toEqual({ known: true, incidents: [{ incidentId: id, phase: view.phase, title: 'status drill', createdAt: expect.stringMatching(ISO) }] });
    const plain = await cli({});
    const block = plain.out.indexOf('purview-governance (purview, eastus → westus): ready');
    expect(plain.out.slice(block + 1, block + 3)).toEqual(["  active side: secondary ('purview:activeAccount' reads 'contosopurviewwus')", `  last failover: ${finished}`]);
  }, 120_000);

  it('shows a standby that does not answer as unknown with why, answering 200, and exits 3', async () => {
    await app.control('POST', '/_sim/regions/northeurope/outage', {});
    try {
      const s = await status();
      const media = of(s, 'media-streaming');
      expect(media.ready).toBeNull();
      expect(media.drift).toEqual({ known: false, why: expect.stringMatching(/^contosomedianeu did not answer the readiness reads \(5\d\d\): /) });
      expect(media.permissions).toEqual(media.drift);
      // What did answer is still shown.
      expect(media.active).toEqual({ known: true, side: 'primary', key: 'media:activeAccount', value: 'contosomediaweu' });
      expect(media.lastFailover).toEqual({ known: true, at: null });
      expect(s.ready).toBe(false);
      expect(s.summary).toBe('4 of 5 workloads ready; readiness not known: media-streaming');
      const screen = await cli({ isTTY: true, columns: 300 });
      expect(screen.code).toBe(3);
      expect(screen.out[1]).toBe('media-streaming     unknown  primary    never                     unknown  unknown      none       Media Services');
      expect(screen.out).toContain(`  readiness unknown: ${(media.drift as { why: string }).why}`);
    } finally {
      await app.control('DELETE', '/_sim/regions/northeurope/outage');
    }
  }, 60_000);
});
