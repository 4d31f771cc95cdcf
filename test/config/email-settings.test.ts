import { describe, expect, it } from 'vitest';
import { ConfigError, emailConfiguredIn, loadConfig } from '../../lib/config.js';

const base = { TASK_HUB_NAME: 'failover' };
const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('email settings', () => {
  it('are off when none is set', () => {
    expect(loadConfig(base).email).toBeUndefined();
    expect(emailConfiguredIn(base)).toBe(false);
  });

  it('take the endpoint (the managed identity) or a connection string, and the sender', () => {
    expect(loadConfig({ ...base, EMAIL_ENDPOINT: 'https://contoso-failover.europe.communication.azure.com/', EMAIL_SENDER: 'failover@notify.contoso.example' }).email).toEqual({
      endpoint: 'https://contoso-failover.europe.communication.azure.com',
      sender: 'failover@notify.contoso.example',
    });
    const connectionString = 'endpoint=https://contoso-failover.europe.communication.azure.com/;accesskey=a2V5';
    expect(loadConfig({ ...base, EMAIL_CONNECTION_STRING: connectionString, EMAIL_SENDER: 'failover@notify.contoso.example' }).email).toEqual({
      endpoint: 'https://contoso-failover.europe.communication.azure.com',
      sender: 'failover@notify.contoso.example',
      connectionString,
    });
    expect(emailConfiguredIn({ EMAIL_ENDPOINT: 'https://x.communication.azure.com', EMAIL_SENDER: 'a@b.example' })).toBe(true);
  });

  it('name each wrong or missing setting, never echoing the connection string', () => {
    expect(problems({ EMAIL_ENDPOINT: 'https://contoso-failover.europe.communication.azure.com' })).toEqual([
      "email is half configured: EMAIL_SENDER is not set; set EMAIL_ENDPOINT (the Communication Services resource's endpoint, e.g. https://contoso-failover.europe.communication.azure.com; or EMAIL_CONNECTION_STRING) and EMAIL_SENDER (a MailFrom address of a domain linked to it)",
    ]);
    expect(problems({ EMAIL_SENDER: 'failover@notify.contoso.example' })[0]).toMatch(/^EMAIL_SENDER is set but not where to send from; set EMAIL_ENDPOINT/);
    expect(problems({ EMAIL_ENDPOINT: 'https://x.communication.azure.com/emails', EMAIL_SENDER: 'not an address' })).toEqual([
      'EMAIL_SENDER "not an address" is not an email address; use a MailFrom address of a domain linked to the Communication Services resource, e.g. failover@notify.contoso.example',
      'EMAIL_ENDPOINT has an invalid endpoint "https://x.communication.azure.com/emails"; use the resource\'s https endpoint with no path, e.g. https://contoso-failover.europe.communication.azure.com',
    ]);
    const secret = 'endpoint=https://x.communication.azure.com/;secret=s3cr3t';
    const found = problems({ EMAIL_CONNECTION_STRING: secret, EMAIL_SENDER: 'a@b.example' });
    expect(found).toEqual(['EMAIL_CONNECTION_STRING is not a Communication Services connection string; use "endpoint=https://<resource>.communication.azure.com/;accesskey=<key>" (the resource\'s Keys page)']);
    expect(problems({ EMAIL_CONNECTION_STRING: '@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/acs)', EMAIL_SENDER: 'a@b.example' })[0]).toMatch(/^EMAIL_CONNECTION_STRING is an unresolved Key Vault reference/);
    expect(problems({ EMAIL_ENDPOINT: 'https://x.communication.azure.com', EMAIL_CONNECTION_STRING: 'endpoint=https://x.communication.azure.com/;accesskey=a2V5', EMAIL_SENDER: 'a@b.example' })[0]).toMatch(/^EMAIL_ENDPOINT and EMAIL_CONNECTION_STRING are both set/);
  });
});
