/**
 * `failover trigger …` and `failover incidents …`: what on-call does from a terminal, over the
 * app's HTTP API. The app is found through `--app URL` (env FAILOVER_URL, default
 * http://localhost:7071) and its function key through `--key` (env FAILOVER_KEY, else the key
 * `npm start` keeps in `<data dir>/keys.json`).
 */
import { call, failure, target, type AppTarget } from './app.js';
import { parseFlags, type Flags } from './flags.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { abortOnInterrupt, intervalOf, timelineLine as line, watchIncident, watchMode, WATCH_USAGE_LINES } from './watch.js';
import { checklistLines, listLines, sourceLines } from './incident-text.js';
import { isFinished } from '../lib/incidents/client.js';
import { incidentIdProblem } from '../lib/incidents/ids.js';
import type { UndeliveredNotification } from '../lib/notify/outbox.js';
import type { IncidentBrief, IncidentView } from '../lib/operators/incidents.js';

/** Who the app records as acting: said in the help of both `trigger` and `incidents`. */
const WHO_YOU_ARE = `Who you are: --token (env FAILOVER_TOKEN), an Entra access token for the app, is verified by the app;
locally, export FAILOVER_TOKEN=$(npx failover sim login you@contoso.example). Without one, --by NAME
(default your login name) is recorded as not verified.`;

export const TRIGGER_USAGE = `failover trigger (--workloads a,b | --service S --region R) --reason TEXT [--plan] [--planned] [--request-id ID] [--by NAME] [--watch]
                 [--app URL] [--key KEY] [--token TOKEN] [--data-dir DIR] [--json]
                                  fail workloads over (or, with --plan, show what a failover would do);
                                  --watch [--interval MS] follows it as 'failover incidents watch' does
${WHO_YOU_ARE}`;

export const INCIDENTS_USAGE = `failover incidents <command> [--app URL] [--key KEY] [--token TOKEN] [--data-dir DIR] [--json]
  list [--state running|finished] [--tracking-id ID] [--resource ARM-ID]
                                  newest first: Azure's reference (tracking ID, resource or operation),
                                  subscription, outcome or phase, workloads, title; --tracking-id and
                                  --resource keep those of one Service Health incident or one resource
  show <id | tracking ID>         the Azure source and its portal link, what to do next (a checklist per
                                  workload), decisions and the timeline; given a tracking ID (7K2T-LQ8),
                                  the newest incident of it, the others listed with their ids
${WATCH_USAGE_LINES}
  approve <id> [--comment TEXT] [--round N]
                                  approve the open request (bound to its direction and round; --round
                                  refuses if it has moved on); approvers named in the catalog must sign in
  reject <id> [--comment TEXT] [--round N]
  failback <id> [--force --reason TEXT]
                                  ask for the failback now (the health wait and the approval still apply);
                                  --force skips both: approvers only, with a reason, recorded
  cancel <id> [--comment TEXT]    stop: before acting it ends the incident; while failing over the playbooks
                                  stop at the next step; failed over, the automatic failback stops
  reopen <id>                     let the next alert of a cancelled incident start a new one
${WHO_YOU_ARE}`;

const BOOLEANS = new Set(['json', 'plan', 'planned', 'watch', 'force']);

/** `<at>  <type>  <target>  retrying (2 attempts, next at …): <error>` */
function undeliveredLine(u: UndeliveredNotification): string {
  const tries = `${u.attempts} attempt${u.attempts === 1 ? '' : 's'}`;
  const state =
    u.status === 'retrying'
      ? `retrying (${tries}, next at ${u.nextAttemptAt ?? '?'}): ${u.lastError ?? ''}`
      : u.status === 'delivered-late'
        ? `delivered late (${tries}, at ${u.deliveredAt ?? '?'})`
        : `undelivered (${tries}): ${u.lastError ?? ''}`;
  return `${u.at}  ${u.type.padEnd(20)} ${u.target}  ${state}`;
}

