/**
 * The Genomics workflow API as Azure serves it: the regional endpoint the account's apiUri
 * names, authenticated with the account key, and never with the app's Entra token.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureClients } from '../../lib/azure/clients.js';
import { GenomicsWorkflowClient } from '../../lib/azure/genomics.js';

let url = '';
let ca = '';
let server: Server;
const seen: Array<{ method: string; path: string; headers: IncomingHttpHeaders }> = [];
beforeAll(async () => {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }] });
  ca = pems.cert;
  server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify([{ Id: 3, Status: 1000, Description: 'NA12878', Process: 'snapgatk', CreatedDate: '2026-11-23T08:00:00Z' }]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const credential = { getToken: async () => ({ token: 'entra-token-that-must-not-leak', expiresOnTimestamp: Date.now() + 3600_000 }) };

describe('Genomics workflow API in Azure', () => {
  it('calls the apiUri with the account key and no token', async () => {
    const workflows = await new GenomicsWorkflowClient({ key: 'account-key-1' }, url, { tlsOptions: { ca } }).list();
    expect(workflows).toEqual([{ Id: 3, Status: 1000, Description: 'NA12878', Process: 'snapgatk', CreatedDate: '2026-11-23T08:00:00Z' }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/api/workflows' });
    expect(seen[0]!.headers['ocp-apim-subscription-key']).toBe('account-key-1');
    expect(seen[0]!.headers['authorization']).toBeUndefined();
  });

  it('is what the Azure clients give for a keyed account, which say which setting lacks a key, and refuse an account without an apiUri', () => {
    const azure = createAzureClients({ kind: 'azure' }, { credential, genomicsKeys: { contosogenomicswcus: 'account-key-1' } });
    expect(azure.genomicsWorkflows('ContosoGenomicsWCUS', url)).toBeInstanceOf(GenomicsWorkflowClient);
    const clients = createAzureClients({ kind: 'azure' }, { credential, genomicsKeys: {} });
    expect(() => clients.genomicsWorkflows('contosogenomicswcus', url)).toThrow("no key for the Genomics account contosogenomicswcus: add 'contosogenomicswcus:<key>' to GENOMICS_ACCOUNT_KEYS");
    const keyed = createAzureClients({ kind: 'azure' }, { credential, genomicsKeys: { contosogenomicswcus: 'k' } });
    expect(() => keyed.genomicsWorkflows('contosogenomicswcus')).toThrow('the Genomics account contosogenomicswcus reports no apiUri: its workflow API cannot be found');
  });
});
