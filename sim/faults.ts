/**
 * Injected failure: regions taken down, and rules that make matching operations fail, slow down
 * or throttle. Rules are matched by operation name (exact, or a prefix ending in `*`) and
 * optionally by resource id substring; `remaining` limits how many requests a rule hits.
 */

export type OutageMode = 'unavailable' | 'timeout';

export interface FaultRule {
  id: string;
  /** `Microsoft.Media/streamingEndpoints/start`, or a prefix such as `Microsoft.Media/*`. */
  operation: string;
  /** Case-insensitive substring of the resource id. */
  resource?: string;
  /** Probability a matching request fails, 0..1 (default 1). */
  errorRate: number;
  /** Status of the injected failure (default 500); 429 and 503 get a Retry-After. */
  status: number;
  code: string;
  message: string;
  /** Extra latency for matching requests, real milliseconds. */
  latencyMs: number;
  /** Requests left before the rule retires itself; undefined: forever. */
  remaining?: number;
  /** How many requests it has failed so far (reads included; the operation log records writes only). */
  fired?: number;
  /** Fail the long-running operation instead of the request (status Failed when polled). */
  failOperation: boolean;
}

export class Faults {
  private readonly outages = new Map<string, OutageMode>();
  private rules: FaultRule[] = [];
  private seq = 0;

  constructor(private readonly random: () => number) {}

  takeDown(region: string, mode: OutageMode): void {
    this.outages.set(region.toLowerCase(), mode);
  }

  restore(region: string): boolean {
    return this.outages.delete(region.toLowerCase());
  }

  outage(region: string | undefined): OutageMode | undefined {
    return region === undefined ? undefined : this.outages.get(region.toLowerCase());
  }

  regionsDown(): Array<{ region: string; mode: OutageMode }> {
    return [...this.outages.entries()].map(([region, mode]) => ({ region, mode }));
  }

  add(rule: Omit<FaultRule, 'id'>): FaultRule {
    const full: FaultRule = { ...rule, id: `fault-${++this.seq}` };
    this.rules.push(full);
    return full;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  list(): FaultRule[] {
    return [...this.rules];
  }

  /** The rule that applies to this request, consuming one use of it; latency-only rules included. */
  match(operation: string, resourceId: string | undefined, forOperation = false): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.failOperation !== forOperation) continue;
      const op = rule.operation;
      const opMatches = op.endsWith('*') ? operation.toLowerCase().startsWith(op.slice(0, -1).toLowerCase()) : op.toLowerCase() === operation.toLowerCase();
      if (!opMatches) continue;
      if (rule.resource !== undefined && !(resourceId ?? '').toLowerCase().includes(rule.resource.toLowerCase())) continue;
      if (rule.remaining !== undefined) {
        if (rule.remaining <= 0) continue;
        rule.remaining--;
      }
      return rule;
    }
    return undefined;
  }

  /** Whether a matched rule's failure fires this time (its error rate). */
  fires(rule: FaultRule): boolean {
    const fired = rule.errorRate >= 1 || this.random() < rule.errorRate;
    if (fired) rule.fired = (rule.fired ?? 0) + 1;
    return fired;
  }

  clear(): void {
    this.outages.clear();
    this.rules = [];
  }
}
