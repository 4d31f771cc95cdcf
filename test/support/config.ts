/** The problems loadConfig reports for a set of app settings (TASK_HUB_NAME filled in). */
import { ConfigError, loadConfig } from '../../lib/config.js';

export const BASE_SETTINGS = { TASK_HUB_NAME: 'failover' };

export function configProblems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig({ ...BASE_SETTINGS, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
