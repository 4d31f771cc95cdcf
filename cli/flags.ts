/** `--name value` and `--switch` options after a command, as `sim` and `incidents` take them. */
import { UsageError } from './io.js';

export type Flags = Record<string, string | true>;

export function parseFlags(args: string[], booleans: ReadonlySet<string>): { positional: string[]; flags: Flags } {
  const positional: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (booleans.has(name)) flags[name] = true;
    else {
      const value = args[++i];
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      flags[name] = value;
    }
  }
  return { positional, flags };
}

/** Refuses an option the command does not take, naming it, so a typo is not read as something else. */
export function rejectUnknownFlags(flags: Flags, known: ReadonlySet<string>): void {
  const unknown = Object.keys(flags).find((name) => !known.has(name));
  if (unknown !== undefined) throw new UsageError(`unknown option '--${unknown}'`);
}
