/**
 * Append-only, fsync'd record of everything durable: instances, queued messages, episodes.
 * Appends are buffered and written with one fsync per `flush()` (group commit); the runtime
 * flushes before it acts on a record or answers a caller, so a host killed at any instant
 * restarts into a state it has acknowledged. A torn last line (killed mid-write) is dropped on
 * load: nothing was acknowledged for it.
 */
import { closeSync, existsSync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface Journal<R> {
  /** Queues records; they are durable after the next flush. */
  append(records: R[]): void;
  /** Writes what is queued and waits for the disk. */
  flush(): void;
  close(): void;
}

export function openJournal<R>(dir: string, name = 'journal.jsonl'): { journal: Journal<R>; records: R[] } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  const records: R[] = [];
  let validBytes = 0;
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      const line = text.slice(start, end);
      try {
        records.push(JSON.parse(line) as R);
      } catch {
        break;
      }
      start = end + 1;
      validBytes = Buffer.byteLength(text.slice(0, start));
    }
  }
  const fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
  ftruncateSync(fd, validBytes);
  let position = validBytes;
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const bytes = Buffer.from(pending.join(''));
    pending = [];
    writeSync(fd, bytes, 0, bytes.length, position);
    position += bytes.length;
    fdatasyncSync(fd);
  };
  return {
    records,
    journal: {
      append(batch: R[]) {
        for (const r of batch) pending.push(`${JSON.stringify(r)}\n`);
      },
      flush,
      close() {
        flush();
        closeSync(fd);
      },
    },
  };
}

/** A journal that keeps nothing: for tests on a virtual clock that never restart. */
export function memoryJournal<R>(): Journal<R> {
  return { append: () => undefined, flush: () => undefined, close: () => undefined };
}
