/**
 * What every demo scenario does with the running stack: call the app and the simulator, deliver
 * alerts to the webhook, follow incidents (printing each new timeline entry and playbook step as
 * it happens), and in the end print every step with its duration and write the HTML report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { createAzureClients } from '../lib/azure/clients.js';
import { fetchTrusting } from '../lib/http/fetch-trusting.js';
import { isFinished } from '../lib/incidents/client.js';
import type { IncidentView } from '../lib/operators/incidents.js';
import type { StepRecord } from '../lib/playbooks/types.js';
import { formatMs, renderIncidentReport, type ReportCheck, type ReportIncident } from '../lib/report/incident-report.js';
import type { Stack } from '../local/stack.js';
import { LOCAL_OPERATOR_AUDIENCE, LOCAL_TENANT_ID } from '../local/sign-in.js';

export interface Tracked {
  label: string;
  workload: string;
  id: string;
  printed: Set<string>;
}

/** What a scenario hands back: the incidents as they ended, and what the estate should look like. */
export interface ScenarioResult {
  title: string;
  finals: IncidentView[];
  checks: ReportCheck[];
}

export type Say = (text: string) => void;

/** Who approves in the demo: an approver the sample catalog names. */
const DEMO_ON_CALL = 'dana@contoso.example';

export class DemoDriver {
  readonly incidents: Tracked[] = [];
  private readonly simFetch: typeof fetch;

  constructor(
    readonly stack: Stack,
    readonly scale: number,
    readonly say: Say,
  ) {
    this.simFetch = fetchTrusting(stack.sim.ca);
  }

  /** The key the caller of `path` would hold: the action group's for the webhook, on-call's for the rest. */
  private keyFor(path: string): string {
    return this.stack.host.keys.groups[path.startsWith('/api/alerts') ? 'webhook' : 'oncall']!;
  }

  private signedIn: Promise<string> | undefined;
  /**
   * The on-call engineer of the demo, signed in to the simulator's directory as the sample
   * catalog's approver: the app verifies the token as it would an Entra one.
   */
  private authorization(): Promise<string> {
    this.signedIn ??= this.sim('POST', '/_sim/identity/token', { tenant: LOCAL_TENANT_ID, audience: LOCAL_OPERATOR_AUDIENCE, upn: DEMO_ON_CALL }).then(
      (answer) => `Bearer ${(answer.body as { access_token: string }).access_token}`,
    );
    return this.signedIn;
  }

