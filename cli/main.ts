/** The `failover` command line: argument parsing and dispatch only. */
import { alertsParse } from './alerts.js';
import { catalogCheck, catalogMatch } from './catalog.js';
import { EXIT, processIo, UsageError, type CliIo } from './io.js';
import { INCIDENTS_USAGE, incidentsCommand, triggerCommand } from './incidents.js';
import { INFRA_USAGE, infraCommand } from './infra.js';
import { READINESS_USAGE, readinessCommand } from './readiness.js';
import { REPLAY_USAGE, replayCommand } from './replay.js';
import { SIM_USAGE, simCommand } from './sim.js';

export const USAGE = `Usage: failover <command> [options]

Commands:
  alerts parse <file|->                  Print the Signal an alert payload becomes (JSON).
                                         '-' reads standard input. Batches print an array.
  catalog check <file> [--json]          Validate a protection catalog; list every problem.
  catalog match <catalog> <payload|-> [--json]
                                         Show which workloads an alert affects, and why.
  trigger --workloads a,b --reason TEXT [--plan] …
                                         Fail workloads over through the app (or plan it).
  incidents list|show|watch|approve|reject|failback|cancel …
                                         Watch and steer incidents ('failover incidents' lists them).
  readiness <workload> [--json]          Compare a standby with what the catalog requires, and
                                         the app's permissions and alert rules; exit 3 when
                                         something is missing.
  infra generate|plan <catalog> …        Write the alert rules, action group and role assignments
                                         the catalog implies (infra/generated); show what deploying
                                         them would change ('failover infra' lists the options).
  replay <source> <target> …             Rehearse a past incident against staging or the local
                                         stack; exit 1 when today's decisions differ
                                         ('failover replay --help' lists the options).
  sim <command> …                        Inspect the Azure simulator and inject faults
                                         ('failover sim' lists its commands).

Options:
  -h, --help                             Show this help.

Exit status: 0 success, 1 invalid input (the message names the file and field), 2 usage error,
3 a standby not ready (readiness), 4 a replay that could not run.`;

interface Args {
  positional: string[];
  json: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { positional: [], json: false, help: false };
  for (const arg of argv) {
    if (arg === '--json') args.json = true;
    else if (arg === '-h' || arg === '--help') args.help = true;
    else if (arg.startsWith('--')) throw new UsageError(`unknown option '${arg}'`);
    else args.positional.push(arg);
  }
  return args;
}

function expect(args: string[], count: number, usage: string): string[] {
  if (args.length !== count) throw new UsageError(`expected: failover ${usage}`);
  return args;
}

export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    // `sim`, `trigger` and `incidents` have options of their own (--region R, --reason TEXT, …).
    const own = {
      sim: [SIM_USAGE, simCommand],
      incidents: [INCIDENTS_USAGE, incidentsCommand],
      trigger: [INCIDENTS_USAGE, triggerCommand],
      readiness: [READINESS_USAGE, readinessCommand],
      infra: [INFRA_USAGE, infraCommand],
      replay: [REPLAY_USAGE, replayCommand],
    } as const;
    const first = argv[0] as keyof typeof own | undefined;
    if (first !== undefined && Object.hasOwn(own, first)) {
      const [usage, command] = own[first];
      if ((argv.length === 1 && first !== 'trigger') || argv.includes('--help') || argv.includes('-h')) {
        io.out(usage);
        return argv.length === 1 ? EXIT.usage : EXIT.ok;
      }
      return await command(io, argv.slice(1));
    }
    const args = parseArgs(argv);
    const [group, command, ...rest] = args.positional;
    if (args.help || group === undefined || group === 'help') {
      io.out(USAGE);
      return group === undefined && !args.help ? EXIT.usage : EXIT.ok;
    }
    switch (`${group} ${command ?? ''}`) {
      case 'alerts parse': {
        const [file] = expect(rest, 1, 'alerts parse <file|->');
        return await alertsParse(io, file!);
      }
      case 'catalog check': {
        const [file] = expect(rest, 1, 'catalog check <file> [--json]');
        return await catalogCheck(io, file!, args.json);
      }
      case 'catalog match': {
        const [catalog, payload] = expect(rest, 2, 'catalog match <catalog> <payload|-> [--json]');
        return await catalogMatch(io, catalog!, payload!, args.json);
      }
      default:
        throw new UsageError(`unknown command '${[group, command].filter(Boolean).join(' ')}'`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`failover: ${err.message}${err.message.includes('\n') ? '' : `\n\n${USAGE}`}`);
      return EXIT.usage;
    }
    // A simulator that cannot be reached, and other failures outside the input: say so, exit 1.
    io.err(`failover: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.invalidInput;
  }
}
