/**
 * The CLI's help and its manners, in-process: every command group has its own help (--help,
 * `failover help <group>`, the group alone as a usage error), the top-level help lists every
 * group and the exit codes, unknown options are refused naming them, and `alerts parse` names
 * the workloads the catalog says an alert affects instead of an empty list.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAlert } from '../../lib/alerts/index.js';
import { ALERTS_USAGE, alertsCommand } from '../../cli/alerts.js';
import { CATALOG_USAGE } from '../../cli/catalog.js';
import { INCIDENTS_USAGE, TRIGGER_USAGE } from '../../cli/incidents.js';
import { INFRA_USAGE } from '../../cli/infra.js';
import type { CliIo } from '../../cli/io.js';
import { runCli, USAGE } from '../../cli/main.js';
import { READINESS_USAGE } from '../../cli/readiness.js';
import { REPLAY_USAGE } from '../../cli/replay.js';
import { SIM_USAGE } from '../../cli/sim.js';
import { STATUS_USAGE } from '../../cli/status.js';
import { repoRoot } from '../support/fixtures.js';

const NOW = new Date('2026-11-23T12:00:00.000Z');

function capture(stdin = ''): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t) => out.push(t), err: (t) => err.push(t), read: async (path) => (path === '-' ? Buffer.from(stdin) : readFile(path)), now: () => NOW } };
}

async function run(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  const c = capture(stdin);
  const code = await runCli(args, c.io);
  return { code, out: c.out.join('\n'), err: c.err.join('\n') };
}

const GROUPS: Array<[string, string]> = [
  ['status', STATUS_USAGE],
  ['alerts', ALERTS_USAGE],
  ['catalog', CATALOG_USAGE],
  ['trigger', TRIGGER_USAGE],
  ['incidents', INCIDENTS_USAGE],
  ['readiness', READINESS_USAGE],
  ['infra', INFRA_USAGE],
  ['replay', REPLAY_USAGE],
  ['sim', SIM_USAGE],
];

describe('help', () => {
  const usageOf = (group: string) => GROUPS.find(([g]) => g === group)![1];

  it.each(GROUPS.map(([group]) => group))('%s has its own help: --help, -h and `failover help <group>` print it, exit 0', async (group) => {
    const usage = usageOf(group);
    expect(await run([group, '--help'])).toEqual({ code: 0, out: usage, err: '' });
    expect(await run([group, '-h'])).toEqual({ code: 0, out: usage, err: '' });
    expect(await run(['help', group])).toEqual({ code: 0, out: usage, err: '' });
  });

  it.each(GROUPS.map(([group]) => group))('%s alone prints its help as a usage error, exit 2', async (group) => {
    expect(await run([group])).toEqual({ code: 2, out: '', err: usageOf(group) });
  });

  it('trigger’s help is trigger’s, not the incidents commands', () => {
    expect(TRIGGER_USAGE.split('\n')[0]).toMatch(/^failover trigger \(--workloads a,b \| --service S --region R\) --reason TEXT /);
    expect(TRIGGER_USAGE).not.toMatch(/^failover incidents/m);
    expect(INCIDENTS_USAGE.split('\n')[0]).toMatch(/^failover incidents <command> /);
    expect(INCIDENTS_USAGE).not.toMatch(/^failover trigger/m);
  });

  it('the top-level help lists every group and each exit code', async () => {
    expect(await run(['--help'])).toEqual({ code: 0, out: USAGE, err: '' });
    expect(await run(['help'])).toEqual({ code: 0, out: USAGE, err: '' });
    const commands = USAGE.slice(USAGE.indexOf('Commands:'), USAGE.indexOf('Every command takes --json'));
    for (const [group] of GROUPS) expect(commands).toMatch(new RegExp(`^  ${group} `, 'm'));
    const codes = USAGE.slice(USAGE.indexOf('Exit status:')).split('\n').flatMap((line) => /^ +(\d+) {2}\S/.exec(line)?.[1] ?? []);
    expect(codes).toEqual(['0', '1', '2', '3', '4', '130']);
  });

  it('with nothing, an unknown command, option or help topic: a usage error, exit 2, naming it', async () => {
    expect(await run([])).toEqual({ code: 2, out: '', err: USAGE });
    expect(await run(['frobnicate'])).toEqual({ code: 2, out: '', err: `failover: unknown command 'frobnicate'\n\n${USAGE}` });
    expect(await run(['--frobnicate'])).toEqual({ code: 2, out: '', err: `failover: unknown option '--frobnicate'\n\n${USAGE}` });
    expect(await run(['help', 'frobnicate'])).toEqual({ code: 2, out: '', err: `failover: no command 'frobnicate' to show the help of\n\n${USAGE}` });
  });

  it('a usage mistake inside a group shows that group’s help', async () => {
    expect(await run(['alerts', 'explode', 'x'])).toEqual({ code: 2, out: '', err: `failover: unknown command 'alerts explode'\n\n${ALERTS_USAGE}` });
    expect(await run(['catalog', 'check'])).toEqual({ code: 2, out: '', err: `failover: expected: failover catalog check <file> [--json]\n\n${CATALOG_USAGE}` });
    expect(await run(['catalog', 'match', 'a.yaml', 'b.json', '--verbose'])).toEqual({ code: 2, out: '', err: `failover: unknown option '--verbose'\n\n${CATALOG_USAGE}` });
    expect(await run(['readiness', 'media-streaming', '--jsno'])).toEqual({ code: 2, out: '', err: `failover: unknown option '--jsno'\n\n${READINESS_USAGE}` });
    expect(await run(['status', 'media-streaming'])).toEqual({ code: 2, out: '', err: `failover: status takes no arguments (got 'media-streaming')\n${STATUS_USAGE}` });
    expect(await run(['infra', 'generate', 'samples/catalog.yaml', '--app-regoin', 'x'])).toEqual({ code: 2, out: '', err: `failover: unknown option '--app-regoin'\n\n${INFRA_USAGE}` });
  });
});

describe('failover alerts parse: the workloads an alert affects', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failover-alerts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sampleAlert = (name: string) => join(repoRoot, 'samples/alerts', name);
  const signalOf = async (name: string) => {
    const parsed = parseAlert(await readFile(sampleAlert(name)), { receivedAt: NOW });
    if (!parsed.ok) throw new Error('the sample does not parse');
    return parsed.value;
  };

  it('names media-streaming for a Service Health incident on Media Services in West Europe, from the app’s catalog', async () => {
    const { code, out, err } = await run(['alerts', 'parse', sampleAlert('servicehealth-media-westeurope-active.json')]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(out)).toEqual({ ...(await signalOf('servicehealth-media-westeurope-active.json')), workloads: ['media-streaming'] });
  });

  it('names the workload whose resource a Resource Health alert is about; --json prints the same', async () => {
    const plain = await run(['alerts', 'parse', sampleAlert('resourcehealth-media-account-unavailable.json')]);
    const json = await run(['alerts', 'parse', sampleAlert('resourcehealth-media-account-unavailable.json'), '--json']);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.out)).toMatchObject({ kind: 'resourceHealth', workloads: ['media-streaming'] });
    expect(json).toEqual(plain);
  });

  it('matches the catalog given with --catalog', async () => {
    const catalog = join(dir, 'one-workload.yaml');
    // The sample without media-streaming: the same alert then affects nothing.
    const yaml = await readFile(join(repoRoot, 'samples/catalog.yaml'), 'utf8');
    writeFileSync(catalog, yaml.replace(/\n {2}- id: media-streaming\n[\s\S]*?(?=\n {2}- id: )/, ''));
    const { code, out, err } = await run(['alerts', 'parse', sampleAlert('servicehealth-media-westeurope-active.json'), '--catalog', catalog]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(out)).toMatchObject({ incidentKey: '7TQ2-RX8', workloads: [] });
  });

  it('refuses a --catalog that is not one, exit 1, naming it', async () => {
    const { code, out, err } = await run(['alerts', 'parse', sampleAlert('servicehealth-media-westeurope-active.json'), '--catalog', join(dir, 'none.yaml')]);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err.split('\n')).toEqual([
      `  error   $: cannot read catalog file '${join(dir, 'none.yaml')}': no such file`,
      `failover: ${join(dir, 'none.yaml')} is not a valid catalog, so the workloads an alert affects cannot be named: fix it (failover catalog check ${join(dir, 'none.yaml')}) or pass --catalog FILE`,
    ]);
  });

  it('without a catalog, says that "workloads" is not matched rather than leaving an empty list unexplained', async () => {
    const c = capture();
    const missing = join(dir, 'no-catalog-here.yaml');
    const code = await alertsCommand(c.io, ['parse', sampleAlert('servicehealth-media-westeurope-active.json')], { CATALOG_PATH: missing });
    expect(code).toBe(0);
    expect(JSON.parse(c.out.join('\n'))).toEqual((await signalOf('servicehealth-media-westeurope-active.json')));
    expect(c.err).toEqual([
      `failover: note: no catalog at '${missing}', so "workloads" lists only the workloads a manual request names; pass --catalog FILE for the workloads the alert affects`,
    ]);
  });
});
