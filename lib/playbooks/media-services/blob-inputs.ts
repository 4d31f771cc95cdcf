/**
 * The Azure Blob Storage URLs a Media Services JobInputHttp reads. Azure never returns the query
 * strings of a job's `files` and `baseUri` (Encoding.json 2022-07-01, JobInputClip.files and
 * JobInputHttp.baseUri: "will not be returned in service responses"), so a job read back from
 * the service has lost the SAS of every private blob it reads: it cannot be resubmitted as read.
 */
import type { JobInputHttp } from '@azure/arm-mediaservices';

/**
 * A blob host of the public cloud or a sovereign one, primary (`{account}.blob.…`) or
 * geo-secondary (`{account}-secondary.blob.…`): the account name is the first group.
 */
const BLOB_HOST = /^([a-z0-9]{3,24})(?:-secondary)?\.blob\.core\.(?:windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)$/i;

/** A URL a job reads on Azure Blob Storage. */
export interface BlobUrl {
  url: URL;
  /** The storage account, lower-case. */
  account: string;
  /** The container: the first segment of the path (container names need no percent-encoding). */
  container: string;
}

/** The URLs a JobInputHttp reads: each file appended to `baseUri`, as the service concatenates them, or the file itself without one. */
export function httpInputUrls(input: JobInputHttp): string[] {
  return (input.files ?? []).map((f) => `${input.baseUri ?? ''}${f}`);
}

/** The blob a URL reads, or null for a URL outside Azure Blob Storage (or not a URL). */
export function blobOf(text: string): BlobUrl | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const account = BLOB_HOST.exec(url.hostname)?.[1];
  const container = url.pathname.split('/')[1];
  return account === undefined || container === undefined || container === '' ? null : { url, account: account.toLowerCase(), container };
}

/** The URL of the same blob on its account's geo-secondary endpoint (RA-GRS), which answers while the primary region does not. */
export function onSecondary(url: URL): URL {
  const moved = new URL(url.href);
  moved.hostname = moved.hostname.replace(/^([^.]+?)(?:-secondary)?\.blob\./, '$1-secondary.blob.');
  return moved;
}
