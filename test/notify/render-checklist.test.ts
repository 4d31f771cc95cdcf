/**
 * The "failover done" message with the playbooks' checklist: what people must do by hand, by
 * workload, each item's URL as written (a link where the channel has links and it is http(s)),
 * every text neutralized for its channel; "Nothing to do now" only when there is nothing.
 */
import { describe, expect, it } from 'vitest';
import { describeNotification, renderSlack, renderTeams, renderWebhook } from '../../lib/notify/index.js';
import type { IncidentNotification, SlackMessage, TeamsMessage } from '../../lib/notify/index.js';
import type { ChecklistItem } from '../../lib/playbooks/types.js';
import { SAMPLES } from './samples.js';

const INGEST = 'rtmp://live-main-contosomedianeu.channel.media.azure.net:1935/live/91b0e3f4';
const HLS = 'https://live.contoso.example/0f6d2c1e-7a55-4b8e-9d4f-3c2b1a0e9f8d/failover.ism/manifest(format=m3u8-aapl)';
const ACCT_NEU = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu';
const ACCT_WEU = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu';

const CHECKLIST: ChecklistItem[] = [
  {
    workloadId: 'media-streaming',
    direction: 'failover',
    step: 'start-live-events',
    kind: 'ingest-url',
    text: `Point the encoders of live-main at ${INGEST}: live-main ingests on contosomedianeu now`,
    url: INGEST,
    resourceId: `${ACCT_NEU}/liveEvents/live-main`,
  },
  {
    workloadId: 'media-streaming',
    direction: 'failover',
    step: 'start-live-events',
    kind: 'playback-url',
    text: `Give players the HLS URL of live-main's recording on contosomedianeu: ${HLS}`,
    url: HLS,
    resourceId: `${ACCT_NEU}/streamingLocators/live-main-failover-inc-1`,
  },
  {
    workloadId: 'purview-catalog',
    direction: 'failover',
    step: 'report-gaps',
    kind: 'grant-role',
    text: 'grant people the collection roles they hold on contosopurviewweu (Collection Admin, Data Source Admin, Data Curator, Data Reader) on the collections of contosopurviewwus: role assignments do not carry over',
  },
  {
    workloadId: 'media-streaming',
    direction: 'failover',
    step: 'resubmit-jobs',
    kind: 'resubmit-job',
    text: "adaptive-1080p/whole-asset was not resubmitted to contosomedianeu: its input is the whole asset master of contosomediaweu, whose file names ARM does not list: resubmit it from the submitting app's records",
    resourceId: `${ACCT_WEU}/transforms/adaptive-1080p/jobs/whole-asset`,
  },
];

const done = (checklist: ChecklistItem[] | null | undefined): IncidentNotification => ({ ...SAMPLES['failover-done'], workloads: ['media-streaming', 'purview-catalog'], checklist });

const ACTION_4 =
  'Do the 4 things on the checklist below by hand. Failback to westeurope follows once westeurope has stayed healthy for the configured time (with approval where the policy asks).';
const NOTHING = 'Nothing to do now. Failback to westeurope follows once westeurope has stayed healthy for the configured time (with approval where the policy asks).';

const teamsBody = (m: TeamsMessage) => m.attachments[0].content.body;
const teamsLines = (m: TeamsMessage) => teamsBody(m).map((b) => b.inlines.map((r) => r.text).join(''));
const slackSections = (m: SlackMessage) => m.blocks.flatMap((b) => (b.type === 'section' && 'text' in b ? [b.text.text] : []));

