/**
 * Microsoft 365 service health, polled: Dynamics 365 has no Azure Monitor alert, and Microsoft
 * announces its failovers only as Graph service health issues. Each poll reads the issues changed
 * since the last one (with an overlap, so clock skew loses nothing) and sends every new or
 * changed issue through the alert intake (`acceptAlert`), where it is archived, deduplicated,
 * matched and turned into an incident or a signal for a running one, like any alert.
 *
 * What was sent is remembered per process: a restart re-reads the last day once, which the
 * intake's deduplication absorbs.
 */
import type { Answer } from '../http/problem.js';

export interface ServiceHealthPollDeps {
  listIssues(filter: string): Promise<Array<Record<string, unknown>>>;
  /** The intake, for one issue as a JSON body. */
  accept(body: Buffer): Promise<Answer>;
  now(): Date;
}

export interface PollReport {
  /** Issues Graph returned. */
  read: number;
  /** Issues sent to the intake (new or changed since last sent). */
  sent: number;
  /** Sent issues the intake acted on (started or updated an incident). */
  acted: number;
  /** Sent issues the intake could not take now (a 503): sent again next poll. */
  retry: number;
}

/** How far back the first poll of a process reads. */
const FIRST_LOOKBACK_MS = 24 * 3600_000;
/** How much each poll overlaps the one before. */
const OVERLAP_MS = 10 * 60_000;

export class ServiceHealthPoller {
  /** Issue id → the lastModifiedDateTime last sent. */
  private readonly sent = new Map<string, string>();
  private lastPollAt: number | null = null;

  async poll(deps: ServiceHealthPollDeps): Promise<PollReport> {
    const started = deps.now().getTime();
    const since = new Date(this.lastPollAt === null ? started - FIRST_LOOKBACK_MS : this.lastPollAt - OVERLAP_MS);
    // Graph compares date-times unquoted, to the second.
    const issues = await deps.listIssues(`lastModifiedDateTime ge ${since.toISOString().replace(/\.\d{3}Z$/, 'Z')}`);
    const report: PollReport = { read: issues.length, sent: 0, acted: 0, retry: 0 };
    for (const issue of issues) {
      const id = String(issue['id'] ?? '');
      const modified = String(issue['lastModifiedDateTime'] ?? '');
      if (id === '' || this.sent.get(id) === modified) continue;
      report.sent++;
      const answer = await deps.accept(Buffer.from(JSON.stringify(issue)));
      if (answer.status >= 500) {
        report.retry++;
        continue;
      }
      this.sent.set(id, modified);
      if ((answer.body as { acted?: boolean }).acted === true) report.acted++;
    }
    // A poll that failed part-way reads its window again next time.
    if (report.retry === 0) this.lastPollAt = started;
    return report;
  }
}
