/**
 * The simulator on its own: `npm run sim -- [--port N] [--estate FILE] [--time-scale N] [--ca-out FILE] [--start-time ISO [--real-start ISO]]`.
 * For staging rehearsals without a staging subscription, for benchmarks that need it in a
 * process of its own, and for `npm start`, which runs it as a process of its own so that it
 * outlives a killed host. Prints its URL; writes its certificate where --ca-out says (default
 * .local/simulator-ca.pem). --start-time sets the time its clock starts at; with --real-start, the
 * real time at which another clock (the local host's) read that time, its clock runs from that
 * origin as the other does, however long this process took to start. --data-dir names the local
 * host data directory it serves: removing that directory stops it.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Simulator } from './simulator.js';

const USAGE = 'usage: npm run sim -- [--port N] [--estate FILE] [--time-scale N] [--ca-out FILE] [--start-time ISO [--real-start ISO]] [--data-dir DIR]\n';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { port: { type: 'string' }, estate: { type: 'string' }, 'time-scale': { type: 'string' }, 'ca-out': { type: 'string' }, 'start-time': { type: 'string' }, 'real-start': { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const port = Number(values.port ?? process.env['SIM_PORT'] ?? '8443');
  const timeScale = Number(values['time-scale'] ?? process.env['TIME_SCALE'] ?? '1');
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(`--port must be a port number, got '${values.port}'`);
  if (!(timeScale > 0)) return usage(`--time-scale must be a positive number, got '${values['time-scale']}'`);
  const startTime = values['start-time'] === undefined ? undefined : Date.parse(values['start-time']);
  if (startTime !== undefined && !Number.isFinite(startTime)) return usage(`--start-time must be an ISO date and time, got '${values['start-time']}'`);
  const realStart = values['real-start'] === undefined ? undefined : Date.parse(values['real-start']);
  if (realStart !== undefined && !Number.isFinite(realStart)) return usage(`--real-start must be an ISO date and time, got '${values['real-start']}'`);
  if (realStart !== undefined && startTime === undefined) return usage('--real-start needs --start-time');
  const estate = resolve(values.estate ?? 'samples/estate.yaml');
  const caOut = resolve(values['ca-out'] ?? '.local/simulator-ca.pem');
  let sim: Simulator;
  try {
    // The simulator's clock starts at `startTime` the moment it is made, in this call: carried from
    // the origin to now, that is the other clock's time.
    const clockStart = startTime === undefined ? undefined : startTime + (realStart === undefined ? 0 : (Date.now() - realStart) * timeScale);
    sim = await Simulator.start({ port, estate, timeScale, ...(clockStart !== undefined ? { startTime: clockStart } : {}) });
  } catch (err) {
    process.stderr.write(`simulator failed to start: ${(err as Error).message}\n`);
    return 1;
  }
  mkdirSync(dirname(caOut), { recursive: true });
  writeFileSync(caOut, sim.ca);
  process.stdout.write(`Azure simulator listening on ${sim.baseUrl} (${sim.store.all().length} resources, time scale ${timeScale}x)\ncertificate: ${caOut}\n`);
  const dataDir = values['data-dir'] === undefined ? undefined : resolve(values['data-dir']);
  return new Promise((done) => {
    const stop = () => void sim.close().then(() => done(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // Started for a local host (which it outlives): nobody can find it once that data directory is gone.
    if (dataDir !== undefined) {
      const watch = setInterval(() => {
        if (existsSync(dataDir)) return;
        clearInterval(watch);
        process.stdout.write(`${dataDir} was removed: stopping\n`);
        stop();
      }, 1000);
    }
  });
}

function usage(message: string): number {
  process.stderr.write(`${message}\n${USAGE}`);
  return 2;
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
