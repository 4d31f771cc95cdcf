/**
 * A replay as the target app keeps it (`replays/<id>/request.json` in the alert archive): what it
 * was asked to replay, by whom, and the health observations already mapped to this catalog's
 * resources, so the health activity and the intake read one document.
 */
import { randomBytes } from 'node:crypto';
import type { AlertArchive } from '../archive/index.js';
import type { ReplayRequest } from './types.js';

export interface StoredReplay extends ReplayRequest {
  replayId: string;
  createdAt: string;
  requestedBy: string;
  /** When the first original signal happened: the zero of the replay's clock. */
  firstAt: string;
  /** What the catalog's environment mapping changed, one line each (`subscription 1111… -> 5555…`). */
  mapped: string[];
}

/** `replay-20261207T201500-3fa2c1`: sortable, and recognizable in instance ids (every replayed incident's id starts with it). */
export function newReplayId(at: Date): string {
  return `replay-${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
}

/** The header that marks a body posted to /api/alerts as a replay's delivery, naming the replay. */
export const REPLAY_HEADER = 'failover-replay';

export const REPLAY_ID = /^replay-\d{8}T\d{6}-[0-9a-f]{6}$/;

export async function storedReplay(archive: Pick<AlertArchive, 'getReplay'>, replayId: string): Promise<StoredReplay | null> {
  if (!REPLAY_ID.test(replayId)) return null;
  const doc = await archive.getReplay(replayId, 'request');
  return doc === undefined ? null : (doc as StoredReplay);
}
