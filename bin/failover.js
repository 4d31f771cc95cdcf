#!/usr/bin/env node
// Entry point for `npx failover`. Runs the compiled CLI; `npm ci` builds it (prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('failover: the CLI is not built; run `npm run build` (npm ci does it for you)\n');
  process.exit(2);
}
const { runCli } = await import(main.href);
process.exitCode = await runCli(process.argv.slice(2));
