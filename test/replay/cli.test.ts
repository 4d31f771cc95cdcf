/** `failover replay` before it replays anything: its help, its usage errors, a dry run, a source it cannot read. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPLAY_USAGE } from '../../cli/replay.js';
import { cli } from '../support/cli-run.js';
import { repoRoot } from '../support/fixtures.js';

const fixture = (name: string) => join(repoRoot, '../shared/fixtures/alerts', name);

describe('failover replay', () => {
  it('prints its own help', async () => {
    expect(await cli(['replay', '--help'])).toEqual({ code: 0, out: REPLAY_USAGE, err: '' });
  });

  it.each([
    [['replay', '--local'], 'failover: name one source: --from-app, --activity-log, --file or --saved (got none)'],
    [['replay', '--file', 'a.json', '--saved', 'dir', '--local'], 'failover: name one source: --from-app, --activity-log, --file or --saved (got --file and --saved)'],
    [['replay', '--file', 'a.json', '--local', '--speed', '0'], 'failover: --speed must be from 1 to 3600 (got 0)'],
    [['replay', '--file', 'a.json', '--local', '--health', 'maybe'], "failover: --health must be recorded or live (got 'maybe')"],
    [['replay', '--file', 'a.json', '--local', '--timeout', 'soon'], "failover: --timeout: expected a duration such as 90s, 10m, 1h30m, 2d, or ISO-8601 such as PT10M, PT1H30M, P1D; got 'soon'"],
    [['replay', '--activity-log', '--local'], 'failover: --activity-log needs --subscription S[,S2]: the subscriptions whose history to read'],
  ])('%j is a usage error naming the option, with the command’s help', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.err).toBe(`${message}\n\n${REPLAY_USAGE}`);
  });

  it('shows what it would replay with --dry-run, and stops', async () => {
    const run = await cli(['replay', '--file', fixture('servicehealth-legacy-doc-sample.json'), '--local', '--dry-run', '--speed', '30']);
    expect(run.code).toBe(0);
    expect(run.out.split('\n')[0]).toBe(`would replay 1 signal(s) from file ${fixture('servicehealth-legacy-doc-sample.json')} at 30x:`);
    expect(run.out).toContain('  +0s (+0s at 30x)  alerts             file:');
    expect(run.out.split('\n').at(-1)).toBe('0 health observation(s); no original incident to compare with');
  });

  it('says it cannot read an expected report that is not one, exit 4 (never 1, which means the decisions differ)', async () => {
    const run = await cli(['replay', '--file', fixture('servicehealth-legacy-doc-sample.json'), '--local', '--expect', join(repoRoot, 'package.json')]);
    expect(run.code).toBe(4);
    expect(run.err).toBe(`failover: cannot read the expected report ${join(repoRoot, 'package.json')}: it has no \`now\` list of incidents: give a report written by --out or --json`);
  });

  it('says it cannot read a source that is not there, exit 4', async () => {
    const run = await cli(['replay', '--file', join(repoRoot, 'no-such-file.jsonl'), '--local']);
    expect(run.code).toBe(4);
    expect(run.err).toMatch(/^failover: cannot read the source: /);
    expect(run.err).toContain('no-such-file.jsonl');
  });
});
