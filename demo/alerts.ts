/**
 * Real-shaped Service Health notifications for the demo, made from the sample payloads: the
 * same incident at another stage (Active, an update, Resolved), with a new communication id and
 * the time it is sent, as Azure Monitor would deliver them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../local/registry.js';

export type Stage = 'Active' | 'Resolved' | 'RCA';

interface Stamp {
  stage: Stage;
  title: string;
  communicationId: string;
  at: Date;
}

/** The Media Services incident in West Europe (common alert schema). */
export function mediaWestEurope(stamp: Stamp): string {
  const alert = JSON.parse(readFileSync(join(repoRoot(), 'samples/alerts/servicehealth-media-westeurope-active.json'), 'utf8')) as {
    data: { essentials: Record<string, unknown>; alertContext: { eventTimestamp: string; status: string; properties: Record<string, string> } };
  };
  alert.data.essentials['firedDateTime'] = stamp.at.toISOString();
  alert.data.alertContext.eventTimestamp = stamp.at.toISOString();
  alert.data.alertContext.status = stamp.stage === 'Active' ? 'Active' : 'Resolved';
  Object.assign(alert.data.alertContext.properties, { stage: stamp.stage, title: stamp.title, defaultLanguageTitle: stamp.title, communicationId: stamp.communicationId });
  return JSON.stringify(alert, null, 2);
}

/** The Data Share incident in East US 2 (the legacy activity-log alert schema). */
export function dataShareEastUs2(stamp: Stamp): string {
  const alert = JSON.parse(readFileSync(join(repoRoot(), 'samples/alerts/servicehealth-datashare-eastus2-resolved.json'), 'utf8')) as {
    data: { context: { activityLog: { eventTimestamp: string; submissionTimestamp: string; status: string; description: string; properties: Record<string, string> } } };
  };
  const log = alert.data.context.activityLog;
  log.eventTimestamp = stamp.at.toISOString();
  log.submissionTimestamp = stamp.at.toISOString();
  log.status = stamp.stage === 'Active' ? 'Active' : 'Resolved';
  log.description = stamp.title;
  Object.assign(log.properties, { stage: stamp.stage, title: stamp.title, defaultLanguageTitle: stamp.title, communicationId: stamp.communicationId });
  return JSON.stringify(alert, null, 2);
}

/**
 * A Microsoft Purview incident in East US, in the common alert schema: the Media Services sample
 * with the service, region and tracking id of another incident.
 */
export function purviewEastUs(stamp: Stamp): string {
  const alert = JSON.parse(mediaWestEurope(stamp)) as { data: { alertContext: { properties: Record<string, string> } } };
  const impact = `Starting at ${stamp.at.toISOString().slice(11, 16)} UTC, customers using Microsoft Purview in East US may be unable to browse the data catalog or run scans.`;
  Object.assign(alert.data.alertContext.properties, {
    service: 'Microsoft Purview',
    region: 'East US',
    trackingId: 'PV3N-7Q1',
    impactStartTime: stamp.at.toISOString(),
    impactedServices: JSON.stringify([{ ImpactedRegions: [{ RegionName: 'East US' }], ServiceName: 'Microsoft Purview' }]),
    communication: `<p><strong>Impact Statement</strong>: ${impact}</p>`,
    defaultLanguageContent: `<p><strong>Impact Statement</strong>: ${impact}</p>`,
  });
  return JSON.stringify(alert, null, 2);
}