describe('the checklist of a failover-done message', () => {
  it('is grouped by workload in the view, each item split around the URL it writes', () => {
    const view = describeNotification(done(CHECKLIST));
    expect(view.action).toBe(ACTION_4);
    expect(view.checklist).toEqual([
      {
        workload: 'media-streaming',
        items: [
          { text: CHECKLIST[0]!.text, before: 'Point the encoders of live-main at ', url: INGEST, link: false, after: ': live-main ingests on contosomedianeu now' },
          { text: CHECKLIST[1]!.text, before: "Give players the HLS URL of live-main's recording on contosomedianeu: ", url: HLS, link: true, after: '' },
          { text: CHECKLIST[3]!.text, before: CHECKLIST[3]!.text, url: null, link: false, after: '' },
        ],
      },
      { workload: 'purview-catalog', items: [{ text: CHECKLIST[2]!.text, before: CHECKLIST[2]!.text, url: null, link: false, after: '' }] },
    ]);
  });

  it('says "Nothing to do now" only when the checklist is empty or absent', () => {
    for (const empty of [[], null, undefined]) {
      const view = describeNotification(done(empty));
      expect(view.action).toBe(NOTHING);
      expect(view.checklist).toEqual([]);
    }
    expect(describeNotification(done([CHECKLIST[2]!])).action).toBe(
      'Do the one thing on the checklist below by hand. Failback to westeurope follows once westeurope has stayed healthy for the configured time (with approval where the policy asks).',
    );
  });

  it('Teams: "What to do now:", then per workload one line per item; an http(s) URL is a link run, a stream URL monospace', () => {
    const message = renderTeams(done(CHECKLIST));
    const lines = teamsLines(message);
    const start = lines.indexOf(`What to do: ${ACTION_4}`);
    expect(lines.slice(start, start + 8)).toEqual([
      `What to do: ${ACTION_4}`,
      'What to do now:',
      'media-streaming:',
      `• Point the encoders of live-main at ${INGEST}: live-main ingests on contosomedianeu now`,
      `• Give players the HLS URL of live-main's recording on contosomedianeu: ${HLS}`,
      `• ${CHECKLIST[3]!.text}`,
      'purview-catalog:',
      `• ${CHECKLIST[2]!.text}`,
    ]);
    // The facts follow the checklist.
    expect(lines[start + 8]).toBe('Workloads: media-streaming, purview-catalog');
    const body = teamsBody(message);
    expect(body[start + 1]).toEqual({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'What to do now:', weight: 'Bolder' }] });
    expect(body[start + 2]).toEqual({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'media-streaming:', weight: 'Bolder' }], spacing: 'Small' });
    expect(body[start + 3]).toEqual({
      type: 'RichTextBlock',
      inlines: [
        { type: 'TextRun', text: '• Point the encoders of live-main at ' },
        { type: 'TextRun', text: INGEST, fontType: 'Monospace' },
        { type: 'TextRun', text: ': live-main ingests on contosomedianeu now' },
      ],
      spacing: 'None',
    });
    expect(body[start + 4]).toEqual({
      type: 'RichTextBlock',
      inlines: [
        { type: 'TextRun', text: "• Give players the HLS URL of live-main's recording on contosomedianeu: " },
        { type: 'TextRun', text: HLS, selectAction: { type: 'Action.OpenUrl', title: HLS, url: HLS } },
      ],
      spacing: 'None',
    });
    expect(body[start + 5]).toEqual({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: `• ${CHECKLIST[3]!.text}` }], spacing: 'None' });
  });

  it('Teams without a checklist: no "What to do now:" block', () => {
    const lines = teamsLines(renderTeams(done([])));
    expect(lines).toContain(`What to do: ${NOTHING}`);
    expect(lines).not.toContain('What to do now:');
  });

  it('Slack: one section after "What to do", the http(s) URL a link showing its own address, the stream URL as code', () => {
    const message = renderSlack(done(CHECKLIST));
    expect(slackSections(message)).toEqual([
      'Azure Media Services - West Europe - Service degradation',
      `*What to do:* ${ACTION_4}`,
      [
        '*What to do now:*',
        '*media-streaming*',
        `• Point the encoders of live-main at \`${INGEST}\`: live-main ingests on contosomedianeu now`,
        `• Give players the HLS URL of live-main's recording on contosomedianeu: <${HLS}>`,
        `• ${CHECKLIST[3]!.text}`,
        '*purview-catalog*',
        `• ${CHECKLIST[2]!.text}`,
      ].join('\n'),
    ]);
    expect(message.text).toBe(`Failed over: media-streaming and purview-catalog now run in northeurope (took 4m 12s). ${ACTION_4}`);
  });

  it('Slack without a checklist: no checklist section', () => {
    expect(slackSections(renderSlack(done(null)))).toEqual(['Azure Media Services - West Europe - Service degradation', `*What to do:* ${NOTHING}`]);
  });

  it('webhook: the checklist as data, item by item, beside the summary', () => {
    expect(renderWebhook(done(CHECKLIST))).toEqual({
      schema: 'failover-notification/v1',
      summary: 'Failed over: media-streaming and purview-catalog now run in northeurope (took 4m 12s)',
      ...SAMPLES['failover-done'],
      workloads: ['media-streaming', 'purview-catalog'],
      checklist: CHECKLIST,
    });
  });

  it('neutralizes an item\'s text for each channel, and shows no URL of a scheme it does not know as one', () => {
    const hostile: ChecklistItem = {
      workloadId: 'media-streaming',
      direction: 'failover',
      step: 'resubmit-jobs',
      kind: 'check',
      text: 'job <!here> *now* see https://evil.example/x and {{DATE(2025-06-01T12:00:00Z)}}',
      url: 'javascript:alert(1)',
    };
    const teams = teamsLines(renderTeams(done([hostile])));
    expect(teams).toContain('• job <!here> *now* see https[:]//evil.example/x and {\u200b{DATE(2025-06-01T12:00:00Z)}}');
    expect(JSON.stringify(renderTeams(done([hostile])))).not.toContain('javascript');
    const slack = slackSections(renderSlack(done([hostile])));
    expect(slack[2]).toBe('*What to do now:*\n*media-streaming*\n• job &lt;!here&gt; \u2217now\u2217 see https[:]//evil.example/x and {{DATE(2025-06-01T12:00:00Z)}}');
    expect(JSON.stringify(renderSlack(done([hostile])))).not.toContain('javascript');
  });

  it('keeps a link\'s address intact in Slack: `|` percent-encoded, `&` as an entity', () => {
    const url = 'https://live.contoso.example/a|b?x=1&y=2';
    const item: ChecklistItem = { workloadId: 'media-streaming', direction: 'failover', step: 'switch-traffic', kind: 'playback-url', text: 'Point players at', url };
    expect(slackSections(renderSlack(done([item])))[2]).toBe('*What to do now:*\n*media-streaming*\n• Point players at <https://live.contoso.example/a%7Cb?x=1&amp;y=2>');
  });

  it('skips what is not an item and shows at most 40, saying the incident status lists the rest', () => {
    const many = Array.from({ length: 45 }, (_, i): ChecklistItem => ({ workloadId: 'genomics-pipeline', direction: 'failover', step: 'resubmit-workflows', kind: 'resubmit-job', text: `resubmit #${i + 1}` }));
    const view = describeNotification(done([...many, null, { text: 42 }, 'x'] as unknown as ChecklistItem[]));
    expect(view.action).toBe(
      'Do the 45 things on the checklist below by hand (the first 40 here; the incident status lists all). Failback to westeurope follows once westeurope has stayed healthy for the configured time (with approval where the policy asks).',
    );
    expect(view.checklist).toHaveLength(1);
    expect(view.checklist[0]!.items.map((i) => i.text)).toEqual(many.slice(0, 40).map((i) => i.text));
    expect(JSON.stringify(renderTeams(done(many))).length).toBeLessThan(28 * 1024);
  });
});

