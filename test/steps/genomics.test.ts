/**
 * What the Genomics playbook's steps leave people to do, against the simulator's workflow API
 * (workflows submitted straight to it; the storage steps run end to end in test/e2e): with the
 * primary down, workflows the pipeline did not record; at failback, the workflow of a pair run
 * on both sides to follow, and the outputs the failover's resubmissions wrote to the standby storage.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowSubmission } from '../../lib/azure/genomics.js';
import type { Catalog } from '../../lib/catalog/types.js';
import type { Direction, IncidentWindow, StepPhase, StepResult } from '../../lib/playbooks/types.js';
import type { StepDeps } from '../../lib/steps/deps.js';
import { runStepPhase } from '../../lib/steps/index.js';
import { startSimulator, type SimHarness } from '../sim/support.js';
import { sampleCatalog, simStepDeps } from './support.js';

let sim: SimHarness;
let catalog: Catalog;
let deps: StepDeps;

const RG = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups';
const PRIMARY = `${RG}/rg-genomics-wus2/providers/Microsoft.Genomics/accounts/contosogenomicswus2`;
const STANDBY = `${RG}/rg-genomics-wcus/providers/Microsoft.Genomics/accounts/contosogenomicswcus`;
const STANDBY_STORAGE = `${RG}/rg-genomics-wcus/providers/Microsoft.Storage/storageAccounts/contosogenomicswcusdata`;

beforeEach(async () => {
  await sim?.close();
  // Real time: a workflow stays queued for the whole test (the simulator starts one after two minutes).
  sim = await startSimulator({ timeScale: 1 });
  catalog = await sampleCatalog();
  deps = simStepDeps(sim, catalog);
});
afterAll(() => sim?.close());

const run = (step: string, phase: StepPhase, direction: Direction = 'failover', window?: IncidentWindow): Promise<StepResult> =>
  runStepPhase(deps, { incidentId: 'inc-1', workloadId: 'genomics-pipeline', playbookKind: 'genomics', direction, step, phase, ...(window !== undefined ? { window } : {}) });

/** A submission the service accepts (it checks the SAS tokens' shape and validity, not their signature). */
function submission(description: string): WorkflowSubmission {
  const se = new Date(Date.now() + 49 * 3600_000).toISOString();
  return {
    Process: 'snapgatk',
    ProcessArgs: 'R=hg38m1',
    Description: description,
    InputStorageType: 'AZURE_BLOCK_BLOB',
    InputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'sequencing-input', BLOBNAMES: 'na12878.bam', BLOBNAMES_WITH_SAS: `na12878.bam?sv=2022-11-02&sr=b&sp=r&se=${se}&sig=x` },
    OutputStorageType: 'AZURE_BLOCK_BLOB',
    OutputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'sequencing-output', CONTAINER_SAS: `sv=2022-11-02&sr=c&sp=rwdl&se=${se}&sig=x`, OUTPUT_FILENAME_BASE: 'na12878', OVERWRITE: true },
    IgnoreAzureRegion: true,
  };
}

describe('the Genomics playbook: what it leaves people to do', () => {
  it('with the primary down, leaves the workflows the pipeline did not record for people to resubmit', async () => {
    await sim.control('POST', '/_sim/regions/westus2/outage', {});
    expect(await run('resubmit-workflows', 'precheck')).toEqual({
      ok: true,
      outcome: 'already-done',
      detail: "no queued or running workflows (contosogenomicswus2 does not answer: from the app's record of submissions)",
      todo: [
        {
          kind: 'resubmit-job',
          text: 'Resubmit to contosogenomicswcus any workflow contosogenomicswus2 had queued or running that the pipeline did not record: contosogenomicswus2 does not answer, so only the recorded ones (none) were resubmitted',
          resourceId: PRIMARY,
        },
      ],
    });
  });

  it('with the primary answering and nothing pending, leaves nothing', async () => {
    expect(await run('resubmit-workflows', 'precheck')).toEqual({ ok: true, outcome: 'already-done', detail: 'no queued or running workflows (contosogenomicswus2 reports them queued or running)' });
  });

  it('at failback, cancels one of a pair and leaves the kept one to follow and the standby outputs to collect', async () => {
    const primary = await sim.clients.genomicsWorkflows('contosogenomicswus2').submit(submission('NA12878 30x'));
    const standby = await sim.clients.genomicsWorkflows('contosogenomicswcus').submit(submission(`NA12878 30x [failover of contosogenomicswus2#${primary.Id}]`));
    const pair = `#${primary.Id} on contosogenomicswus2 (queued) and #${standby.Id} on contosogenomicswcus (queued)`;
    // The primary's copy is the one cancelled: both are queued, and the standby's is the one the failover reported.
    expect(await run('settle-double-runs', 'precheck', 'failback')).toEqual({ ok: true, outcome: 'needed', detail: `cancel one of ${pair}`, resources: [PRIMARY] });
    const collect = {
      kind: 'reconcile-data',
      text: `Collect the outputs of #${standby.Id} from contosogenomicswcusdata/sequencing-output: they ran on contosogenomicswcus during the failover, and new work goes to contosogenomicswus2 again`,
      resourceId: STANDBY_STORAGE,
    };
    expect(await run('settle-double-runs', 'action', 'failback')).toEqual({
      ok: true,
      outcome: 'done',
      detail: `kept #${standby.Id} on contosogenomicswcus (queued, as far along, and the one the failover reported), cancelled #${primary.Id} on contosogenomicswus2 (queued) (told 1 channel(s))`,
      todo: [
        {
          kind: 'check',
          text: `kept #${standby.Id} on contosogenomicswcus (queued, as far along, and the one the failover reported), cancelled #${primary.Id} on contosogenomicswus2 (queued): follow the kept one for the results.`,
          resourceId: STANDBY,
        },
        collect,
      ],
    });
    // Settled: the outputs still wait in the standby storage.
    expect(await run('settle-double-runs', 'precheck', 'failback')).toEqual({ ok: true, outcome: 'already-done', detail: 'no workflow is queued or running on both sides', todo: [collect] });
    // A resubmission from before this incident began is not this incident's to collect.
    const later = { since: new Date(Date.now() + 3600_000).toISOString(), until: null, planned: false };
    expect(await run('settle-double-runs', 'precheck', 'failback', later)).toEqual({ ok: true, outcome: 'already-done', detail: 'no workflow is queued or running on both sides' });
  });
});
