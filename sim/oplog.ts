/**
 * Every request that changed or tried to change something (PUT, PATCH, POST, DELETE), with its
 * caller and outcome, kept in order. Tests and benchmarks assert against it: "the playbook
 * started the secondary endpoint exactly once, and touched nothing in the primary region".
 */

export interface OperationRecord {
  seq: number;
  at: string;
  method: string;
  path: string;
  operation: string;
  resource: string | null;
  caller: string;
  status: number;
  /** ARM error code when the request failed. */
  error: string | null;
  /** Why it failed when the simulator made it fail: throttled, outage, fault id. */
  injected: string | null;
}

export class OperationLog {
  private records: OperationRecord[] = [];
  private seq = 0;

  constructor(private readonly limit = 100_000) {}

  add(record: Omit<OperationRecord, 'seq'>): void {
    this.records.push({ seq: ++this.seq, ...record });
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
  }

  list(filter: { since?: number; operation?: string; resource?: string } = {}): OperationRecord[] {
    return this.records.filter(
      (r) =>
        (filter.since === undefined || r.seq > filter.since) &&
        (filter.operation === undefined || r.operation.toLowerCase() === filter.operation.toLowerCase()) &&
        (filter.resource === undefined || (r.resource ?? '').toLowerCase().includes(filter.resource.toLowerCase())),
    );
  }

  clear(): void {
    this.records = [];
  }
}
