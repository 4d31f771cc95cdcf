/**
 * The webhook's answers, code by code, with an in-memory archive, claim table and incident
 * registry standing in for storage and the durable client (the end-to-end suite uses Azurite
 * and the local host). What matters here is the decision: which code, which body, what was
 * archived and what was started.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../lib/alerts/index.js';
import { acceptAlert, incidentInstanceId, type IntakeDeps, type IntakeRequest } from '../../lib/intake/accept.js';
import type { IncidentOutcome } from '../../lib/incidents/types.js';
import { CatalogUnavailableError } from '../../lib/catalog/source.js';
import type { IntakeFailure } from '../../lib/intake/failure.js';
import { readFixture, repoRoot } from '../support/fixtures.js';

class World {
  archived: Buffer[] = [];
  claims = new Map<string, string>();
  seen = new Set<string>();
  running = new Map<string, Signal[]>();
  /** Finished incidents and the newest signal time each saw. */
  finished = new Map<string, string | null>();
  /** How finished incidents ended (absent: failed-over-and-back, which holds nothing back). */
  outcomes = new Map<string, IncidentOutcome>();
  /** Whether the catalog has a workload the alert concerns; and what the alert means for it. */
  affected = true;
  verdict: 'act' | 'notify' | 'ignore' = 'act';
  inScope = true;
  ticks = 0;
  archiveFails: 'transient' | 'permanent' | null = null;
  /** Outcomes written onto archived bodies after the fact, and the failures the channels were told of. */
  marked: Array<[string, string]> = [];
  told: IntakeFailure[] = [];
  logged: string[] = [];
  deps(overrides: Partial<IntakeDeps> = {}): IntakeDeps {
    return {
      maxBytes: 256 * 1024,
      archive: async (raw) => {
        if (this.archiveFails === 'transient') throw Object.assign(new Error('ECONNREFUSED'), { transient: true });
        if (this.archiveFails === 'permanent') throw new Error('AuthorizationFailure');
        this.archived.push(raw);
        return { name: `alerts/${this.archived.length}.json` };
      },
      source: 'webhook',
      decide: async () =>
        this.affected
          ? { workloads: [{ workloadId: 'media-streaming', verdict: this.verdict, trigger: 'auto', kind: 'unplanned', reason: `${this.verdict}: the rule's reason`, inScope: this.inScope }], reason: null }
          : { workloads: [], reason: 'no workload in the catalog is affected' },
      holder: async (key) => this.claims.get(key) ?? null,
      claim: async (key, candidate) => {
        const existing = this.claims.get(key);
        if (existing !== undefined) return { claimed: false, instanceId: existing };
        this.claims.set(key, candidate);
        return { claimed: true, instanceId: candidate };
      },
      firstDelivery: async (id, dedupeKey) => {
        const k = `${id}|${dedupeKey}`;
        if (this.seen.has(k)) return false;
        this.seen.add(k);
        return true;
      },
      delivered: async (id, dedupeKey) => this.seen.has(`${id}|${dedupeKey}`),
      start: async (id, input) => {
        if (this.running.has(id)) return 'already-running';
        this.running.set(id, [{ dedupeKey: input.signal.dedupeKey } as Signal]);
        this.finished.delete(id);
        return 'started';
      },
      deliver: async (id, signal) => {
        if (this.finished.has(id)) return { finished: true, lastSignalAt: this.finished.get(id) ?? null, outcome: this.outcomes.get(id) ?? 'failed-over-and-back', endedAt: null };
        const list = this.running.get(id);
        if (list === undefined) return 'missing';
        list.push(signal);
        return 'delivered';
      },
      release: async (key, instanceId) => {
        if (this.claims.get(key) !== instanceId) return;
        this.claims.delete(key);
        this.running.delete(instanceId);
      },
      sleep: async () => undefined,
      isTransient: (err) => (err as { transient?: boolean }).transient === true,
      markArchived: async (archived, outcome) => void this.marked.push([archived.name, outcome]),
      notifyFailure: async (failure) => {
        this.told.push(failure);
        return { channels: 1, delivered: 1, queued: 0 };
      },
      log: (message) => void this.logged.push(message),
      statusUrl: (id) => `http://localhost:7071/api/incidents/${id}`,
      // Every reading is a second later, as if each request arrived after the one before.
      now: () => new Date(Date.parse('2026-11-23T09:15:00.000Z') + 1000 * this.ticks++),
      ...overrides,
    };
  }
}

