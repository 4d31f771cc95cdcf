/** Entra-shaped test tokens signed with keys generated here. */
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK, JWTPayload } from 'jose';
import { AZNS_AAD_WEBHOOK_APP_ID } from '../../lib/auth/index.js';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const OTHER_TENANT = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const CLIENT_ID = 'a3c5f0e2-5b7d-4d1a-9f3e-6c8b2a1d4e5f';
export const APP_ID_URI = `api://${CLIENT_ID}`;
export const AZNS_SP_OBJECT_ID = '5d2f4c1a-7e3b-4a9c-8d6f-1b0e2c3a4f5d';
export const ISSUER_V2 = `https://login.microsoftonline.com/${TENANT}/v2.0`;
export const ISSUER_V1 = `https://sts.windows.net/${TENANT}/`;

/** 2025-06-01T12:00:00Z, the fixed "now" of the tests. */
export const NOW = new Date('2025-06-01T12:00:00Z');
export const NOW_S = Math.floor(NOW.getTime() / 1000);

export interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public JWK as Entra publishes it (kty, use, kid, n, e). */
  jwk: JWK;
}

export async function makeKey(kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const { kty, n, e } = await exportJWK(publicKey);
  return { kid, privateKey, publicKey, jwk: { kty, use: 'sig', kid, n, e } };
}

export async function publicPem(key: TestKey): Promise<string> {
  return exportSPKI(key.publicKey);
}

/** Claims of a v2 app-only token from the AzNS AAD Webhook app for our API. */
export function v2Claims(overrides: JWTPayload = {}): JWTPayload {
  return {
    aud: CLIENT_ID,
    iss: ISSUER_V2,
    iat: NOW_S - 60,
    nbf: NOW_S - 60,
    exp: NOW_S + 3600,
    aio: 'E2dgYJjx8n7V2lSfpt3nWcZm0QU/AA==',
    azp: AZNS_AAD_WEBHOOK_APP_ID,
    azpacr: '2',
    idtyp: 'app',
    oid: AZNS_SP_OBJECT_ID,
    rh: '1.AXkAv4j5cvGGr0GRqy180BHbR4aDZkatdUuK9xvbf8-YAA.',
    roles: ['ActionGroupsSecureWebhook'],
    sub: AZNS_SP_OBJECT_ID,
    tid: TENANT,
    uti: 'uXt1wRQ0ZkmoYqNnZQ8bAA',
    ver: '2.0',
    ...overrides,
  };
}

/** Claims of a v1 app-only token: Application ID URI audience, sts.windows.net issuer, appid. */
export function v1Claims(overrides: JWTPayload = {}): JWTPayload {
  return {
    aud: APP_ID_URI,
    iss: ISSUER_V1,
    iat: NOW_S - 60,
    nbf: NOW_S - 60,
    exp: NOW_S + 3600,
    aio: 'E2dgYJjx8n7V2lSfpt3nWcZm0QU/AA==',
    appid: AZNS_AAD_WEBHOOK_APP_ID,
    appidacr: '2',
    idp: ISSUER_V1,
    idtyp: 'app',
    oid: AZNS_SP_OBJECT_ID,
    rh: '0.AXkAv4j5cvGGr0GRqy180BHbR4aDZkatdUuK9xvbf8-YAA.',
    roles: ['ActionGroupsSecureWebhook'],
    sub: AZNS_SP_OBJECT_ID,
    tid: TENANT,
    uti: 'uXt1wRQ0ZkmoYqNnZQ8bAA',
    ver: '1.0',
    ...overrides,
  };
}

/** Drop claims by name (overrides can only add or replace). */
export function without(claims: JWTPayload, ...names: string[]): JWTPayload {
  const copy = { ...claims };
  for (const name of names) delete copy[name];
  return copy;
}

export async function sign(claims: JWTPayload, key: TestKey, header: { kid?: string | undefined } = { kid: key.kid }): Promise<string> {
  const protectedHeader = { alg: 'RS256', typ: 'JWT', ...(header.kid === undefined ? {} : { kid: header.kid, x5t: header.kid }) };
  return new SignJWT(claims).setProtectedHeader(protectedHeader).sign(key.privateKey);
}

export function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
