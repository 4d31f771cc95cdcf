/**
 * Problems while they are being collected: a path as segments (so the YAML node can be found for
 * line and column) rather than the printed `workloads[2].policy` form.
 */
import type { z } from 'zod';
import { UNKNOWN_KEY_SEPARATOR } from './schema.js';
import type { CatalogProblem } from './types.js';

export type Segment = string | number;

export interface Draft {
  severity: CatalogProblem['severity'];
  path: readonly Segment[];
  message: string;
  /** Point at the key rather than its value: for unknown keys, where the key is the mistake. */
  atKey?: boolean;
  workload?: string;
  /** A position known without looking the path up (YAML syntax errors). */
  line?: number;
  column?: number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** `['workloads', 2, 'policy']` → `workloads[2].policy`; odd keys are quoted: `resources["my role"]`. */
export function formatPath(path: readonly Segment[]): string {
  if (path.length === 0) return '$';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Zod issues of one section, re-rooted at `prefix`; an unknown-keys issue becomes one problem per key. */
export function fromIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly Segment[], workload?: string): Draft[] {
  const drafts: Draft[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path.map((s) => (typeof s === 'symbol' ? String(s) : s))];
    if (issue.code === 'unrecognized_keys') {
      const messages = issue.message.split(UNKNOWN_KEY_SEPARATOR);
      issue.keys.forEach((key, i) => {
        drafts.push(withWorkload({ severity: 'error', path: [...path, key], message: messages[i] ?? `unknown field '${key}'`, atKey: true }, workload));
      });
      continue;
    }
    drafts.push(withWorkload({ severity: 'error', path, message: issue.message }, workload));
  }
  return drafts;
}

export function withWorkload(draft: Draft, workload: string | undefined): Draft {
  return workload === undefined ? draft : { ...draft, workload };
}
