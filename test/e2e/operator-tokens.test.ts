/**
 * On-call Entra tokens through the local host: the simulator's directory issues what Entra would
 * (v1.0 for the Application ID URI, v2.0 for the client id), and the app takes a person's
 * delegated token and refuses an application's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_OPERATOR_AUDIENCE, LOCAL_OPERATOR_CLIENT_ID, LOCAL_TENANT_ID } from '../../local/sign-in.js';
import { startApp, type App } from './support.js';

const DAEMON_APP_ID = '9a4c2e6f-1b3d-4f5a-8c7e-0d2b4f6a8c1e';

describe('on-call tokens through the local host', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  }, 60_000);
  afterAll(() => app?.close());

  const bearer = async (body: Record<string, unknown>) => ({ authorization: `Bearer ${(await app.control('POST', '/_sim/identity/token', { tenant: LOCAL_TENANT_ID, ...body })).access_token as string}` });
  const plan = (workload: string, headers: Record<string, string>) =>
    app.request('POST', '/api/failovers', { body: { workloads: [workload], reason: 'token check', mode: 'plan' }, headers });

  it("takes a user's v1.0 and v2.0 tokens as a verified person", async () => {
    const v1 = await plan('media-streaming', await app.signIn('dana@contoso.example'));
    expect(v1.status, JSON.stringify(v1.body)).toBe(202);
    expect(v1.body).toMatchObject({ requestedBy: 'dana@contoso.example', verified: true });
    const v2 = await plan('datashare-sales', await bearer({ audience: LOCAL_OPERATOR_CLIENT_ID, upn: 'grace@contoso.example' }));
    expect(v2.status, JSON.stringify(v2.body)).toBe(202);
    expect(v2.body).toMatchObject({ requestedBy: 'grace@contoso.example', verified: true });
  });

  it("refuses an application's own token with 401, whichever version, even with the approver role", async () => {
    for (const audience of [LOCAL_OPERATOR_CLIENT_ID, LOCAL_OPERATOR_AUDIENCE]) {
      const reply = await plan('purview-governance', await bearer({ audience, appId: DAEMON_APP_ID, roles: ['Failover.Approver'] }));
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({
        status: 401,
        type: 'https://failover.contoso.example/problems/app-only-token',
        detail:
          "the token is an application's own (client credentials), not a signed-in user's: it is marked app-only (idtyp 'app'); " +
          "an on-call token must be a user's delegated token: sign in as yourself (az account get-access-token, or failover sim login locally), not as an application",
      });
      expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="app_only_token"');
    }
  });
});
