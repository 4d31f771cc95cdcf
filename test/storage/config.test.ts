import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import { BASE_SETTINGS, configProblems } from '../support/config.js';

const BASE = BASE_SETTINGS;
const KEY_CS = 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net';

const problems = configProblems;

describe('storage settings', () => {
  it('leaves the archive and the claims out when no storage is configured', () => {
    const config = loadConfig(BASE);
    expect(config.alertArchive).toBeUndefined();
    expect(config.incidentClaims).toBeUndefined();
  });

  it('takes explicit connection strings, with the default container and table', () => {
    const config = loadConfig({ ...BASE, ALERT_ARCHIVE_CONNECTION: KEY_CS, INCIDENT_CLAIMS_CONNECTION: 'UseDevelopmentStorage=true' });
    expect(config.alertArchive).toEqual({ connection: { kind: 'connectionString', connectionString: KEY_CS, setting: 'ALERT_ARCHIVE_CONNECTION' }, container: 'alert-archive' });
    expect(config.incidentClaims).toEqual({
      connection: { kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true', setting: 'INCIDENT_CLAIMS_CONNECTION' },
      table: 'incidentclaims',
    });
    expect(Object.isFrozen(config.alertArchive)).toBe(true);
  });

  it('takes service URLs for the managed identity, and names the container and table', () => {
    const config = loadConfig({
      ...BASE,
      ALERT_ARCHIVE_SERVICE_URL: 'https://acct.blob.core.windows.net/',
      ALERT_ARCHIVE_CONTAINER: 'alerts-prod',
      INCIDENT_CLAIMS_SERVICE_URL: 'https://acct.table.core.windows.net',
      INCIDENT_CLAIMS_TABLE: 'Claims2024',
    });
    expect(config.alertArchive).toEqual({ connection: { kind: 'identity', serviceUrl: 'https://acct.blob.core.windows.net', setting: 'ALERT_ARCHIVE_SERVICE_URL' }, container: 'alerts-prod' });
    expect(config.incidentClaims).toEqual({ connection: { kind: 'identity', serviceUrl: 'https://acct.table.core.windows.net', setting: 'INCIDENT_CLAIMS_SERVICE_URL' }, table: 'Claims2024' });
  });

  it('falls back to the Functions host storage (connection string or identity-based)', () => {
    const byString = loadConfig({ ...BASE, AzureWebJobsStorage: KEY_CS });
    expect(byString.alertArchive?.connection).toEqual({ kind: 'connectionString', connectionString: KEY_CS, setting: 'AzureWebJobsStorage' });
    expect(byString.incidentClaims?.connection.setting).toBe('AzureWebJobsStorage');
    const byAccount = loadConfig({ ...BASE, AzureWebJobsStorage__accountName: 'stfailover' });
    expect(byAccount.alertArchive?.connection).toEqual({ kind: 'identity', serviceUrl: 'https://stfailover.blob.core.windows.net', setting: 'AzureWebJobsStorage__accountName' });
    expect(byAccount.incidentClaims?.connection).toEqual({ kind: 'identity', serviceUrl: 'https://stfailover.table.core.windows.net', setting: 'AzureWebJobsStorage__accountName' });
    const byUri = loadConfig({ ...BASE, AzureWebJobsStorage__blobServiceUri: 'https://st.blob.core.windows.net', AzureWebJobsStorage__tableServiceUri: 'https://st.table.core.windows.net' });
    expect(byUri.alertArchive?.connection).toMatchObject({ kind: 'identity', serviceUrl: 'https://st.blob.core.windows.net' });
    expect(byUri.incidentClaims?.connection).toMatchObject({ kind: 'identity', serviceUrl: 'https://st.table.core.windows.net' });
    const explicitWins = loadConfig({ ...BASE, AzureWebJobsStorage: KEY_CS, ALERT_ARCHIVE_SERVICE_URL: 'https://other.blob.core.windows.net' });
    expect(explicitWins.alertArchive?.connection.setting).toBe('ALERT_ARCHIVE_SERVICE_URL');
    expect(explicitWins.incidentClaims?.connection.setting).toBe('AzureWebJobsStorage');
  });

  it('names every wrong storage setting, without echoing keys', () => {
    const found = problems({
      ALERT_ARCHIVE_CONNECTION: 'AccountName=acct;AccountKey=c2VjcmV0',
      ALERT_ARCHIVE_SERVICE_URL: 'https://acct.blob.core.windows.net',
      INCIDENT_CLAIMS_CONNECTION: 'AccountName=acct;EndpointSuffix=core.windows.net',
      INCIDENT_CLAIMS_TABLE: 'no-hyphens',
      ALERT_ARCHIVE_CONTAINER: 'Upper_Case',
    });
    expect(found).toEqual([
      expect.stringMatching(/^ALERT_ARCHIVE_CONTAINER "Upper_Case" is invalid/),
      expect.stringMatching(/^ALERT_ARCHIVE_CONNECTION and ALERT_ARCHIVE_SERVICE_URL are both set/),
      expect.stringMatching(/^INCIDENT_CLAIMS_TABLE "no-hyphens" is invalid/),
      expect.stringMatching(/^INCIDENT_CLAIMS_CONNECTION has neither AccountKey nor SharedAccessSignature/),
    ]);
    expect(found.join('\n')).not.toContain('c2VjcmV0');
    expect(problems({ ALERT_ARCHIVE_SERVICE_URL: 'http://acct.blob.core.windows.net' })).toEqual([expect.stringMatching(/^ALERT_ARCHIVE_SERVICE_URL .* is invalid; use the blob service URL/)]);
    expect(problems({ INCIDENT_CLAIMS_SERVICE_URL: 'https://acct.table.core.windows.net?sv=x' })).toEqual([expect.stringMatching(/^INCIDENT_CLAIMS_SERVICE_URL/)]);
    expect(problems({ ALERT_ARCHIVE_CONTAINER: 'alerts', INCIDENT_CLAIMS_TABLE: 'claims' })).toEqual([]);
    expect(problems({ AzureWebJobsStorage: 'nonsense' })).toEqual([
      expect.stringMatching(/^AzureWebJobsStorage is not a storage connection string/),
      expect.stringMatching(/^AzureWebJobsStorage is not a storage connection string/),
    ]);
    expect(problems({ AzureWebJobsStorage__accountName: 'Not-An-Account' })).toHaveLength(2);
    expect(problems({ ALERT_ARCHIVE_CONNECTION: 'DefaultEndpointsProtocol=http;AccountName=a;AccountKey=k;BlobEndpoint=nope' })).toEqual([
      expect.stringMatching(/^ALERT_ARCHIVE_CONNECTION has an invalid BlobEndpoint/),
    ]);
  });
});