describe('the checklist of a failback-done message', () => {
  const back: ChecklistItem = { ...CHECKLIST[0]!, direction: 'failback', text: 'Point the encoders of live-main at rtmp://live-main-contosomediaweu.channel.media.azure.net:1935/live/91b0e3f4: live-main ingests on contosomediaweu again', url: 'rtmp://live-main-contosomediaweu.channel.media.azure.net:1935/live/91b0e3f4' };
  const failedBack = (checklist: ChecklistItem[] | null | undefined): IncidentNotification => ({ ...SAMPLES['failback-done'], checklist });

  it('shows what people must do now that the primary serves again, and "Nothing to do" only when nothing is left', () => {
    const view = describeNotification(failedBack([back]));
    expect(view.action).toBe('Do the one thing on the checklist below by hand. The incident is over.');
    expect(view.checklist).toEqual([{ workload: 'media-streaming', items: [{ text: back.text, before: 'Point the encoders of live-main at ', url: back.url, link: false, after: ': live-main ingests on contosomediaweu again' }] }]);
    expect(teamsLines(renderTeams(failedBack([back])))).toContain('What to do now:');
    for (const empty of [[], null, undefined]) {
      const nothing = describeNotification(failedBack(empty));
      expect(nothing.action).toBe('Nothing to do. The incident is over.');
      expect(nothing.checklist).toEqual([]);
    }
  });
});
