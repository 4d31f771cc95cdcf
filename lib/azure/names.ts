/**
 * Azure's naming rules for the names the app puts into URLs: storage accounts (a host name,
 * `https://<account>.blob.core.windows.net`), Genomics accounts, blob containers and blob names.
 * A name from outside (a pipeline's workflow record, a failover request) is checked here when it
 * arrives, and again where a URL is built from it, so a name such as `attacker.example/steal?`
 * can never send the app's storage token to another host.
 *
 * Each check answers null when the name is valid, else the rule it breaks, in words fit for a
 * problem's `detail`.
 */

/** Storage accounts: 3 to 24 lower-case letters and digits (ARM `Microsoft.Storage/storageAccounts`). */
const STORAGE_ACCOUNT_RULE = 'a storage account name is 3 to 24 lower-case letters and digits';
const STORAGE_ACCOUNT = /^[a-z0-9]{3,24}$/;

/**
 * Genomics accounts. The ARM specification of `Microsoft.Genomics/accounts` states no pattern,
 * so the rule is the strict one Azure applies to most account names: 3 to 64 letters, digits and
 * hyphens, starting and ending with a letter or digit.
 */
const GENOMICS_ACCOUNT_RULE = 'a Genomics account name is 3 to 64 letters, digits and hyphens, starting and ending with a letter or digit';
const GENOMICS_ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9-]{1,62}[A-Za-z0-9]$/;

/** Blob containers: 3 to 63 characters, lower-case letters, digits and single hyphens, starting and ending with a letter or digit. */
const CONTAINER_RULE = 'a container name is 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit';
const CONTAINER = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Blob names: 1 to 1024 characters, no control characters, not ending with a dot or a slash.
 * Also refused: `.` and `..` path segments, which a URL resolves away (reaching another
 * container of the same account), and commas, which separate the names of msgen's BLOBNAMES.
 */
const BLOB_NAME_RULE = "a blob name is 1 to 1024 characters without control characters or commas, has no '.' or '..' path segment, and does not end with '.' or '/'";
const MAX_BLOB_NAME = 1024;

export function storageAccountProblem(name: unknown): string | null {
  return typeof name === 'string' && STORAGE_ACCOUNT.test(name) ? null : `${show(name)} is not a storage account name: ${STORAGE_ACCOUNT_RULE}`;
}

export function genomicsAccountProblem(name: unknown): string | null {
  return typeof name === 'string' && GENOMICS_ACCOUNT.test(name) ? null : `${show(name)} is not a Genomics account name: ${GENOMICS_ACCOUNT_RULE}`;
}

export function containerProblem(name: unknown): string | null {
  return typeof name === 'string' && CONTAINER.test(name) ? null : `${show(name)} is not a container name: ${CONTAINER_RULE}`;
}

export function blobNameProblem(name: unknown): string | null {
  const bad = `${show(name)} is not a blob name: ${BLOB_NAME_RULE}`;
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_BLOB_NAME) return bad;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f,]/.test(name)) return bad;
  if (name.endsWith('.') || name.endsWith('/')) return bad;
  if (name.split('/').some((segment) => segment === '.' || segment === '..')) return bad;
  return null;
}

/** The names in msgen's `BLOBNAMES`: comma-separated, each trimmed, empty ones dropped. */
export function blobNamesOf(list: string): string[] {
  return list
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}

/** The first rule a `BLOBNAMES` list breaks: no name at all, or one that is not a blob name. */
export function blobNamesProblem(list: unknown): string | null {
  if (typeof list !== 'string') return `${show(list)} is not a list of blob names`;
  const names = blobNamesOf(list);
  if (names.length === 0) return 'BLOBNAMES names no blob: give the input blobs, comma-separated';
  for (const name of names) {
    const problem = blobNameProblem(name);
    if (problem !== null) return problem;
  }
  return null;
}

/**
 * A name that breaks Azure's rules reached the code that builds a URL from it: permanent (a retry
 * would not change the name), and with a code the step runner reports as the reason.
 */
export class InvalidAzureNameError extends Error {
  readonly code = 'InvalidAzureName';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAzureNameError';
  }
}

/** Throws InvalidAzureNameError when `problem` (one of the checks above) found one; `what` says whose name it is. */
export function requireValidName(problem: string | null, what: string): void {
  if (problem !== null) throw new InvalidAzureNameError(`${what}: ${problem}`);
}

function show(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'nothing' : typeof value;
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(shown);
}
