/**
 * The ARM throttling queue: a 429 closes a subscription's queue for its Retry-After, one probe
 * goes after it, and then the waiting requests go highest priority first, as far as ARM's
 * remaining-budget header reaches; the last quarter of a write budget is kept for writes that
 * start long operations. Then the same through the real Media Services SDK client against the
 * simulator's token buckets: a flood of reads is served in full, with no 429 reaching the caller,
 * and the streaming endpoint list reads queued behind it are served too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { priorityOf as rank, ThrottleQueue, ThrottleQueues, throttleQueuePolicy } from '../../lib/azure/throttle-queue.js';
import { urgentRequests } from '../../lib/playbooks/index.js';
import { startSimulator, SUB, type SimHarness } from '../sim/support.js';

const ACCOUNT = `/subscriptions/${SUB}/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu`;

describe('priorityOf', () => {
  it('ranks the requests the playbook steps declare urgent by how long Azure takes', () => {
    const priorities = urgentRequests();
    const priorityOf = (method: string, path: string) => rank(priorities, method, path);
    expect(priorityOf('POST', `${ACCOUNT}/streamingEndpoints/default/start`)).toBe(120);
    expect(priorityOf('post', `${ACCOUNT}/streamingEndpoints/default/scale`)).toBe(120);
    expect(priorityOf('GET', `${ACCOUNT}/streamingEndpoints`)).toBe(120);
    expect(priorityOf('POST', `${ACCOUNT}/liveEvents/live1/start`)).toBe(90);
    expect(priorityOf('PUT', `${ACCOUNT}/liveEvents/live1/liveOutputs/failover`)).toBe(90);
    expect(priorityOf('POST', '/subscriptions/s/resourceGroups/r/providers/Microsoft.DataShare/accounts/a/shareSubscriptions/s1/synchronize')).toBe(60);
    // Stopping, reading one endpoint, and everything else: no priority.
    expect(priorityOf('POST', `${ACCOUNT}/streamingEndpoints/default/stop`)).toBe(0);
    expect(priorityOf('GET', `${ACCOUNT}/streamingEndpoints/default`)).toBe(0);
    expect(priorityOf('PUT', `${ACCOUNT}/transforms/abr`)).toBe(0);
  });
});

/** A queue on a hand-driven clock, and the order in which requests were let go. */
function harness(reserveShare = 0) {
  let t = 0;
  const queue = new ThrottleQueue(reserveShare, () => t);
  const went: string[] = [];
  const ask = (name: string, priority: number) => void queue.turn(priority).then(() => went.push(name));
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { queue, went, ask, settle, advance: (ms: number) => (t += ms) };
}

describe('ThrottleQueue', () => {
  it('lets requests straight through while ARM has budget', async () => {
    const h = harness();
    h.ask('a', 0);
    h.ask('b', 0);
    await h.settle();
    expect(h.went).toEqual(['a', 'b']);
    expect(h.queue.queued).toBe(0);
  });

  it('after a 429 holds everything for the Retry-After, probes with the most urgent request, then releases by priority as far as the budget reaches', async () => {
    const h = harness();
    h.ask('first', 0);
    await h.settle();
    h.queue.refused(20);
    h.ask('low-1', 0);
    h.ask('start-endpoint', 120);
    h.ask('low-2', 0);
    h.ask('start-event', 90);
    await h.settle();
    expect(h.went).toEqual(['first']);
    expect(h.queue.queued).toBe(4);
    // The Retry-After passes (on both clocks: the queue's and the timer's).
    h.advance(20);
    await new Promise((r) => setTimeout(r, 30));
    expect(h.went).toEqual(['first', 'start-endpoint']);
    // The probe got through; ARM says two more fit.
    h.queue.answered(2);
    await h.settle();
    expect(h.went).toEqual(['first', 'start-endpoint', 'start-event', 'low-1']);
    expect(h.queue.queued).toBe(1);
    h.queue.answered(5);
    await h.settle();
    expect(h.went).toEqual(['first', 'start-endpoint', 'start-event', 'low-1', 'low-2']);
  });

  it('ignores answers to requests sent before it closed: only the probe reopens it', async () => {
    const h = harness();
    h.ask('a', 0);
    h.ask('b', 0);
    await h.settle();
    h.queue.refused(1000);
    h.ask('c', 0);
    // b was on its way before the 429: its success says nothing of the budget now.
    h.queue.answered(10);
    await h.settle();
    expect(h.went).toEqual(['a', 'b']);
    expect(h.queue.queued).toBe(1);
  });

  it('keeps the last quarter of a write budget for long-running starts', async () => {
    const h = harness(0.25);
    h.ask('first', 0);
    await h.settle();
    // ARM reports 199 left of 200; then, later, 50: the reserve is 50.
    h.queue.answered(199);
    h.ask('second', 0);
    await h.settle();
    h.queue.answered(50);
    h.ask('transform', 0);
    h.ask('start-endpoint', 120);
    await h.settle();
    expect(h.went).toEqual(['first', 'second', 'start-endpoint']);
    expect(h.queue.queued).toBe(1);
    // The budget refills above the reserve: the held write goes.
    h.queue.answered(60);
    await h.settle();
    expect(h.went).toEqual(['first', 'second', 'start-endpoint', 'transform']);
  });
});

