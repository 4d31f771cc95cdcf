/** The auth settings in lib/config.ts: WEBHOOK_TENANT_ID, WEBHOOK_AUDIENCES, WEBHOOK_JWKS_URL, OPERATOR_ROLE. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import { BASE_SETTINGS, configProblems } from '../support/config.js';
import { webhookTokenValidatorFromSettings } from '../../lib/auth/index.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = 'a3c5f0e2-5b7d-4d1a-9f3e-6c8b2a1d4e5f';
const BASE = BASE_SETTINGS;

const problems = configProblems;

describe('secure webhook settings', () => {
  it('are off when neither is set', () => {
    const config = loadConfig(BASE);
    expect(config.webhookAuth).toBeUndefined();
    expect('webhookAuth' in config).toBe(false);
    expect(webhookTokenValidatorFromSettings(config.webhookAuth)).toBeUndefined();
  });

  it('are on with both, normalized and frozen', () => {
    const config = loadConfig({
      ...BASE,
      WEBHOOK_TENANT_ID: ` ${TENANT.toUpperCase()} `,
      WEBHOOK_AUDIENCES: ` ${CLIENT_ID}, api://${CLIENT_ID} ,,${CLIENT_ID}`,
    });
    expect(config.webhookAuth).toEqual({ tenantId: TENANT, audiences: [CLIENT_ID, `api://${CLIENT_ID}`] });
    expect(Object.isFrozen(config.webhookAuth)).toBe(true);
    expect(Object.isFrozen(config.webhookAuth?.audiences)).toBe(true);
    expect(webhookTokenValidatorFromSettings(config.webhookAuth)).toHaveProperty('validate');
  });

  it('take a JWKS URL override', () => {
    const https = loadConfig({ ...BASE, WEBHOOK_TENANT_ID: TENANT, WEBHOOK_AUDIENCES: CLIENT_ID, WEBHOOK_JWKS_URL: 'https://keys.example/jwks' });
    expect(https.webhookAuth?.jwksUrl).toBe('https://keys.example/jwks');
    const local = loadConfig({ ...BASE, WEBHOOK_TENANT_ID: TENANT, WEBHOOK_AUDIENCES: CLIENT_ID, WEBHOOK_JWKS_URL: 'http://localhost:8443/keys' });
    expect(local.webhookAuth?.jwksUrl).toBe('http://localhost:8443/keys');
  });

  it('name both keys when only one is set', () => {
    expect(problems({ WEBHOOK_TENANT_ID: TENANT })).toEqual([
      'secure webhook auth needs both WEBHOOK_TENANT_ID and WEBHOOK_AUDIENCES, but only WEBHOOK_TENANT_ID is set; ' +
        "set both (the tenant id, and your API app's client id and Application ID URI, comma-separated) or neither",
    ]);
    expect(problems({ WEBHOOK_AUDIENCES: CLIENT_ID, WEBHOOK_TENANT_ID: '  ' })).toEqual([
      'secure webhook auth needs both WEBHOOK_TENANT_ID and WEBHOOK_AUDIENCES, but only WEBHOOK_AUDIENCES is set; ' +
        "set both (the tenant id, and your API app's client id and Application ID URI, comma-separated) or neither",
    ]);
  });

  it('refuse a tenant that is not a GUID, an empty audience list and a non-https key set, all at once', () => {
    expect(problems({ WEBHOOK_TENANT_ID: 'contoso.onmicrosoft.com', WEBHOOK_AUDIENCES: ' , ', WEBHOOK_JWKS_URL: 'http://keys.example/jwks' })).toEqual([
      'WEBHOOK_TENANT_ID "contoso.onmicrosoft.com" is invalid; use the directory (tenant) id GUID of the tenant whose action groups call the webhook',
      'WEBHOOK_AUDIENCES "," lists no audience; use your API app\'s client id and Application ID URI, e.g. "<client-id>,api://<client-id>"',
      'WEBHOOK_JWKS_URL "http://keys.example/jwks" is invalid; use the https URL of a JSON Web Key Set (default https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys)',
    ]);
    expect(problems({ WEBHOOK_TENANT_ID: TENANT, WEBHOOK_AUDIENCES: CLIENT_ID, WEBHOOK_JWKS_URL: 'not a url' })).toHaveLength(1);
  });

  it('refuse a JWKS URL without the rest', () => {
    expect(problems({ WEBHOOK_JWKS_URL: 'https://keys.example/jwks' })).toEqual([
      'WEBHOOK_JWKS_URL is set but secure webhook auth is off; set WEBHOOK_TENANT_ID and WEBHOOK_AUDIENCES as well, or remove WEBHOOK_JWKS_URL',
    ]);
  });

  it('are reported alongside the other settings', () => {
    expect(problems({ TASK_HUB_NAME: '', WEBHOOK_AUDIENCES: CLIENT_ID })).toHaveLength(2);
  });
});

describe('OPERATOR_ROLE', () => {
  it('is absent by default (function keys alone authorize operators)', () => {
    const config = loadConfig(BASE);
    expect(config.operatorRole).toBeUndefined();
    expect('operatorRole' in config).toBe(false);
  });

  it('is read, trimmed', () => {
    expect(loadConfig({ ...BASE, OPERATOR_ROLE: ' Failover.Operator ', WEBSITE_AUTH_ENABLED: 'True' }).operatorRole).toBe('Failover.Operator');
    expect(loadConfig({ ...BASE, OPERATOR_ROLE: '' }).operatorRole).toBeUndefined();
  });

  it('refuses a value with spaces', () => {
    expect(problems({ OPERATOR_ROLE: 'Failover Operator' })).toEqual([
      'OPERATOR_ROLE "Failover Operator" is invalid; use the value of one app role (app role values contain no spaces)',
    ]);
  });

  it('refuses a role nothing can verify: no App Service Authentication and no on-call Entra tokens', () => {
    const expected = [
      'OPERATOR_ROLE is set but nothing can verify who holds it: App Service Authentication is off (WEBSITE_AUTH_ENABLED is not True) and ' +
        'OPERATOR_TENANT_ID/OPERATOR_AUDIENCES are not set; enable App Service Authentication on the function app, or set the OPERATOR_ settings, or remove OPERATOR_ROLE',
    ];
    expect(problems({ OPERATOR_ROLE: 'Failover.Operator', WEBSITE_SITE_NAME: 'func-failover' })).toEqual(expected);
    expect(problems({ OPERATOR_ROLE: 'Failover.Operator', WEBSITE_SITE_NAME: 'func-failover', WEBSITE_AUTH_ENABLED: 'False' })).toEqual(expected);
    expect(problems({ OPERATOR_ROLE: 'Failover.Operator' })).toEqual(expected);
    const easyAuth = loadConfig({ ...BASE, OPERATOR_ROLE: 'Failover.Operator', WEBSITE_SITE_NAME: 'func-failover', WEBSITE_AUTH_ENABLED: 'True' });
    expect([easyAuth.operatorRole, easyAuth.appServiceAuth]).toEqual(['Failover.Operator', true]);
    const tokens = loadConfig({ ...BASE, OPERATOR_ROLE: 'Failover.Operator', OPERATOR_TENANT_ID: '72F988BF-86F1-41AF-91AB-2D7CD011DB47', OPERATOR_AUDIENCES: 'api://failover, 0000' });
    expect([tokens.operatorRole, tokens.appServiceAuth, tokens.operatorAuth]).toEqual(['Failover.Operator', false, { tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', audiences: ['api://failover', '0000'] }]);
  });

  it('names the OPERATOR_ settings the same way as the webhook\'s', () => {
    expect(problems({ OPERATOR_TENANT_ID: '72f988bf-86f1-41af-91ab-2d7cd011db47' })).toEqual([
      "on-call sign-in with Entra tokens needs both OPERATOR_TENANT_ID and OPERATOR_AUDIENCES, but only OPERATOR_TENANT_ID is set; set both (the tenant id, and your API app's client id and Application ID URI, comma-separated) or neither",
    ]);
    expect(problems({ OPERATOR_TENANT_ID: 'contoso', OPERATOR_AUDIENCES: 'api://x' })).toEqual([
      'OPERATOR_TENANT_ID "contoso" is invalid; use the directory (tenant) id GUID of the tenant whose users sign in to approve and operate',
    ]);
  });
});
