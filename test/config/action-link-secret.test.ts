import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config.js';

const A = 'k'.repeat(32);
const B = 'an-older-secret-still-verifying-links-0002';

describe('ACTION_LINK_SECRET', () => {
  it('is absent unless set (notifications then carry the key-protected URLs)', () => {
    expect(loadConfig({ TASK_HUB_NAME: 'failover' }).actionLinkSecrets).toBeUndefined();
    expect(loadConfig({ TASK_HUB_NAME: 'failover', ACTION_LINK_SECRET: '  ' }).actionLinkSecrets).toBeUndefined();
  });

  it('reads one secret, or several for rotation with the signing one first', () => {
    expect(loadConfig({ TASK_HUB_NAME: 'failover', ACTION_LINK_SECRET: A }).actionLinkSecrets).toEqual([A]);
    const config = loadConfig({ TASK_HUB_NAME: 'failover', ACTION_LINK_SECRET: ` ${A} , ${B}` });
    expect(config.actionLinkSecrets).toEqual([A, B]);
    expect(Object.isFrozen(config.actionLinkSecrets)).toBe(true);
  });

  it('refuses a short secret, naming the setting and how long it is, never its value', () => {
    const short = 'tooshort-secret';
    expect(() => loadConfig({ TASK_HUB_NAME: 'failover', ACTION_LINK_SECRET: short })).toThrow(
      'ACTION_LINK_SECRET is 15 characters; each secret must be at least 32 characters (comma-separated, the signing one first), e.g. the output of: openssl rand -base64 48',
    );
    let error: unknown;
    try {
      loadConfig({ TASK_HUB_NAME: 'failover', ACTION_LINK_SECRET: `${A},${short}` });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^ACTION_LINK_SECRET has a secret \(number 2\) of 15 characters;/)]);
    expect((error as ConfigError).message).not.toContain(short);
    expect(() => loadConfig({ TASK_HUB_NAME: 'failover', ACTION_LINK_SECRET: `${A},` })).toThrow('ACTION_LINK_SECRET has a secret (number 2) of 0 characters');
  });

  it('names a Key Vault reference the platform could not resolve', () => {
    expect(() => loadConfig({ TASK_HUB_NAME: 'failover', ACTION_LINK_SECRET: '@Microsoft.KeyVault(SecretUri=https://contoso-kv.vault.azure.net/secrets/action-link-secret/)' })).toThrow(
      /ACTION_LINK_SECRET is an unresolved Key Vault reference/,
    );
  });
});