function text(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** Who to record as acting: --by, else the login name (behind App Service Authentication the app records the signed-in user instead). */
function actor(flags: Flags, env: Readonly<Record<string, string | undefined>>): { by?: string } {
  const by = text(flags, 'by') ?? env['USER'] ?? env['USERNAME'];
  return by !== undefined && by !== '' ? { by } : {};
}

export async function triggerCommand(io: CliIo, args: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { positional, flags } = parseFlags(args, BOOLEANS);
  if (positional.length > 0) throw new UsageError(`unexpected '${positional[0]}'\n${TRIGGER_USAGE}`);
  const reason = text(flags, 'reason');
  if (reason === undefined) throw new UsageError('--reason is required: say why, it goes into the timeline and every notification');
  // A bad --interval is refused before anything starts.
  intervalOf(flags['interval']);
  const workloads = text(flags, 'workloads')
    ?.split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  const body = {
    ...(workloads !== undefined ? { workloads } : {}),
    ...(text(flags, 'service') !== undefined ? { service: text(flags, 'service') } : {}),
    ...(text(flags, 'region') !== undefined ? { region: text(flags, 'region') } : {}),
    reason,
    mode: flags['plan'] === true ? 'plan' : 'execute',
    kind: flags['planned'] === true ? 'planned' : 'unplanned',
    ...(text(flags, 'request-id') !== undefined ? { requestId: text(flags, 'request-id') } : {}),
    ...actor(flags, env),
  };
  const t = await target(io, flags, env);
  const res = await call(t, 'POST', '/api/failovers', body);
  if (res.status !== 202 && res.status !== 200) return failure(io, res.status, res.body);
  const answer = res.body as { incidentId: string; statusUrl: string; duplicate?: boolean };
  if (flags['json'] === true && flags['watch'] !== true) return io.out(JSON.stringify(answer, null, 2)), EXIT.ok;
  // With --json the watch prints NDJSON: the answer is its first object.
  if (flags['json'] === true) io.out(JSON.stringify({ type: 'incident', ...answer }));
  else io.out(answer.duplicate === true ? `already requested: incident ${answer.incidentId}` : `incident ${answer.incidentId} started (${body.mode}); status: ${answer.statusUrl}`);
  return flags['watch'] === true || body.mode === 'plan' ? watch(io, t, answer.incidentId, flags) : EXIT.ok;
}

export async function incidentsCommand(io: CliIo, args: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { positional, flags } = parseFlags(args, BOOLEANS);
  const [command, id] = positional;
  if (command === undefined) throw new UsageError(`expected an incidents command\n${INCIDENTS_USAGE}`);
  const json = flags['json'] === true;
  const needId = () => {
    if (id === undefined) throw new UsageError(`expected: failover incidents ${command} <incident id>`);
    return encodeURIComponent(id);
  };
  const t = await target(io, flags, env);
  switch (command) {
    case 'list': {
      const state = text(flags, 'state');
      const trackingId = text(flags, 'tracking-id');
      const resource = text(flags, 'resource');
      const query = new URLSearchParams({ ...(state !== undefined ? { state } : {}), ...(trackingId !== undefined ? { trackingId } : {}), ...(resource !== undefined ? { resource } : {}) }).toString();
      const res = await call(t, 'GET', `/api/incidents${query !== '' ? `?${query}` : ''}`);
      if (res.status !== 200) return failure(io, res.status, res.body);
      const list = (res.body as { incidents: IncidentBrief[] }).incidents;
      if (json) return io.out(JSON.stringify(list, null, 2)), EXIT.ok;
      if (list.length === 0) {
        const which = [state !== undefined ? `${state} ` : '', 'incidents', trackingId !== undefined ? ` of tracking ID ${trackingId.trim()}` : '', resource !== undefined ? ` about ${resource.trim()}` : ''].join('');
        io.out(`no ${which}`);
      }
      for (const l of listLines(list)) io.out(l);
      return EXIT.ok;
    }
    case 'show': {
      const found = await findIncident(io, t, decodeURIComponent(needId()));
      if (!found.ok) return found.exitCode;
      const res = await call(t, 'GET', `/api/incidents/${encodeURIComponent(found.id)}`);
      if (res.status !== 200) return failure(io, res.status, res.body);
      const others = found.others.map((o) => `${o.incidentId}  ${o.createdAt}  ${o.outcome ?? o.phase}`);
      if (json) {
        io.out(JSON.stringify(res.body, null, 2));
        if (others.length > 0) io.err(`${others.length} more incident${others.length === 1 ? '' : 's'} of tracking ID ${found.trackingId}: ${found.others.map((o) => o.incidentId).join(', ')}`);
        return EXIT.ok;
      }
      const v = res.body as IncidentView;
      io.out(`${v.incidentId}: ${v.title ?? ''}`);
      io.out(`  ${v.runtimeStatus}, ${v.outcome ?? v.phase}; workloads ${v.workloads.join(', ') || 'none'}; updated ${v.updatedAt}`);
      for (const l of sourceLines(v.source ?? null)) io.out(l);
      for (const l of checklistLines(v.checklist ?? [], isFinished(v))) io.out(l);
      io.out('  Timeline');
      for (const e of v.timeline) io.out(`  ${line(e)}`);
      const undelivered = v.notifications?.undelivered ?? [];
      if (undelivered.length > 0) io.out('  notifications a channel did not take at once:');
      for (const u of undelivered) io.out(`  ${undeliveredLine(u)}`);
      if (others.length > 0) io.out(`  Other incidents of tracking ID ${found.trackingId} (failover incidents show <id>):`);
      for (const o of others) io.out(`    ${o}`);
      return EXIT.ok;
    }
    case 'watch':
      return watch(io, t, decodeURIComponent(needId()), flags);
    case 'approve':
    case 'reject':
    case 'failback':
    case 'cancel':
    case 'reopen': {
      const round = text(flags, 'round');
      if (round !== undefined && !/^\d+$/.test(round)) throw new UsageError(`--round must be a whole number (the round the incident shows), got '${round}'`);
      const comment = text(flags, 'comment') ?? text(flags, 'reason');
      if (flags['force'] === true && (command !== 'failback' || comment === undefined)) {
        throw new UsageError(command !== 'failback' ? '--force applies to failback only' : '--force needs --reason: it skips the health wait and the approval, and the record says why');
      }
      const res = await call(t, 'POST', `/api/incidents/${encodeURIComponent(needId())}/${command}`, {
        ...(comment !== undefined ? { comment } : {}),
        ...(round !== undefined ? { round: Number(round) } : {}),
        ...(flags['force'] === true ? { force: true } : {}),
        ...actor(flags, env),
      });
      if (res.status !== 202) return failure(io, res.status, res.body);
      if (json) return io.out(JSON.stringify(res.body, null, 2)), EXIT.ok;
      const a = res.body as { by: string; phase: string; note?: string };
      io.out(`${command} sent to ${id} (was ${a.phase}) by ${a.by}${a.note !== undefined ? `; ${a.note}` : ''}`);
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown incidents command '${command}'\n${INCIDENTS_USAGE}`);
  }
}

/**
 * The incident `show` means: an incident id as it is; anything else is taken for a Service Health
 * tracking ID, whose newest incident is shown, the others listed. None, or a value that is neither,
 * is said in words (exit 1).
 */
async function findIncident(io: CliIo, t: AppTarget, arg: string): Promise<{ ok: true; id: string; trackingId: string | null; others: IncidentBrief[] } | { ok: false; exitCode: number }> {
  if (incidentIdProblem(arg) === null) return { ok: true, id: arg, trackingId: null, others: [] };
  const res = await call(t, 'GET', `/api/incidents?${new URLSearchParams({ trackingId: arg }).toString()}`);
  if (res.status === 400) {
    io.err(`failover: '${arg}' is neither an incident id (incident-<20 hex digits>-<17 digits>) nor a Service Health tracking ID (such as 7K2T-LQ8); 'failover incidents list' shows both`);
    return { ok: false, exitCode: EXIT.invalidInput };
  }
  if (res.status !== 200) return { ok: false, exitCode: failure(io, res.status, res.body) };
  const [newest, ...others] = (res.body as { incidents: IncidentBrief[] }).incidents;
  if (newest === undefined) {
    io.err(`failover: no incident has tracking ID ${arg.trim()}; 'failover incidents list' shows the incidents there are`);
    return { ok: false, exitCode: EXIT.invalidInput };
  }
  return { ok: true, id: newest.incidentId, trackingId: newest.source?.trackingId ?? arg.trim(), others };
}

/** Follows the incident until it ends, rendered for where the output goes (cli/watch.ts); Ctrl-C stops the watch, not the incident. */
async function watch(io: CliIo, t: AppTarget, id: string, flags: Flags): Promise<number> {
  const interrupt = abortOnInterrupt();
  try {
    return await watchIncident(io, t, id, { intervalMs: intervalOf(flags['interval']), mode: watchMode(io, flags['json'] === true), signal: interrupt.signal });
  } finally {
    interrupt.dispose();
  }
}
