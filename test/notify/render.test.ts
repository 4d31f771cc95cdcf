import { describe, expect, it } from 'vitest';
import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  NOTIFICATION_SCHEMA,
  NOTIFICATION_TYPES,
  describeNotification,
  escapeSlack,
  formatDuration,
  formatTime,
  listWorkloads,
  renderSlack,
  renderTeams,
  renderWebhook,
} from '../../lib/notify/index.js';
import type { IncidentNotification, SlackBlock, SlackMessage, TeamsMessage, TeamsRichTextBlock } from '../../lib/notify/index.js';
import { ALL_SAMPLES, SAMPLES } from './samples.js';

/** The text of each RichTextBlock, its runs joined: what a Teams reader sees, line by line. */
function teamsLines(message: TeamsMessage): string[] {
  return message.attachments[0].content.body.map((block: TeamsRichTextBlock) => block.inlines.map((run) => run.text).join(''));
}

function slackBlocks<T extends SlackBlock['type']>(message: SlackMessage, type: T): Extract<SlackBlock, { type: T }>[] {
  return message.blocks.filter((b): b is Extract<SlackBlock, { type: T }> => b.type === type);
}

function slackFields(message: SlackMessage): string[] {
  return message.blocks.flatMap((b) => ('fields' in b ? b.fields.map((f) => f.text) : []));
}

function slackSectionTexts(message: SlackMessage): string[] {
  return message.blocks.flatMap((b) => (b.type === 'section' && 'text' in b ? [b.text.text] : []));
}

const HEADLINES: Record<IncidentNotification['type'], string> = {
  'incident-opened': 'Incident opened: media-streaming may be affected in westeurope',
  'impact-confirmed': 'Impact confirmed: media-streaming in westeurope',
  'approval-needed': 'Approval needed: fail over media-streaming to northeurope',
  'approval-escalated': 'Still waiting for approval: fail over media-streaming to northeurope',
  'playbook-started': 'Failing over media-streaming to northeurope: 1 step',
  'step-failed': 'Failover step failed: start-streaming-endpoints for media-streaming',
  'failover-done': 'Failed over: media-streaming now runs in northeurope (took 4m 12s)',
  'failback-done': 'Failed back: media-streaming is back in westeurope (took 3m 5s)',
  'action-required': 'Action needed for media-streaming: 2 things the orchestrator cannot do',
  'readiness-drift': 'Standby not ready: contosopurviewwus lacks 2 objects media-streaming needs',
  'incident-cancelled': 'Incident cancelled: no further action for media-streaming',
  'delivery-failed': 'Not delivered: 2 notifications about media-streaming did not reach its teams channel',
  'intake-failed': 'Alert not handled: the orchestrator failed on an alert about media-streaming',
};

/** Found outside any incident: no incident id in the context line. An intake failure has no incident to link to either. */
const OUTSIDE = new Set<string>(['readiness-drift', 'intake-failed']);
const NO_STATUS = new Set<string>(['intake-failed']);

