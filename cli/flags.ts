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
