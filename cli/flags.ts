/** `--name value` and `--switch` options after a command, as `sim` and `incidents` take them. */
import { UsageError } from './io.js';

export type Flags = Record<string, string | true>;

/**
 * `values`, when given, lists every option that takes a value: any other `--name` (not a switch)
 * is refused as unknown, before it could swallow the next argument as its value.
 */
export function parseFlags(args: string[], booleans: ReadonlySet<string>, values?: ReadonlySet<string>): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (values !== undefined && !booleans.has(name) && !values.has(name)) throw new UsageError(`unknown option '${arg}'`);
    if (booleans.has(name)) flags[name] = true;
    else {
      const value = args[++i];
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      flags[name] = value;
    }
  }
  return { positional, flags };
}