  /** The app's answer, as JSON; the demo reads the few fields it shows. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const onCall = !path.startsWith('/api/alerts');
    const res = await fetch(`${this.stack.host.url}${path}`, {
      method,
      headers: { 'x-functions-key': this.keyFor(path), 'content-type': 'application/json', ...(onCall ? { authorization: await this.authorization() } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? null : JSON.parse(text) };
  }

  /** The simulator's control API. */
  async sim(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await this.simFetch(`${this.stack.sim.baseUrl}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
    return { status: res.status, body: await res.json() };
  }

  /** A key of the App Configuration store the workloads' active-side keys live in, as the app reads it. */
  async setting(key: string): Promise<string | undefined> {
    const clients = createAzureClients({ kind: 'simulator', endpoint: this.stack.sim.baseUrl, caPem: this.stack.sim.ca });
    return (await clients.appConfiguration(process.env['APP_CONFIGURATION_ENDPOINT']!).getConfigurationSetting({ key })).value;
  }

  azureNow(): Date {
    return new Date(this.stack.sim.clock.now());
  }

  track(label: string, workload: string, id: string): Tracked {
    const t = { label, workload, id, printed: new Set<string>() };
    this.incidents.push(t);
    return t;
  }

  /** Posts an alert to the webhook as an action group would; a new incident is tracked. */
  async deliver(label: string, workload: string, body: string): Promise<void> {
    const reply = await this.call('POST', '/api/alerts', body);
    if (reply.status !== 202) throw new Error(`the webhook answered ${reply.status} to the ${label} alert: ${JSON.stringify(reply.body)}`);
    this.say(`${label}: alert delivered → ${reply.status} ${reply.body.delivery ?? ''} ${reply.body.incidentId ?? reply.body.reason}`);
    if (reply.body.delivery === 'started') this.track(label, workload, reply.body.incidentId);
  }

  async view(i: Tracked): Promise<IncidentView> {
    return (await this.call('GET', `/api/incidents/${encodeURIComponent(i.id)}`)).body as IncidentView;
  }

  /** Prints what is new in each incident until `done` holds for every one of `which`. */
  async follow(what: string, done: (v: IncidentView, i: Tracked) => boolean, which: Tracked[] = this.incidents): Promise<IncidentView[]> {
    this.say(`waiting for ${what}…`);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const views = await Promise.all(which.map((i) => this.view(i)));
      which.forEach((i, n) => this.show(i, views[n]!));
      if (views.every((v, n) => done(v, which[n]!))) return views;
      if (views.some((v, n) => isFinished(v) && !done(v, which[n]!))) {
        throw new Error(`an incident ended early: ${views.map((v) => `${v.incidentId} ${v.runtimeStatus} ${v.outcome ?? v.phase}`).join('; ')}`);
      }
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${views.map((v) => `${v.incidentId} ${v.phase}`).join('; ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Approves what an incident waits for (a failover or a failback), as on-call would. */
  async approve(i: Tracked, comment: string): Promise<void> {
    const reply = await this.call('POST', `/api/incidents/${encodeURIComponent(i.id)}/approve`, { comment });
    if (reply.status !== 202) throw new Error(`the approval of ${i.label} was refused (${reply.status}): ${reply.body?.detail ?? JSON.stringify(reply.body)}`);
    this.say(`${i.label}: ${reply.body.direction} approved by ${reply.body.by} (${reply.body.verified ? 'verified' : 'not verified'}) → ${reply.status}`);
  }

  /** Prints every step of every playbook with its duration, checks the end state and writes the report; true when every check holds. */
  finish(result: ScenarioResult, reportPath: string, heard: number): boolean {
    const out = (text: string) => process.stdout.write(text);
    out('\nEvery step, with how long it took in Azure time (wall-clock time is that divided by the time scale):\n');
    for (const v of result.finals) {
      out(`\n${v.title} (${v.incidentId}): ${v.outcome}\n`);
      for (const direction of ['failover', 'failback'] as const) {
        for (const [workload, r] of Object.entries(v.summary?.[direction] ?? {})) {
          out(`  ${direction} of ${workload}: ${r.ok ? 'ok' : `failed at ${r.failedStep}`} in ${formatMs(r.durationMs)}\n`);
          for (const s of r.steps) out(`    ${s.status.padEnd(13)} ${formatMs(stepMs(s)).padStart(8)}  ${s.step}: ${s.detail}\n`);
        }
      }
    }
    out(`\nNotifications delivered to the simulated Teams and webhook channels: ${heard}\n`);
    out('\nEnd state:\n');
    for (const c of result.checks) out(`  ${c.ok ? '✓' : '✗'} ${c.what}\n`);
    const report: ReportIncident[] = result.finals.map((v) => ({
      incidentId: v.incidentId,
      title: v.title ?? v.incidentId,
      outcome: v.outcome ?? v.phase,
      workloads: v.workloads,
      timeline: v.timeline,
      failover: v.summary?.failover ?? {},
      failback: v.summary?.failback ?? {},
    }));
    mkdirSync(dirname(reportPath), { recursive: true });
    writeFileSync(reportPath, renderIncidentReport(report, { title: `${result.title} (time ${this.scale}x)`, generatedAt: new Date().toISOString(), checks: result.checks }));
    out(`\nReport: ${relative(process.cwd(), reportPath) || reportPath}\n`);
    return result.checks.every((c) => c.ok);
  }

  /** Prints an incident's new timeline entries and its playbooks' newly finished steps. */
  private show(i: Tracked, v: IncidentView): void {
    const out = (key: string, text: string) => {
      if (i.printed.has(key)) return;
      i.printed.add(key);
      this.say(`${i.label.padEnd(9)} ${text}`);
    };
    for (const e of v.timeline) out(`t|${e.at}|${e.type}|${e.detail}`, `${e.type}: ${e.detail}`);
    for (const direction of ['failover', 'failback']) {
      const playbook = this.stack.runtime.get(`${i.id}:${direction}:${i.workload}`);
      const progress = playbook?.customStatus as { steps?: StepRecord[] } | null | undefined;
      for (const s of progress?.steps ?? []) out(`s|${direction}|${s.step}|${s.status}`, `  ${direction} step ${s.step}: ${s.status} (${formatMs(stepMs(s))}) ${s.detail}`);
    }
  }
}

export function stepMs(s: StepRecord): number {
  return Date.parse(s.finishedAt) - Date.parse(s.startedAt);
}
