/**
 * The ACTION_LINK_SECRET of a local host (`npm start`, the e2e stack) when none is configured:
 * derived from the host's master key, so it is kept wherever the keys are (`<data dir>/keys.json`
 * or LOCAL_MASTER_KEY), survives restarts with them, and changes when they do. In Azure the
 * setting comes from Key Vault instead.
 */
import { createHmac } from 'node:crypto';

export function localActionLinkSecret(masterKey: string): string {
  return createHmac('sha256', masterKey).update('failover-orchestrator action links v1').digest('base64url');
}
