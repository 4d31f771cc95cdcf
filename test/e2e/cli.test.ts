/**
 * `failover trigger` and `failover incidents …` against the running app: what on-call types at
 * 3 a.m., and what they read back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliAgainst } from '../support/cli-run.js';
import { startApp, type App } from './support.js';

let app: App;
beforeAll(async () => {
  app = await startApp();
}, 60_000);
afterAll(() => app?.close());

const run = (...args: string[]) => cliAgainst(app)(...args);

describe('failover trigger and failover incidents', () => {
  it('plans a failover and prints what it would do, writing nothing', async () => {
    const writes = app.sim.log.list({}).filter((o) => o.method !== 'GET').length;
    const { code, out, err } = await run('trigger', '--workloads', 'media-streaming', '--reason', 'quarterly DR rehearsal', '--plan', '--by', 'ada');
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^incident incident-[0-9a-f]{20}-\d{17} started \(plan\); status: http:\/\/127\.0\.0\.1:\d+\/api\/incidents\/incident-/);
    expect(lines.some((l) => / planned\s+media-streaming \(auto, westeurope → northeurope\)$/.test(l))).toBe(true);
    // Every step planned; the seeded encoding jobs may finish on their own before the plan looks at them.
    expect(lines.some((l) => / failover-finished\s+media-streaming ok \((1 already done, )?[78] planned\)$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^incident incident-\S+ completed: planned$/);
    expect(app.sim.log.list({}).filter((o) => o.method !== 'GET').length).toBe(writes);
  }, 30_000);

  it('lists and shows incidents', async () => {
    const list = await run('incidents', 'list');
    expect(list.code).toBe(0);
    // A manual request has no Azure reference and no subscription: '-' in both columns.
    expect(list.out).toMatch(/^incident-\S+ {2}\S+ {2}- {2}- {2}planned {22}media-streaming {2}quarterly DR rehearsal$/m);
    const id = list.out.split(' ')[0]!;
    const show = await run('incidents', 'show', id);
    expect(show.code).toBe(0);
    expect(show.out.split('\n').slice(0, 2)).toEqual([`${id}: quarterly DR rehearsal`, expect.stringMatching(/^ {2}Completed, planned; workloads media-streaming; updated /)]);
    expect(show.out).toContain('signal               manual request by ada (function key, not verified): quarterly DR rehearsal');
  });

  it('names the field and the fix when the app refuses, and exits 1', async () => {
    const unknown = await run('trigger', '--workloads', 'media-streamin', '--reason', 'typo');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^failover: the app answered 422: 'media-streamin' is not in the catalog; the workloads are media-streaming, datashare-sales, purview-governance, genomics-pipeline, dynamics-crm \(field \$\.workloads\[0\]\)$/);
    const missing = await run('incidents', 'approve', 'incident-nope');
    expect(missing).toMatchObject({
      code: 1,
      err: 'failover: the app answered 404: "incident-nope" is not an incident id: incident ids look like incident-<20 hex digits>-<17 digits>, as the alert and failover answers give them; GET /api/incidents lists them (field $.id)',
    });
    const usage = await run('trigger', '--workloads', 'media-streaming');
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/^failover: --reason is required/);
  });

  it('says when the app cannot be reached', async () => {
    const { code, err } = await cli(['incidents', 'list', '--app', 'http://127.0.0.1:9', '--key', 'x']);
    expect(code).toBe(1);
    expect(err).toMatch(/^failover: cannot reach the app at http:\/\/127\.0\.0\.1:9: .*; is 'npm start' running, or is --app right\?$/);
  });
});
