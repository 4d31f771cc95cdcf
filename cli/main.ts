/** The `failover` command line: dispatch to each command group, and the help of each. */
import { ALERTS_USAGE, alertsCommand } from './alerts.js';
import { CATALOG_USAGE, catalogCommand } from './catalog.js';
import { EXIT, processIo, UsageError, type CliIo } from './io.js';
import { INCIDENTS_USAGE, incidentsCommand, TRIGGER_USAGE, triggerCommand } from './incidents.js';
import { INFRA_USAGE, infraCommand } from './infra.js';
import { READINESS_USAGE, readinessCommand } from './readiness.js';
import { REPLAY_USAGE, replayCommand } from './replay.js';
import { SIM_USAGE, simCommand } from './sim.js';
import { STATUS_USAGE, statusCommand } from './status.js';

export const USAGE = `Usage: failover <command> [options]
       failover <command> --help     (or failover help <command>): the command's own options

Commands:
  status                                 What is protected and how ready it is: per workload, the
                                         active side, the last failover, readiness drift, permissions,
                                         open incidents and retired services; exit 3 when any is not ready.
  alerts parse <file|->                  Print the Signal an alert payload becomes (JSON), with the
                                         workloads it affects. '-' reads standard input.
  catalog check <file>                   Validate a protection catalog; list every problem.
  catalog match <catalog> <payload|->    Show which workloads an alert affects, and why.
  trigger --workloads a,b --reason TEXT [--plan] …
                                         Fail workloads over through the app (or plan it).
  incidents list|show|watch|approve|reject|failback|cancel|reopen …
                                         Find, watch and steer incidents.
  readiness <workload>                   Compare a standby with what the catalog requires, and the
                                         app's permissions and alert rules; exit 3 when something is missing.
  infra generate|plan <catalog> …        Write the alert rules, action group and role assignments the
                                         catalog implies (infra/generated); show what deploying them
                                         would change.
  replay <source> <target> …             Rehearse a past incident against staging or the local stack;
                                         exit 1 when today's decisions differ.
  sim <command> …                        Inspect the Azure simulator and inject faults.
  help [<command>]                       This help, or a command's.

Every command takes --json: its result as JSON on standard output; problems stay on standard error,
with the exit status below. The commands that ask the app (status, trigger, incidents, readiness)
find it with --app URL (env FAILOVER_URL, default http://localhost:7071) and --key KEY (env
FAILOVER_KEY, else the on-call key 'npm start' keeps in .local/keys.json).

Exit status:
    0  it worked (for status, readiness and infra plan: nothing to fix or deploy)
    1  invalid input, or a failure outside the CLI: the message names the file and field, or the app
       or simulator and what it answered; replay: today's decisions differ from the original ones;
       incidents watch / trigger --watch: the incident ended in failure
    2  usage error: an unknown command or option, a missing or extra argument
    3  the command worked and found something to fix: status (a workload not ready, or its readiness
       not known), readiness (the standby or a permission is missing), infra plan (changes to deploy)
    4  replay: the replay could not run (its source, its target, or a refusal; the message says which)
  130  incidents watch / trigger --watch stopped with Ctrl-C (the incident goes on)
A reader that stops early (failover incidents list | head -5) ends the command quietly, exit 0.`;

type Command = (io: CliIo, args: string[]) => Promise<number>;

/** Every command group: its help, and what runs it. */
const GROUPS: Readonly<Record<string, { usage: string; run: Command }>> = {
  status: { usage: STATUS_USAGE, run: (io, args) => statusCommand(io, args) },
  alerts: { usage: ALERTS_USAGE, run: (io, args) => alertsCommand(io, args) },
  catalog: { usage: CATALOG_USAGE, run: catalogCommand },
  trigger: { usage: TRIGGER_USAGE, run: (io, args) => triggerCommand(io, args) },
  incidents: { usage: INCIDENTS_USAGE, run: (io, args) => incidentsCommand(io, args) },
  readiness: { usage: READINESS_USAGE, run: (io, args) => readinessCommand(io, args) },
  infra: { usage: INFRA_USAGE, run: (io, args) => infraCommand(io, args) },
  replay: { usage: REPLAY_USAGE, run: (io, args) => replayCommand(io, args) },
  sim: { usage: SIM_USAGE, run: (io, args) => simCommand(io, args) },
};

/** The group's help, for `failover help <group>`; undefined for a name that is none. */
export function groupUsage(name: string): string | undefined {
  return Object.hasOwn(GROUPS, name) ? GROUPS[name]!.usage : undefined;
}

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  // The help shown with a usage mistake: the group's once the group is known.
  let usage = USAGE;
  try {
    const [first, ...args] = argv;
    if (first === undefined) {
      io.err(USAGE);
      return EXIT.usage;
    }
    if (isHelp(first) || (first === 'help' && args.length === 0)) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (first === 'help') {
      const help = args.length === 1 ? groupUsage(args[0]!) : undefined;
      if (help === undefined) throw new UsageError(args.length === 1 ? `no command '${args[0]}' to show the help of` : 'name one command: failover help <command>');
      io.out(help);
      return EXIT.ok;
    }
    if (!Object.hasOwn(GROUPS, first)) throw new UsageError(first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`);
    const group = GROUPS[first]!;
    usage = group.usage;
    if (args.length === 0) {
      // A group alone is a command not finished: its help, as a usage error.
      io.err(group.usage);
      return EXIT.usage;
    }
    if (args.some(isHelp)) {
      io.out(group.usage);
      return EXIT.ok;
    }
    return await group.run(io, args);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`failover: ${err.message}${err.message.includes('\n') ? '' : `\n\n${usage}`}`);
      return EXIT.usage;
    }
    // A simulator that cannot be reached, and other failures outside the input: say so, exit 1.
    io.err(`failover: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.invalidInput;
  }
}