describe('throttleQueuePolicy', () => {
  it('answers a 429 itself: waits what Retry-After says, sends again, and hands back the answer that is not a 429', async () => {
    const policy = throttleQueuePolicy(new ThrottleQueues());
    const request = createPipelineRequest({ url: `https://management.azure.com${ACCOUNT}/streamingEndpoints/default/start?api-version=2022-08-01`, method: 'POST' });
    const statuses = [429, 429, 202];
    const sentAt: number[] = [];
    const answer = await policy.sendRequest(request, async (req) => {
      sentAt.push(Date.now());
      const status = statuses.shift()!;
      return { request: req, status, headers: createHttpHeaders(status === 429 ? { 'retry-after-ms': '40' } : { 'x-ms-ratelimit-remaining-subscription-writes': '150' }) };
    });
    expect(answer.status).toBe(202);
    expect(sentAt).toHaveLength(3);
    // Each try after a refusal waited the 40 ms asked (timers may fire a millisecond early).
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(39);
    expect(sentAt[2]! - sentAt[1]!).toBeGreaterThanOrEqual(39);
  });

  it('lets requests that name no subscription (data planes) pass untouched', async () => {
    const policy = throttleQueuePolicy(new ThrottleQueues());
    const request = createPipelineRequest({ url: 'https://contosofailover.azconfig.io/kv/media:activeAccount', method: 'GET' });
    const answer = await policy.sendRequest(request, async (req) => ({ request: req, status: 429, headers: createHttpHeaders({ 'retry-after': '1' }) }));
    expect(answer.status).toBe(429);
  });
});

describe('the throttling queue through the SDK', () => {
  let h: SimHarness;
  beforeAll(async () => {
    h = await startSimulator();
  });
  afterAll(() => h.close());

  it('serves a flood of reads in full, and the streaming endpoint watch reads queued behind it too', async () => {
    const media = h.clients.media(SUB);
    const finished: string[] = [];
    // 250 reads in the bucket, 25 a second refilled: 320 at once meet 429s within a second.
    const flood = Array.from({ length: 320 }, (_, i) => media.mediaservices.get('rg-media-neu', 'contosomedianeu').then(() => finished.push(`get-${i}`)));
    while ((h.sim.traffic.get('Microsoft.Media/mediaservices/read')?.throttled ?? 0) === 0) await new Promise((r) => setTimeout(r, 5));
    const watch = Array.from({ length: 5 }, async (_, i) => {
      for await (const _e of media.streamingEndpoints.list('rg-media-neu', 'contosomedianeu'));
      finished.push(`watch-${i}`);
    });
    await Promise.all([...flood, ...watch]);
    expect(finished).toHaveLength(325);
    const traffic = h.sim.traffic.get('Microsoft.Media/mediaservices/read')!;
    expect(traffic.requests - traffic.throttled).toBe(320);
    expect(traffic.throttled).toBeGreaterThan(0);
    // The watch reads were queued behind the flood's 429s and still came back. Which of them
    // finishes first depends on the network within each released batch; the order the queue
    // releases them in is what the ThrottleQueue tests above pin down.
    expect(finished.filter((f) => f.startsWith('watch'))).toHaveLength(5);
    expect(finished.findIndex((f) => f.startsWith('watch'))).toBeGreaterThan(200);
  });
});
