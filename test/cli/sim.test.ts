/**
 * `failover sim …` against a real simulator: every listing says so in words when it is empty,
 * fault rules read as words (JSON with --json), what Communication Services Email was asked to
 * send is listed, and an answer the simulator refuses is an error, not printed as if it worked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli-run.js';
import { SIM_USAGE } from '../../cli/sim.js';
import { startSimulator, type SimHarness } from '../sim/support.js';

let h: SimHarness;
beforeAll(async () => {
  h = await startSimulator();
});
afterAll(() => h?.close());

const sim = (...args: string[]) => cli(['sim', ...args, '--sim', h.sim.baseUrl, '--ca', h.sim.ca]);

describe('failover sim', () => {
  it('says the operation log is empty, rather than printing nothing', async () => {
    expect(await sim('operations')).toEqual({ code: 0, out: "no operations in the simulator's log yet", err: '' });
    expect(await sim('operations', '--json')).toEqual({ code: 0, out: '[]', err: '' });
  });

  it('lists a write once there is one, and says when nothing came after a sequence number', async () => {
    await h.clients.appConfiguration(`${h.sim.baseUrl}/appConfiguration/contosofailover`).setConfigurationSetting({ key: 'media:activeAccount', value: 'contosomediaweu' });
    const listed = await sim('operations');
    expect(listed.code).toBe(0);
    const lines = listed.out.split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ {4}1 \d{4}-\d\d-\d\dT\S+Z 200 Microsoft\.AppConfiguration\/configurationStores\/keyValues\/write by tests {2}\S*contosofailover\S*$/);
    expect(await sim('operations', '--since', '1')).toEqual({ code: 0, out: "no operations in the simulator's log after 1", err: '' });
    expect(await sim('operations', '--since', 'yesterday')).toEqual({ code: 2, out: '', err: `failover: --since must be a sequence number (a whole number, as the listing shows), got 'yesterday'\n\n${SIM_USAGE}` });
  });

  it('says no resource matches a filter that finds none', async () => {
    expect(await sim('resources', '--type', 'Microsoft.Nothing/here')).toEqual({ code: 0, out: 'no resources in the simulator match type Microsoft.Nothing/here', err: '' });
    expect(await sim('resources', '--region', 'antarctica', '--json')).toEqual({ code: 0, out: '[]', err: '' });
  });

  it('lists fault rules in words, says when there are none, and clears them', async () => {
    expect(await sim('faults')).toEqual({ code: 0, out: 'no fault rules', err: '' });
    const added = await sim('fault', 'Microsoft.Media/streamingEndpoints/start', '--status', '503', '--count', '2', '--resource', 'contosomedianeu');
    expect(added.code).toBe(0);
    const id = /^fault (\S+) added for Microsoft\.Media\/streamingEndpoints\/start$/.exec(added.out)?.[1];
    expect(id).toBeDefined();
    expect(await sim('faults')).toEqual({ code: 0, out: `${id}  Microsoft.Media/streamingEndpoints/start  503  (resource ~ contosomedianeu, 2 left, fired 0)`, err: '' });
    const json = await sim('faults', '--json');
    expect(JSON.parse(json.out)).toEqual([expect.objectContaining({ id, operation: 'Microsoft.Media/streamingEndpoints/start', status: 503, remaining: 2, resource: 'contosomedianeu', failOperation: false })]);
    expect(await sim('faults', '--clear')).toEqual({ code: 0, out: 'every fault rule removed', err: '' });
    expect(await sim('faults')).toEqual({ code: 0, out: 'no fault rules', err: '' });
  });

  it('says no email was sent, to anyone or to one address', async () => {
    expect(await sim('emails')).toEqual({ code: 0, out: 'no emails sent', err: '' });
    expect(await sim('emails', '--to', 'media-oncall@contoso.example', '--since', '3')).toEqual({ code: 0, out: 'no emails sent to media-oncall@contoso.example after 3', err: '' });
    expect(await sim('emails', '--json')).toEqual({ code: 0, out: '[]', err: '' });
  });

  it('refuses an unknown option by name, and a refused request is an error (exit 1), not a result', async () => {
    expect(await sim('status', '--verbose')).toEqual({ code: 2, out: '', err: `failover: unknown option '--verbose'\n\n${SIM_USAGE}` });
    expect(await sim('outage', 'westeurope')).toMatchObject({ code: 0, out: expect.stringMatching(/^westeurope is down; Service Health incident \S+ opened for /) });
    const refused = await sim('fault', 'Microsoft.Media/streamingEndpoints/start', '--status', '200');
    expect(refused).toEqual({ code: 1, out: '', err: 'failover sim: the simulator answered 400: status must be an HTTP error status (400-599)' });
    expect(await sim('restore', 'westeurope')).toMatchObject({ code: 0, out: expect.stringMatching(/^westeurope is back; \d+ incident\(s\) resolved$/) });
  });
});
