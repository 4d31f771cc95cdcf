import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config.js';

describe('configuration', () => {
  it('applies defaults and freezes the result', () => {
    const config = loadConfig({ TASK_HUB_NAME: 'failover' });
    expect(config).toEqual({
      alerting: null,
      taskHubName: 'failover',
      catalogPath: 'samples/catalog.yaml',
      maxAlertBytes: 262144,
      azure: { maxRetries: 8, retryDelayMs: 800, lroPollMs: 2000 },
      genomicsKeys: {},
      serviceHealthPoll: true,
      replayEnabled: false,
      appServiceAuth: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('knows where the app\'s alerting lives from its own settings or the ones Azure sets, and names a subscription that is not a GUID', () => {
    expect(loadConfig({ TASK_HUB_NAME: 'failover', WEBSITE_OWNER_NAME: '11111111-1111-1111-1111-111111111111+rg-failover-SwedenCentralwebspace-Linux', WEBSITE_RESOURCE_GROUP: 'rg-failover' }).alerting).toEqual({
      appSubscriptionId: '11111111-1111-1111-1111-111111111111',
      appResourceGroup: 'rg-failover',
      alertRulesResourceGroup: 'rg-failover-alerts',
    });
    expect(loadConfig({ TASK_HUB_NAME: 'failover', APP_SUBSCRIPTION_ID: '22222222-2222-2222-2222-222222222222', APP_RESOURCE_GROUP: 'rg-app', ALERT_RULES_RESOURCE_GROUP: 'rg-rules' }).alerting).toEqual({
      appSubscriptionId: '22222222-2222-2222-2222-222222222222',
      appResourceGroup: 'rg-app',
      alertRulesResourceGroup: 'rg-rules',
    });
    expect(loadConfig({ TASK_HUB_NAME: 'failover', APP_RESOURCE_GROUP: 'rg-app' }).alerting).toBeNull();
    expect(() => loadConfig({ TASK_HUB_NAME: 'failover', APP_SUBSCRIPTION_ID: 'prod', APP_RESOURCE_GROUP: 'rg-app' })).toThrow(
      'APP_SUBSCRIPTION_ID "prod" is invalid; use the subscription id (a GUID) the app is deployed in',
    );
  });

  it('turns the service health poll off, and names a value that is neither on nor off', () => {
    expect(loadConfig({ TASK_HUB_NAME: 'failover', SERVICE_HEALTH_POLL: 'OFF' }).serviceHealthPoll).toBe(false);
    expect(loadConfig({ TASK_HUB_NAME: 'failover', REPLAY_ENABLED: ' On ' }).replayEnabled).toBe(true);
    expect(() => loadConfig({ TASK_HUB_NAME: 'failover', REPLAY_ENABLED: 'yes' })).toThrow(
      'REPLAY_ENABLED "yes" is invalid; use off (the default, and the only right value in production) or on (a staging app that rehearses past incidents)',
    );
    expect(() => loadConfig({ TASK_HUB_NAME: 'failover', SERVICE_HEALTH_POLL: 'sometimes' })).toThrow('SERVICE_HEALTH_POLL "sometimes" is invalid; use on (the default) or off');
  });

  it('reads the Genomics account keys, and names a malformed pair', () => {
    expect(loadConfig({ TASK_HUB_NAME: 'failover', GENOMICS_ACCOUNT_KEYS: 'ContosoGenomicsWCUS:k1==; contosogenomicswus2:k2' }).genomicsKeys).toEqual({
      contosogenomicswcus: 'k1==',
      contosogenomicswus2: 'k2',
    });
    expect(() => loadConfig({ TASK_HUB_NAME: 'failover', GENOMICS_ACCOUNT_KEYS: 'contosogenomicswcus' })).toThrow(
      "GENOMICS_ACCOUNT_KEYS must be 'account:key;account:key', got a pair 'contosogenomicswcus…' without both parts",
    );
  });

  it('reads the Azure retry and polling settings, and names a bad one', () => {
    expect(loadConfig({ TASK_HUB_NAME: 'failover', AZURE_MAX_RETRIES: '2', AZURE_RETRY_DELAY_MS: '50', AZURE_LRO_POLL_MS: '100' }).azure).toEqual({ maxRetries: 2, retryDelayMs: 50, lroPollMs: 100 });
    expect(() => loadConfig({ TASK_HUB_NAME: 'failover', AZURE_LRO_POLL_MS: 'soon' })).toThrow('AZURE_LRO_POLL_MS "soon" is invalid; use a whole number from 1 to 60000 (default 2000)');
  });

  it('names every bad key and how to fix it, at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ TASK_HUB_NAME: 'x-1', ALERT_MAX_BYTES: 'lots' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems).toEqual([
      'TASK_HUB_NAME "x-1" is invalid; use 3-45 letters and digits, starting with a letter',
      'ALERT_MAX_BYTES "lots" is invalid; use a whole number of bytes of at least 1024 (default 262144)',
    ]);
  });

  it('requires the task hub name', () => {
    expect(() => loadConfig({})).toThrow(/TASK_HUB_NAME is not set/);
  });
});
