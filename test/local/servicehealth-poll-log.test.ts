/**
 * What the Microsoft 365 service health poll (functions/servicehealth-poll.ts, every minute) writes
 * to the `npm start` console, run by the local timer host: nothing for a routine run, a line when
 * it sends an issue to the intake, one warning when Graph starts failing and one line when it
 * works again. The whole app runs (startApp): the real poller reads the simulator's Graph, its
 * issues go through the real intake, and Graph fails by a simulator fault for three runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../e2e/support.js';

describe('the service health poll under the local timer host', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  }, 60_000);
  afterAll(() => app?.close());

  /** The poll's next run, and whatever it started, to the end. */
  async function nextPoll(): Promise<void> {
    const at = app.host.timers.nextRun('serviceHealthPoll');
    if (at === undefined) throw new Error('the service health poll is not scheduled');
    app.clock.advanceTo(at);
    await app.host.timers.idle();
    await app.runtime.idle();
  }

  it('writes three lines over ten runs: the issue it sent, Graph failing, Graph back; routine runs only at debug', async () => {
    await nextPoll();
    await nextPoll();
    await app.control('POST', '/_sim/graph/issues', { id: 'CR123', title: 'Users in Europe may be unable to access Dynamics 365 environments', classification: 'incident', status: 'serviceDegradation' });
    await nextPoll();
    // Graph unavailable for three runs (past the client's own retries).
    const fault = (await app.control('POST', '/_sim/faults', { operation: 'Microsoft.Graph/serviceAnnouncement/issues/read', status: 503, code: 'ServiceUnavailable', message: 'Graph answered 503' })) as { id: string };
    for (let n = 0; n < 3; n++) await nextPoll();
    await app.control('DELETE', `/_sim/faults/${fault.id}`);
    // The issue, unchanged, is read again and not sent again.
    for (let n = 0; n < 4; n++) await nextPoll();

    const mine = app.logs.filter((l) => l.functionName === 'serviceHealthPoll');
    expect(mine.filter((l) => l.message.startsWith("Executing 'Functions.serviceHealthPoll'"))).toHaveLength(10);
    // What the console prints (information and above): one line per thing that happened.
    expect(mine.filter((l) => !['trace', 'debug'].includes(l.level)).map((l) => `${l.level}: ${l.message}`)).toEqual([
      'information: service health: 1 issue(s) read, 1 sent to the intake, 1 acted on, 0 to send again',
      'warning: service health poll failed: Graph answered 503 (tried again every minute; logged again when it works or fails otherwise)',
      'information: service health poll works again after 3 failed run(s)',
    ]);
  }, 60_000);
});
