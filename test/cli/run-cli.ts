/** The `failover` command from the sources, as a process of its own: what bin/failover.js runs from dist. */
import { runCli } from '../../cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