const json = (body: string | Buffer, extra: Partial<IntakeRequest> = {}): IntakeRequest => ({
  contentType: 'application/json; charset=utf-8',
  contentLength: null,
  authorization: null,
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  ...extra,
});

const mediaAlert = readFileSync(join(repoRoot, 'samples/alerts/servicehealth-media-westeurope-active.json'));

describe('alert intake answers', () => {
  it('202: starts one incident for a new alert, keyed by its incident key', async () => {
    const w = new World();
    const answer = await acceptAlert(w.deps(), json(mediaAlert));
    // Proposed with the request's time (the second clock reading): the claim made it the incident's.
    const id = incidentInstanceId('7TQ2-RX8', new Date('2026-11-23T09:15:01.000Z'));
    expect(id).toBe('incident-75b2903bd343cdc71f1b-20261123091501000');
    expect(answer).toEqual({
      status: 202,
      body: {
        accepted: true,
        acted: true,
        incidentId: id,
        delivery: 'started',
        statusUrl: `http://localhost:7071/api/incidents/${id}`,
        archived: 'alerts/1.json',
        decisions: [{ workloadId: 'media-streaming', verdict: 'act', reason: "act: the rule's reason" }],
      },
      headers: { Location: `http://localhost:7071/api/incidents/${id}` },
    });
    expect(w.archived[0]!.equals(mediaAlert)).toBe(true);
  });

  it('202: a redelivery is archived and answered as a duplicate; a new update is delivered once', async () => {
    const w = new World();
    await acceptAlert(w.deps(), json(mediaAlert));
    const again = await acceptAlert(w.deps(), json(mediaAlert));
    expect(again.body).toMatchObject({ delivery: 'duplicate' });
    const update = JSON.parse(mediaAlert.toString()) as { data: { alertContext: { properties: { communicationId: string; stage: string } } } };
    update.data.alertContext.properties.communicationId = '11000093519999';
    const updated = await acceptAlert(w.deps(), json(JSON.stringify(update)));
    expect(updated.body).toMatchObject({ delivery: 'delivered' });
    expect(w.archived).toHaveLength(3);
    // The redelivery never reached the incident: only the first signal and the update did.
    expect(w.running.get(w.claims.get('7TQ2-RX8')!)!.length).toBe(2);
  });

  type Editable = { data: { essentials: { firedDateTime: string }; alertContext: { eventTimestamp: string; properties: { communicationId: string; stage: string } } } };
  const variant = (edit: (a: Editable) => void) => {
    const alert = JSON.parse(mediaAlert.toString()) as Editable;
    edit(alert);
    return json(JSON.stringify(alert));
  };

  it('202: starts a new incident, under a new instance id, when the claimed one is over and this signal is newer', async () => {
    const w = new World();
    await acceptAlert(w.deps(), json(mediaAlert));
    const first = w.claims.get('7TQ2-RX8')!;
    w.finished.set(first, '2020-01-01T00:00:00.000Z');
    const answer = await acceptAlert(w.deps(), variant((a) => (a.data.alertContext.properties.communicationId = 'later')));
    const next = w.claims.get('7TQ2-RX8')!;
    expect(next).not.toBe(first);
    expect(next.slice(0, 30)).toBe(first.slice(0, 30));
    expect(answer.body).toMatchObject({ delivery: 'started', incidentId: next });
  });

  it('202 without acting: a straggler of an incident that is over (older signal, or any recovery) starts nothing', async () => {
    const w = new World();
    await acceptAlert(w.deps(), json(mediaAlert));
    const first = w.claims.get('7TQ2-RX8')!;
    w.finished.set(first, '2099-01-01T00:00:00.000Z');
    const late = await acceptAlert(w.deps(), variant((a) => (a.data.alertContext.properties.communicationId = 'late-update')));
    expect(late).toMatchObject({ status: 202, body: { acted: false, reason: expect.stringContaining('is already over and saw signals up to 2099-01-01T00:00:00.000Z') } });
    w.finished.set(first, null);
    const resolved = await acceptAlert(
      w.deps(),
      variant((a) => {
        a.data.alertContext.properties.communicationId = 'resolved';
        a.data.alertContext.properties.stage = 'Resolved';
      }),
    );
    expect(resolved).toMatchObject({ status: 202, body: { acted: false, reason: `incident ${first} is already over; this Resolved signal was archived` } });
    expect(w.claims.get('7TQ2-RX8')).toBe(first);
    expect(w.running.size).toBe(1);
  });

  it('202: takes over a claim whose claimant never started the incident', async () => {
    const w = new World();
    w.claims.set('7TQ2-RX8', 'incident-orphan');
    const answer = await acceptAlert(w.deps(), json(mediaAlert));
    expect(answer.body).toMatchObject({ delivery: 'started', incidentId: 'incident-orphan' });
    expect(w.running.has('incident-orphan')).toBe(true);
  });

  it('503 and the claim given back when the incident cannot be started', async () => {
    const w = new World();
    const answer = await acceptAlert(w.deps({ start: async () => Promise.reject(Object.assign(new Error('ECONNREFUSED'), { transient: true })) }), json(mediaAlert));
    expect(answer).toMatchObject({ status: 503, body: { type: 'https://failover.contoso.example/problems/busy' } });
    expect(w.claims.size).toBe(0);
    expect((await acceptAlert(w.deps(), json(mediaAlert))).body).toMatchObject({ delivery: 'started' });
  });

  describe('a fault no retry fixes, after the alert was archived', () => {
    it('202 intake-failed for a TypeError in the decision: the archive marks it, one notification names it, nothing starts', async () => {
      const w = new World();
      const bug = new TypeError("Cannot read properties of undefined (reading 'workloads')");
      const answer = await acceptAlert(w.deps({ decide: async () => Promise.reject(bug) }), json(mediaAlert));
      expect(answer).toEqual({
        status: 202,
        body: {
          accepted: true,
          acted: false,
          outcome: 'intake-failed',
          reason:
            "the alert was archived but the orchestrator failed on it: TypeError: Cannot read properties of undefined (reading 'workloads'). " +
            'A retry would fail the same way, so none is asked for; the archived alert is marked intake-failed; 1 of 1 channel(s) told',
          archived: 'alerts/1.json',
          reported: { archiveMarked: true, channels: 1, delivered: 1, queued: 0 },
        },
      });
      expect(w.marked).toEqual([['alerts/1.json', 'intake-failed']]);
      expect(w.told).toHaveLength(1);
      expect(w.told[0]).toMatchObject({ archived: 'alerts/1.json', error: "TypeError: Cannot read properties of undefined (reading 'workloads')", decision: null, incidentId: null });
      expect(w.told[0]!.signal.incidentKey).toBe('7TQ2-RX8');
      expect(w.logged[0]).toMatch(/^alert alerts\/1\.json \(7TQ2-RX8\) was archived but the intake failed on it: TypeError: Cannot read properties/);
      expect(w.running.size).toBe(0);
      expect(w.claims.size).toBe(0);
    });

    it('503 for a catalog that cannot be used: nobody could be told, so the action group retries', async () => {
      const w = new World();
      const broken = new CatalogUnavailableError('samples/catalog.yaml', [{ severity: 'error', path: 'workloads[0].policy.trigger', message: "expected one of auto, approval, notify-only; got 'sometimes'" }]);
      const answer = await acceptAlert(w.deps({ decide: async () => Promise.reject(broken) }), json(mediaAlert));
      expect(answer).toMatchObject({
        status: 503,
        headers: { 'Retry-After': '60' },
        body: {
          type: 'https://failover.contoso.example/problems/catalog-unavailable',
          detail: "the catalog samples/catalog.yaml cannot be used: workloads[0].policy.trigger: expected one of auto, approval, notify-only; got 'sometimes'; the alert is archived (alerts/1.json), send it again once the catalog is fixed",
        },
      });
      expect(w.marked).toEqual([]);
      expect(w.told).toEqual([]);
    });

    it('the same for a refusal (a 403 from storage) when claiming: the decision is passed on, the claim table untouched', async () => {
      const w = new World();
      const refused = Object.assign(new Error('AuthorizationPermissionMismatch: claims incidentclaims claim incident: HTTP 403'), { name: 'StorageError', statusCode: 403 });
      const answer = await acceptAlert(w.deps({ claim: async () => Promise.reject(refused) }), json(mediaAlert));
      expect(answer).toMatchObject({ status: 202, body: { outcome: 'intake-failed', acted: false } });
      expect(w.told[0]!.decision?.workloads.map((d) => d.workloadId)).toEqual(['media-streaming']);
      expect(w.marked).toHaveLength(1);
    });

    it('a bug after the incident started says which incident the alert reached', async () => {
      const w = new World();
      const answer = await acceptAlert(w.deps({ firstDelivery: async () => Promise.reject(new RangeError('Invalid time value')) }), json(mediaAlert));
      const id = [...w.running.keys()][0]!;
      expect(answer).toMatchObject({ status: 202, body: { outcome: 'intake-failed', acted: true, incidentId: id, reason: expect.stringContaining(`after it reached incident ${id}: RangeError: Invalid time value`) } });
      expect(w.told[0]!.incidentId).toBe(id);
    });

    it('a bug while starting gives the claim back, so a later delivery can start the incident', async () => {
      const w = new World();
      const answer = await acceptAlert(w.deps({ start: async () => Promise.reject(new TypeError('startNew is not a function')) }), json(mediaAlert));
      expect(answer).toMatchObject({ status: 202, body: { outcome: 'intake-failed' } });
      expect(w.claims.size).toBe(0);
      expect((await acceptAlert(w.deps(), json(mediaAlert))).body).toMatchObject({ delivery: 'started' });
    });

    it('503 only when neither the archive nor any channel could be told: Azure Monitor\'s retries are then the last trace', async () => {
      const w = new World();
      const deps = w.deps({
        decide: async () => Promise.reject(new TypeError('x is not a function')),
        markArchived: async () => Promise.reject(new Error('AuthorizationPermissionMismatch')),
        notifyFailure: async () => ({ channels: 2, delivered: 0, queued: 0 }),
      });
      const answer = await acceptAlert(deps, json(mediaAlert));
      expect(answer).toMatchObject({ status: 503, body: { type: 'https://failover.contoso.example/problems/intake-failed' }, headers: { 'Retry-After': '30' } });
      // One of the two is enough to answer 202.
      const queued = await acceptAlert(w.deps({ decide: async () => Promise.reject(new TypeError('x')), markArchived: async () => Promise.reject(new Error('no')), notifyFailure: async () => ({ channels: 1, delivered: 0, queued: 1 }) }), json(mediaAlert));
      expect(queued).toMatchObject({ status: 202, body: { reported: { archiveMarked: false, channels: 1, delivered: 0, queued: 1 } } });
      const thrown = await acceptAlert(w.deps({ decide: async () => Promise.reject(new TypeError('x')), notifyFailure: async () => Promise.reject(new TypeError('no catalog')) }), json(mediaAlert));
      expect(thrown).toMatchObject({ status: 202, body: { reported: { archiveMarked: true, channels: 0 } } });
    });

    it('a transient fault is still a 503 busy, and nothing is marked or told', async () => {
      const w = new World();
      const answer = await acceptAlert(w.deps({ decide: async () => Promise.reject(Object.assign(new Error('ECONNRESET'), { transient: true })) }), json(mediaAlert));
      expect(answer).toMatchObject({ status: 503, headers: { 'Retry-After': '10' }, body: { type: 'https://failover.contoso.example/problems/busy' } });
      expect(w.marked).toEqual([]);
      expect(w.told).toEqual([]);
    });
  });

  it('202 without acting: an alert that touches no catalog workload is archived and says so', async () => {
    const w = new World();
    w.affected = false;
    const answer = await acceptAlert(w.deps(), json(mediaAlert));
    expect(answer).toEqual({ status: 202, body: { accepted: true, acted: false, reason: 'no workload in the catalog is affected', archived: 'alerts/1.json', decisions: [] } });
    expect(w.running.size).toBe(0);
  });

  it('202: archives an alert no workload acts on (a metric alert) and says so', async () => {
    const w = new World();
    const metric = JSON.parse(readFixture('servicehealth-common-testaction.json')) as { data: { essentials: { monitoringService: string } } };
    metric.data.essentials.monitoringService = 'Platform';
    const answer = await acceptAlert(w.deps(), json(JSON.stringify(metric)));
    expect(answer).toMatchObject({ status: 202, body: { accepted: true, acted: false } });
    expect(w.archived).toHaveLength(1);
    expect(w.running.size).toBe(0);
  });

  it('202: archives a synthetic test notification and never acts on it', async () => {
    const w = new World();
    const answer = await acceptAlert(w.deps(), json(readFixture('servicehealth-common-testaction.json')));
    expect(answer).toMatchObject({ status: 202, body: { acted: false, reason: expect.stringContaining('IsSynthetic') } });
    expect(w.running.size).toBe(0);
  });

  it('400: not JSON; 422: JSON that is not an alert, naming the field', async () => {
    const w = new World();
    expect(await acceptAlert(w.deps(), json('{"schemaId":'))).toMatchObject({ status: 400, body: { title: 'Bad Request', path: '$' } });
    const missing = await acceptAlert(w.deps(), json('{"schemaId":"Microsoft.Insights/activityLogs","data":{"context":{}}}'));
    expect(missing).toMatchObject({ status: 422, body: { path: '$.data.context.activityLog', detail: 'required object is missing' } });
    // Bad input is archived too: nothing that arrived is lost.
    expect(w.archived).toHaveLength(2);
  });

  it('413: over the size limit, before anything else is done', async () => {
    const w = new World();
    const answer = await acceptAlert(w.deps({ maxBytes: 1024 }), json(mediaAlert));
    expect(answer.status).toBe(413);
    expect(w.archived).toHaveLength(0);
  });

  it('415: not JSON by Content-Type', async () => {
    const w = new World();
    const answer = await acceptAlert(w.deps(), json(mediaAlert, { contentType: 'text/plain' }));
    expect(answer).toMatchObject({ status: 415, body: { detail: "send the alert as application/json (got 'text/plain')" } });
  });

  it('401/403/503: the secure-webhook verdict, with nothing archived on 401', async () => {
    const w = new World();
    const deny = (status: number, reason: string) => w.deps({ authenticate: async () => ({ ok: false, status, reason, detail: 'x' }) });
    expect(await acceptAlert(deny(401, 'expired'), json(mediaAlert))).toMatchObject({ status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token", error_description="expired"' } });
    expect((await acceptAlert(deny(403, 'missing_role'), json(mediaAlert))).status).toBe(403);
    expect(await acceptAlert(deny(503, 'jwks_unavailable'), json(mediaAlert))).toMatchObject({ status: 503, headers: { 'Retry-After': '10' } });
    expect(w.archived).toHaveLength(0);
  });

  it('503: the archive is down; nothing is started, so the action group retries', async () => {
    const w = new World();
    w.archiveFails = 'transient';
    expect(await acceptAlert(w.deps(), json(mediaAlert))).toMatchObject({ status: 503, headers: { 'Retry-After': '10' } });
    w.archiveFails = 'permanent';
    expect((await acceptAlert(w.deps(), json(mediaAlert))).status).toBe(503);
    expect(w.running.size).toBe(0);
  });

  it('never answers 500 and never throws, whatever the body (10,000 fuzzed bodies)', async () => {
    const w = new World();
    const deps = w.deps();
    const texts = fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)));
    await fc.assert(
      fc.asyncProperty(texts, async (body) => {
        const answer = await acceptAlert(deps, json(typeof body === 'string' ? body : body));
        expect([202, 400, 413, 415, 422, 503]).toContain(answer.status);
        expect(answer.status).not.toBe(500);
      }),
      { numRuns: 10_000, seed: 5 },
    );
  });

  describe('what the decision lets the webhook do', () => {
    it('an alert out of every workload\'s scope is archived and ignored, even when an incident of its key runs', async () => {
      const w = new World();
      await acceptAlert(w.deps(), json(mediaAlert));
      w.inScope = false;
      w.verdict = 'ignore';
      const resolved = mediaAlert.toString().replace('"stage": "Active"', '"stage": "Resolved"').replace('"communicationId": "11000093512874"', '"communicationId": "1"');
      const answer = await acceptAlert(w.deps(), json(resolved));
      expect(answer.body).toMatchObject({ acted: false, reason: "media-streaming: ignore: the rule's reason" });
      expect([...w.running.values()][0]).toHaveLength(1);
    });

    it('an in-scope signal that starts nothing still reaches a running incident of its key, and is ignored without one', async () => {
      const w = new World();
      w.verdict = 'ignore';
      const alone = await acceptAlert(w.deps(), json(mediaAlert));
      expect(alone.body).toMatchObject({ acted: false, reason: "media-streaming: ignore: the rule's reason" });
      expect(w.running.size).toBe(0);
      w.verdict = 'act';
      await acceptAlert(w.deps(), json(mediaAlert));
      w.verdict = 'ignore';
      const update = mediaAlert.toString().replace('"communicationId": "11000093512874"', '"communicationId": "2"');
      expect((await acceptAlert(w.deps(), json(update))).body).toMatchObject({ acted: true, delivery: 'delivered' });
      expect([...w.running.values()][0]).toHaveLength(2);
    });

    it('an alert that can only notify starts an incident that says so, not one that acts', async () => {
      const w = new World();
      w.verdict = 'notify';
      const answer = await acceptAlert(w.deps(), json(mediaAlert));
      expect(answer.body).toMatchObject({ acted: false, notified: true, delivery: 'started', decisions: [{ workloadId: 'media-streaming', verdict: 'notify' }] });
    });

    it('a cancelled incident holds its tracking ID: a newer update starts nothing until someone reopens it', async () => {
      const w = new World();
      const first = (await acceptAlert(w.deps(), json(mediaAlert))).body as { incidentId: string };
      w.finished.set(first.incidentId, '2026-11-23T09:13:58.118Z');
      w.outcomes.set(first.incidentId, 'cancelled');
      const newer = mediaAlert.toString().replace('"communicationId": "11000093512874"', '"communicationId": "3"').replace('"eventTimestamp": "2026-11-23T09:13:58.1183062+00:00"', '"eventTimestamp": "2026-11-23T10:13:58.1183062+00:00"');
      const answer = await acceptAlert(w.deps(), json(newer));
      expect(answer.body).toMatchObject({
        acted: false,
        reason: `incident ${first.incidentId} for this tracking ID ended cancelled; a newer update does not start another until someone reopens it (POST /api/incidents/${first.incidentId}/reopen)`,
      });
      expect(w.running.size).toBe(1);
      // An outcome that decided nothing (failed over and back) lets the next occurrence start.
      w.outcomes.set(first.incidentId, 'failed-over-and-back');
      expect((await acceptAlert(w.deps(), json(newer))).body).toMatchObject({ acted: true, delivery: 'started' });
    });
  });
});

