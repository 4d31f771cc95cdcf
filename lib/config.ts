/**
 * App settings, parsed once into a frozen typed object. A wrong or missing setting fails at
 * start-up with every problem named by key, not at 3 a.m. in the middle of a failover. The same
 * names appear in infra/ app settings and in local.settings.example.json.
 */
export interface AppConfig {
  /** Durable Functions task hub (host.json reads TASK_HUB_NAME). */
  readonly taskHubName: string;
  /** The protection catalog (YAML). */
  readonly catalogPath: string;
  /** Largest alert body accepted; the common alert schema caps alerts at 256 KB. */
  readonly maxAlertBytes: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const TASK_HUB = /^[A-Za-z][A-Za-z0-9]{2,44}$/;

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const problems: string[] = [];
  const taskHubName = env['TASK_HUB_NAME']?.trim() ?? '';
  if (taskHubName === '') {
    problems.push('TASK_HUB_NAME is not set; set it to the Durable Functions task hub name, e.g. "failover"');
  } else if (!TASK_HUB.test(taskHubName)) {
    problems.push(`TASK_HUB_NAME "${taskHubName}" is invalid; use 3-45 letters and digits, starting with a letter`);
  }
  const catalogPath = env['CATALOG_PATH']?.trim() || 'samples/catalog.yaml';
  const maxRaw = env['ALERT_MAX_BYTES']?.trim();
  const maxAlertBytes = maxRaw === undefined || maxRaw === '' ? 256 * 1024 : Number(maxRaw);
  if (!Number.isInteger(maxAlertBytes) || maxAlertBytes < 1024) {
    problems.push(`ALERT_MAX_BYTES "${maxRaw}" is invalid; use a whole number of bytes of at least 1024 (default 262144)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({ taskHubName, catalogPath, maxAlertBytes });
}
