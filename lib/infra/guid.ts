/**
 * Deterministic GUIDs, so that generating the same catalog twice names every resource alike and
 * a deployment updates rather than duplicates. `armGuid` is how this app evaluates the template
 * function `guid()` (a name-based UUID, version 5, over the arguments joined by '-'); Azure
 * evaluates it itself at deployment, and nothing here depends on the two agreeing beyond each
 * being stable.
 */
import { createHash } from 'node:crypto';

/** The namespace ARM's guid() is documented to hash under (a v5 UUID over its joined arguments). */
const NAMESPACE = Buffer.from('11fb06fb712d4ddd98c7e71bbd588830', 'hex');

export function armGuid(...args: string[]): string {
  const hash = createHash('sha1').update(NAMESPACE).update(args.join('-'), 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A GUID for something this app names itself (a custom role), from a purpose and a key. */
export function stableGuid(purpose: string, key: string): string {
  return armGuid('failover-orchestrator', purpose, key.toLowerCase());
}