describe('alert intake: the claim on an incident key', () => {
  /** The media alert as a later update of its incident: another communication, the same tracking ID. */
  const update = Buffer.from(mediaAlert.toString('utf8').replace('"11000093512874"', '"11000093512999"'));

  function counting(w: World) {
    const calls: string[] = [];
    const base = w.deps();
    const deps = w.deps({
      holder: async (key) => {
        calls.push('holder');
        return base.holder(key);
      },
      claim: async (key, candidate) => {
        calls.push('claim');
        return base.claim(key, candidate);
      },
    });
    return { calls, deps };
  }

  it('reads the claim of a key someone holds and never tries to insert one (an update, a redelivery)', async () => {
    const w = new World();
    const { calls, deps } = counting(w);
    const first = await acceptAlert(deps, json(mediaAlert));
    expect(calls).toEqual(['holder', 'claim']);
    calls.length = 0;
    const again = await acceptAlert(deps, json(mediaAlert));
    const next = await acceptAlert(deps, json(update));
    expect(calls).toEqual(['holder', 'holder']);
    const id = (first.body as { incidentId: string }).incidentId;
    expect(again.body).toMatchObject({ incidentId: id, delivery: 'duplicate' });
    expect(next.body).toMatchObject({ incidentId: id, delivery: 'delivered' });
    expect(w.claims.size).toBe(1);
    expect(w.running.get(id)).toHaveLength(2);
  });

  it('lets exactly one of two first deliveries that both found no holder start the incident', async () => {
    const w = new World();
    // Both read "nobody" before either inserts: the conditional insert decides.
    let reads = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    const deps = w.deps({
      holder: async (key) => {
        const held = w.claims.get(key) ?? null;
        if (++reads === 2) release();
        await bothRead;
        return held;
      },
    });
    const [a, b] = await Promise.all([acceptAlert(deps, json(mediaAlert)), acceptAlert(deps, json(update))]);
    const deliveries = [a.body, b.body].map((x) => (x as { delivery: string }).delivery).sort();
    expect(deliveries).toEqual(['delivered', 'started']);
    expect((a.body as { incidentId: string }).incidentId).toBe((b.body as { incidentId: string }).incidentId);
    expect(w.claims.size).toBe(1);
    expect(w.running.size).toBe(1);
  });

  it('starts a new incident when the held one is over, through a fresh claim', async () => {
    const w = new World();
    const { calls, deps } = counting(w);
    const first = (await acceptAlert(deps, json(mediaAlert))).body as { incidentId: string };
    w.finished.set(first.incidentId, '2026-11-23T08:00:00.000Z');
    calls.length = 0;
    const later = (await acceptAlert(deps, json(update))).body as { incidentId: string; delivery: string };
    expect(later.delivery).toBe('started');
    expect(later.incidentId).not.toBe(first.incidentId);
    // Held (over), released, then nobody holds it: the insert claims it for the new instance.
    expect(calls).toEqual(['holder', 'holder', 'claim']);
  });
});
