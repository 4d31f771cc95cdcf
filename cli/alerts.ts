/** `failover alerts …`: read alert payloads the way the webhook does. */
import { formatParseError, parsePayload } from '../lib/alerts/index.js';
import { EXIT, readInput, type CliIo } from './io.js';

/**
 * `failover alerts parse <file|->`: prints the Signal as JSON (an array for a batch such as an
 * Event Hub `records[]` export). Any unreadable item is reported with its path and exits 1.
 */
export async function alertsParse(io: CliIo, file: string): Promise<number> {
  const input = await readInput(io, file, 'payload');
  if (!input.ok) return EXIT.invalidInput;
  const parsed = parsePayload(input.data, { receivedAt: io.now() });
  if (!parsed.ok) {
    io.err(`failover: ${file}: ${formatParseError(parsed.error)}`);
    return EXIT.invalidInput;
  }
  const { batch, items } = parsed.value;
  const signals = items.flatMap((item) => (item.ok ? [item.value] : []));
  const failures = items.flatMap((item) => (item.ok ? [] : [item.error]));
  for (const error of failures) io.err(`failover: ${file}: ${formatParseError(error)}`);
  if (batch) io.out(JSON.stringify(signals, null, 2));
  else if (signals[0] !== undefined) io.out(JSON.stringify(signals[0], null, 2));
  return failures.length === 0 ? EXIT.ok : EXIT.invalidInput;
}