describe('headlines say what happened and to what', () => {
  it.each(NOTIFICATION_TYPES)('%s', (type) => {
    expect(describeNotification(SAMPLES[type]).headline).toBe(HEADLINES[type]);
  });

  it('every sample type is covered', () => {
    expect(ALL_SAMPLES.map((e) => e.type)).toEqual([...NOTIFICATION_TYPES]);
  });

  it('names failback approvals by their destination, the primary', () => {
    const event = { ...SAMPLES['approval-needed'], direction: 'failback' as const };
    const view = describeNotification(event);
    expect(view.headline).toBe('Approval needed: fail back media-streaming to westeurope');
    expect(view.action).toBe('Approve to fail back, or reject to stay in northeurope. Nothing happens until someone decides.');
    expect(view.links.map((l) => l.label)).toEqual(['Approve failback', 'Reject', 'Incident status']);
  });

  it('lists several workloads and shortens long lists', () => {
    expect(listWorkloads([])).toBe('no workloads');
    expect(listWorkloads(['a'])).toBe('a');
    expect(listWorkloads(['a', 'b'])).toBe('a and b');
    expect(listWorkloads(['a', 'b', 'c'])).toBe('a, b and c');
    expect(listWorkloads(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
    const event = { ...SAMPLES['failover-done'], workloads: ['media-streaming', 'media-encoding'], workloadDurationsMs: { 'media-streaming': 252_000, 'media-encoding': 61_000 } };
    const view = describeNotification(event);
    expect(view.headline).toBe('Failed over: media-streaming and media-encoding now run in northeurope (took 4m 12s)');
    expect(view.facts).toContainEqual({ label: 'Per workload', value: 'media-streaming 4m 12s, media-encoding 1m 1s' });
  });

  it('handles provider-managed failovers (no secondary) and shows the data-loss window', () => {
    const event: IncidentNotification = {
      ...SAMPLES['failover-done'],
      workloads: ['dynamics-sales'],
      region: 'europe',
      secondaryRegion: null,
      dataLossWindowMs: 15 * 60_000,
      durationMs: 12 * 60_000,
    };
    const view = describeNotification(event);
    expect(view.headline).toBe('Failed over: dynamics-sales (provider-managed), took 12m');
    expect(view.facts).toContainEqual({ label: 'Secondary region', value: 'provider-managed (no customer-side secondary)' });
    expect(view.facts).toContainEqual({ label: 'Possible data loss', value: 'up to 15m of recent writes (provider-managed failover)' });
    const approval = describeNotification({ ...SAMPLES['approval-needed'], workloads: ['dynamics-sales'], region: 'europe', secondaryRegion: null });
    expect(approval.headline).toBe('Approval needed: fail over dynamics-sales (provider-managed)');
  });

  it('says what to do for each type', () => {
    expect(describeNotification(SAMPLES['step-failed']).action).toBe(
      'The completed steps were undone, so media-streaming is back in westeurope. Fix the cause and start the failover again, or follow the runbook by hand.',
    );
    expect(describeNotification({ ...SAMPLES['step-failed'], rolledBack: null }).action).toMatch(/may be part-way through its failover/);
    // What was and was not undone, by step.
    const partly = describeNotification({ ...SAMPLES['step-failed'], rolledBack: false, rolledBackSteps: ['start-live-events'], notRolledBack: ['start-streaming-endpoints'] });
    expect(partly.facts).toContainEqual({ label: 'Undone', value: 'start-live-events' });
    expect(partly.facts).toContainEqual({ label: 'Still in place', value: 'start-streaming-endpoints' });
    expect(partly.facts).toContainEqual({ label: 'Rolled back', value: 'no' });
    expect(describeNotification(SAMPLES['approval-escalated']).action).toBe('Nobody has answered for 30m. Approve or reject now.');
    expect(describeNotification(SAMPLES['incident-opened']).action).toMatch(/^Nothing to do yet/);
  });
});

describe('Teams: Adaptive Card 1.4 in a message envelope', () => {
  it('approval-needed: the card, its text and its buttons', () => {
    const message = renderTeams(SAMPLES['approval-needed']);
    expect(message.type).toBe('message');
    expect(message.summary).toBe(HEADLINES['approval-needed']);
    expect(message.attachments).toHaveLength(1);
    const [attachment] = message.attachments;
    expect(attachment.contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE);
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.contentUrl).toBeNull();
    const card = attachment.content;
    expect(card).toMatchObject({ $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', msteams: { width: 'Full' } });
    expect(card.fallbackText).toBe(`${HEADLINES['approval-needed']}. ${describeNotification(SAMPLES['approval-needed']).action}`);
    // Every element is a RichTextBlock of TextRuns: no Markdown anywhere.
    for (const block of card.body) {
      expect(block.type).toBe('RichTextBlock');
      for (const run of block.inlines) expect(run.type).toBe('TextRun');
    }
    expect(card.body[0]!.inlines[0]).toEqual({ type: 'TextRun', text: HEADLINES['approval-needed'], size: 'Large', weight: 'Bolder', color: 'Warning' });
    expect(teamsLines(message)).toEqual([
      HEADLINES['approval-needed'],
      'Azure Media Services - West Europe - Service degradation',
      'Service Health reports Media Services degraded in westeurope',
      'What to do: Approve to fail over, or reject to stay in westeurope. Nothing happens until someone decides.',
      'Workload: media-streaming',
      'Primary region: westeurope',
      'Secondary region: northeurope',
      'Answer by: 2025-06-01 12:30 UTC, then it is asked again',
      'Approvers: oncall-media@contoso.example',
      'Incident inc-VLL2-JX8 · Tracking ID VLL2-JX8 · 2025-06-01 12:00 UTC',
    ]);
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Approve failover', url: SAMPLES['approval-needed'].approveUrl, style: 'positive' },
      { type: 'Action.OpenUrl', title: 'Reject', url: SAMPLES['approval-needed'].rejectUrl, style: 'destructive' },
      { type: 'Action.OpenUrl', title: 'Incident status', url: SAMPLES['approval-needed'].statusUrl },
    ]);
  });

  it.each(NOTIFICATION_TYPES)('%s: headline first, context last, a status button', (type) => {
    const message = renderTeams(SAMPLES[type]);
    const lines = teamsLines(message);
    expect(lines[0]).toBe(HEADLINES[type]);
    // Readiness drift is found outside any incident: no incident or tracking id, a link to the report.
    const outside = type === 'readiness-drift';
    const context = outside ? '2025-06-01 12:00 UTC' : OUTSIDE.has(type) ? 'Tracking ID VLL2-JX8 · 2025-06-01 12:00 UTC' : 'Incident inc-VLL2-JX8 · Tracking ID VLL2-JX8 · 2025-06-01 12:00 UTC';
    expect(lines.at(-1)).toBe(context);
    expect(lines).toContain(`What to do: ${describeNotification(SAMPLES[type]).action}`);
    const status = NO_STATUS.has(type) ? undefined : { type: 'Action.OpenUrl', title: outside ? 'Readiness report' : 'Incident status', url: SAMPLES[type].statusUrl };
    expect(message.attachments[0].content.actions?.at(-1)).toEqual(status);
    expect(JSON.stringify(message).length).toBeLessThan(28 * 1024);
  });

  it('step-failed: the error in monospace, the step named', () => {
    const message = renderTeams(SAMPLES['step-failed']);
    const runs = message.attachments[0].content.body.flatMap((b) => b.inlines);
    expect(runs).toContainEqual({ type: 'TextRun', text: SAMPLES['step-failed'].error, fontType: 'Monospace' });
    expect(teamsLines(message)).toContain('Failed step: start-streaming-endpoints (media-streaming, failover)');
    expect(teamsLines(message)).toContain('Rolled back: yes');
    expect(runs[0]!.color).toBe('Attention');
  });

  it('done events carry their durations', () => {
    expect(teamsLines(renderTeams(SAMPLES['failover-done']))).toEqual(expect.arrayContaining(['Failover took: 4m 12s', 'Since detection: 10m 12s']));
    expect(teamsLines(renderTeams(SAMPLES['failback-done']))).toEqual(expect.arrayContaining(['Failback took: 3m 5s', 'Ran on the secondary for: 3h 20m']));
  });

  it('shows user text as written, URLs broken: TextRuns are never Markdown', () => {
    const title = 'rg_media_prod **down** [click](https://evil.example) <at>All</at> & friends';
    const message = renderTeams({ ...SAMPLES['incident-opened'], title });
    expect(teamsLines(message)[1]).toBe('rg_media_prod **down** [click](https[:]//evil.example) <at>All</at> & friends');
    // The one thing a TextRun still expands is a {{DATE()}} function: it is broken up.
    const dated = renderTeams({ ...SAMPLES['incident-opened'], title: 'at {{DATE(2025-06-01T12:00:00Z)}}' });
    expect(teamsLines(dated)[1]).toBe('at {\u200b{DATE(2025-06-01T12:00:00Z)}}');
  });

  it('drops buttons whose URL is not http(s) instead of sending a broken card', () => {
    const message = renderTeams({ ...SAMPLES['approval-needed'], approveUrl: 'javascript:alert(1)', rejectUrl: 'not a url', statusUrl: null });
    expect(message.attachments[0].content.actions).toBeUndefined();
  });

  it('clips very long text so the card stays under the 28 KB message limit', () => {
    const message = renderTeams({ ...SAMPLES['step-failed'], error: 'x'.repeat(100_000), title: 't'.repeat(10_000) });
    const lines = teamsLines(message);
    expect(lines[1]).toHaveLength(500);
    expect(lines[1]!.endsWith('…')).toBe(true);
    expect(lines[2]).toHaveLength(2000);
    expect(JSON.stringify(message).length).toBeLessThan(28 * 1024);
  });
});

describe('Slack: incoming-webhook blocks with a text fallback', () => {
  it('approval-needed: header, sections, fields, context, buttons', () => {
    const message = renderSlack(SAMPLES['approval-needed']);
    expect(message.text).toBe(`${HEADLINES['approval-needed']}. Approve to fail over, or reject to stay in westeurope. Nothing happens until someone decides.`);
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context', 'actions']);
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: `:warning: ${HEADLINES['approval-needed']}`, emoji: true } });
    expect(slackSectionTexts(message)).toEqual([
      'Azure Media Services - West Europe - Service degradation\nService Health reports Media Services degraded in westeurope',
      '*What to do:* Approve to fail over, or reject to stay in westeurope. Nothing happens until someone decides.',
    ]);
    expect(slackFields(message)).toEqual([
      '*Workload*\nmedia-streaming',
      '*Primary region*\nwesteurope',
      '*Secondary region*\nnortheurope',
      '*Answer by*\n2025-06-01 12:30 UTC, then it is asked again',
      '*Approvers*\noncall-media@contoso.example',
    ]);
    for (const block of slackBlocks(message, 'section')) {
      if ('fields' in block) for (const f of block.fields) expect(f.type).toBe('mrkdwn');
      else expect(block.text.type).toBe('mrkdwn');
    }
    expect(slackBlocks(message, 'context')).toEqual([
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Incident inc-VLL2-JX8 · Tracking ID VLL2-JX8 · 2025-06-01 12:00 UTC' }] },
    ]);
    expect(slackBlocks(message, 'actions')).toEqual([
      {
        type: 'actions',
        elements: [
          { type: 'button', text: { type: 'plain_text', text: 'Approve failover' }, url: SAMPLES['approval-needed'].approveUrl, action_id: 'approve', style: 'primary' },
          { type: 'button', text: { type: 'plain_text', text: 'Reject' }, url: SAMPLES['approval-needed'].rejectUrl, action_id: 'reject', style: 'danger' },
          { type: 'button', text: { type: 'plain_text', text: 'Incident status' }, url: SAMPLES['approval-needed'].statusUrl, action_id: 'status' },
        ],
      },
    ]);
  });

  it.each(NOTIFICATION_TYPES)('%s: fallback text, header, what to do, status button', (type) => {
    const message = renderSlack(SAMPLES[type]);
    expect(message.text.startsWith(HEADLINES[type])).toBe(true);
    const [header] = slackBlocks(message, 'header');
    expect(header!.text.type).toBe('plain_text');
    expect(header!.text.text.endsWith(HEADLINES[type])).toBe(true);
    expect(header!.text.text.length).toBeLessThanOrEqual(150);
    expect(slackSectionTexts(message).some((t) => t.startsWith('*What to do:* '))).toBe(true);
    const [actions] = slackBlocks(message, 'actions');
    if (NO_STATUS.has(type)) expect(actions).toBeUndefined();
    else expect(actions!.elements.at(-1)).toMatchObject({ action_id: 'status', url: SAMPLES[type].statusUrl });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  });

  it('step-failed: the error in a code block; emoji says how bad', () => {
    const message = renderSlack(SAMPLES['step-failed']);
    expect(slackSectionTexts(message)[0]).toBe(`Azure Media Services - West Europe - Service degradation\n\`\`\`${SAMPLES['step-failed'].error}\`\`\``);
    expect(slackBlocks(message, 'header')[0]!.text.text.startsWith(':rotating_light: ')).toBe(true);
    expect(slackBlocks(renderSlack(SAMPLES['failover-done']), 'header')[0]!.text.text.startsWith(':white_check_mark: ')).toBe(true);
  });

  it('escapes &, < and > in every mrkdwn text and in the fallback, so nothing becomes a link or a mention', () => {
    const hostile = 'Fix <!channel> & see <https://evil.example|the docs> > now';
    expect(escapeSlack(hostile)).toBe('Fix &lt;!channel&gt; &amp; see &lt;https://evil.example|the docs&gt; &gt; now');
    const escaped = 'Fix &lt;!channel&gt; &amp; see &lt;https[:]//evil.example|the docs&gt; &gt; now';
    const message = renderSlack({ ...SAMPLES['incident-cancelled'], title: hostile, reason: hostile, by: '<@U123> & co', incidentId: 'a<b>' });
    expect(slackSectionTexts(message)[0]).toBe(`${escaped}\n${escaped}`);
    expect(slackFields(message)).toContain('*Cancelled by*\n&lt;\uff20U123&gt; &amp; co');
    expect(slackBlocks(message, 'context')[0]!.elements[0]!.text.startsWith('Incident a&lt;b&gt; · ')).toBe(true);
    const all = JSON.stringify(message.blocks.filter((b) => b.type !== 'header' && b.type !== 'actions')) + message.text;
    expect(all).not.toMatch(/<!channel>|<@U123>|<https:/);
    const failed = renderSlack({ ...SAMPLES['step-failed'], error: 'bad ``` <x> & y' });
    expect(slackSectionTexts(failed)[0]).toContain('```bad `\u200b`` &lt;x&gt; &amp; y```');
  });

  it('clips long text without leaving half an entity', () => {
    const message = renderSlack({ ...SAMPLES['incident-opened'], reason: '&'.repeat(5000) });
    const [, reason] = slackSectionTexts(message)[0]!.split('\n');
    expect(reason!.length).toBeLessThanOrEqual(1000);
    expect(reason).toMatch(/^(&amp;)+…$/);
  });
});

describe('untrusted text cannot format, link or mention', () => {
  // Alert titles and descriptions come from outside: anyone holding the webhook key, or just odd text.
  const hostile =
    'Outage <https://evil.example|click> [approve](https://evil.example) *bold* _it_ ~strike~ `code` <!channel> @here mail ops@contoso.example rg_media_prod www.evil.example';
  const event: IncidentNotification = { ...SAMPLES['approval-needed'], title: hostile, reason: '<!here> @channel: see http://evil.example/x?a=1&b=2' };
  const appLinks = [SAMPLES['approval-needed'].approveUrl, SAMPLES['approval-needed'].rejectUrl, SAMPLES['approval-needed'].statusUrl];

  it('Slack: &<> escaped, formatting characters and word-initial @ as look-alikes, URLs broken', () => {
    const message = renderSlack(event);
    expect(slackSectionTexts(message)[0]).toBe(
      'Outage &lt;https[:]//evil.example|click&gt; [approve](https[:]//evil.example) \u2217bold\u2217 \u02cdit\u02cd \u223cstrike\u223c \u02cbcode\u02cb ' +
        '&lt;!channel&gt; \uff20here mail ops@contoso.example rg_media_prod www[.]evil.example\n' +
        '&lt;!here&gt; \uff20channel: see http[:]//evil.example/x?a=1&amp;b=2',
    );
    // Only the app's own links can be clicked: the buttons.
    expect(JSON.stringify(message).match(/(https?|www)[:.]\/?\/?[^"\s|)]*/g)).toEqual(appLinks);
    expect(slackBlocks(message, 'actions')[0]!.elements.map((b) => b.url)).toEqual(appLinks);
  });

  it('Slack: names in the headline and facts, the header and the fallback are neutralized too', () => {
    const failed = renderSlack({ ...SAMPLES['step-failed'], step: '@here *now* https://evil.example', workload: 'media_streaming_', error: 'GET https://evil.example/x: *500* <b> ```' });
    expect(slackBlocks(failed, 'header')[0]!.text.text).toBe(':rotating_light: Failover step failed: \uff20here *now* https[:]//evil.example for media_streaming_');
    expect(failed.text.startsWith('Failover step failed: \uff20here \u2217now\u2217 https[:]//evil.example for media_streaming\u02cd. ')).toBe(true);
    expect(slackFields(failed)[0]).toBe('*Failed step*\n\uff20here \u2217now\u2217 https[:]//evil.example (media_streaming\u02cd, failover)');
    // Error text in a code block keeps its characters (code is not formatted), URLs still broken.
    expect(slackSectionTexts(failed)[0]).toBe('Azure Media Services - West Europe - Service degradation\n```GET https[:]//evil.example/x: *500* &lt;b&gt; `\u200b`````');
  });

  it('Teams: text runs show it as written, URLs broken, buttons only for the app\'s links', () => {
    const message = renderTeams(event);
    expect(teamsLines(message).slice(1, 3)).toEqual([
      'Outage <https[:]//evil.example|click> [approve](https[:]//evil.example) *bold* _it_ ~strike~ `code` <!channel> @here mail ops@contoso.example rg_media_prod www[.]evil.example',
      '<!here> @channel: see http[:]//evil.example/x?a=1&b=2',
    ]);
    expect(JSON.stringify(message).match(/https?:\/\/[^"\s]*/g)!.filter((u) => !u.startsWith('http://adaptivecards.io/'))).toEqual(appLinks);
    const failed = renderTeams({ ...SAMPLES['step-failed'], step: 'https://evil.example' });
    expect(failed.summary).toBe('Failover step failed: https[:]//evil.example for media-streaming');
    expect(failed.attachments[0].content.fallbackText.startsWith('Failover step failed: https[:]//evil.example for media-streaming. ')).toBe(true);
  });

  it('leaves the app\'s own wording unchanged', () => {
    for (const type of NOTIFICATION_TYPES) {
      const view = describeNotification(SAMPLES[type]);
      expect(slackSectionTexts(renderSlack(SAMPLES[type])).find((t) => t.startsWith('*What to do:* '))).toBe(`*What to do:* ${escapeSlack(view.action)}`);
    }
  });
});

describe('delivery-failed', () => {
  it('names the channel, what it missed and the last error, for the other channels', () => {
    const message = renderTeams(SAMPLES['delivery-failed']);
    expect(teamsLines(message)).toEqual([
      'Not delivered: 2 notifications about media-streaming did not reach its teams channel',
      'Azure Media Services - West Europe - Service degradation',
      '1. Incident opened: media-streaming may be affected in westeurope\n2. Failing over media-streaming to northeurope: 1 step',
      'network error: ENOTFOUND (getaddrinfo ENOTFOUND contoso.webhook.office.com) (gave up after 10 attempts)',
      'What to do: Whoever watches only that channel has not heard about this incident: tell them, and check the channel (a deleted webhook, a revoked key, throttling). ' +
        'These are no longer retried; the incident status lists every notification the channel missed.',
      'Channel: teams https[:]//contoso.webhook.office.com/webhookb2/…',
      'Workload: media-streaming',
      'Primary region: westeurope',
      'Secondary region: northeurope',
      'Attempts: 10',
      'Incident inc-VLL2-JX8 · Tracking ID VLL2-JX8 · 2025-06-01 12:00 UTC',
    ]);
    expect(slackFields(renderSlack(SAMPLES['delivery-failed']))[0]).toBe('*Channel*\nteams https[:]//contoso.webhook.office.com/webhookb2/…');
  });
});

describe('intake-failed', () => {
  it('says the alert was not handled, where it is archived, the error, and how to act by hand; no incident, no status button', () => {
    const message = renderTeams(SAMPLES['intake-failed']);
    expect(teamsLines(message)).toEqual([
      'Alert not handled: the orchestrator failed on an alert about media-streaming',
      'Azure Media Services - West Europe - Service degradation',
      "TypeError: Cannot read properties of undefined (reading 'workloads')",
      'What to do: Nothing was started or updated for this alert, and Azure Monitor will not send it again. Check the app\'s logs for the error. ' +
        'If the workload needs to fail over, start it by hand: failover trigger --workloads media-streaming --reason "…". Once the fault is fixed, the archived alert can be posted to the webhook again.',
      'Archived as: alerts/2025/06/01/120000.000-0123456789abcdef.json',
      'Alert about: VLL2-JX8',
      'Region: westeurope',
      'Workload: media-streaming',
      'Tracking ID VLL2-JX8 · 2025-06-01 12:00 UTC',
    ]);
    expect(message.attachments[0].content.actions).toBeUndefined();
  });

  it('tells every workload when the intake could not tell which the alert concerns, and says so', () => {
    const view = describeNotification({ ...SAMPLES['intake-failed'], audience: 'catalog', workloads: ['media-streaming', 'datashare-sales'] });
    expect(view.headline).toBe('Alert not handled: the orchestrator failed on an alert before it could tell which workloads it concerns');
    expect(view.facts.at(-1)).toEqual({ label: 'Told (every workload)', value: 'media-streaming, datashare-sales' });
    expect(view.action).toContain('failover trigger --workloads <id>');
  });
});

describe('generic webhook: the notification itself', () => {
  it.each(NOTIFICATION_TYPES)('%s', (type) => {
    const body = renderWebhook(SAMPLES[type]);
    expect(body).toEqual({ schema: 'failover-notification/v1', summary: HEADLINES[type], ...SAMPLES[type] });
    expect(Object.keys(body)[0]).toBe('schema');
    expect(NOTIFICATION_SCHEMA).toBe('failover-notification/v1');
  });

  it('keeps its schema even when the input carries another', () => {
    const event = { ...SAMPLES['incident-opened'], schema: 'evil/v9' } as IncidentNotification;
    expect(renderWebhook(event).schema).toBe('failover-notification/v1');
  });
});

describe('formatting', () => {
  it('durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(42_900)).toBe('42s');
    expect(formatDuration(60_000)).toBe('1m');
    expect(formatDuration(252_000)).toBe('4m 12s');
    expect(formatDuration(3_780_000)).toBe('1h 3m');
    expect(formatDuration(2 * 86_400_000 + 5 * 3_600_000)).toBe('2d 5h');
    expect(formatDuration(-1)).toBe('unknown');
    expect(formatDuration(Number.NaN)).toBe('unknown');
  });

  it('times', () => {
    expect(formatTime('2025-06-01T12:34:56.789Z')).toBe('2025-06-01 12:34 UTC');
    expect(formatTime('2025-06-01T14:34:56+02:00')).toBe('2025-06-01 12:34 UTC');
    expect(formatTime('soon')).toBe('soon');
  });
});
