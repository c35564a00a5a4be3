/** What a webhook receives: the text of each event, and the body for each inventory `format`. */
import { buildPayload, NotificationEvent, webhookBody } from '../../../activities/notify';

const UI = 'http://temporal.example:8233/';
const NOW = new Date('2026-06-01T10:00:00.000Z');
const SWITCHED: NotificationEvent = {
  kind: 'switched',
  message: 'asa1 now presents the new certificate (trustpoint VPN-2026); 5/5 phones registered',
  workflowId: 'rollover/asa1/GW-1',
  namespace: 'certroll',
  asa: 'asa1',
  gateway: 'GW-1',
  newCertSha1Hex: '3F:A1:00:9C:2B:44:D0:7E:11:22:33:44:55:66:77:88:99:AA:BB:CC',
  newCertSha1Base64: 'P6EAnCtE0H4RIjNEVWZ3iJmqu8w=',
  notAfter: '2027-06-01T00:00:00.000Z',
};
const GATE: NotificationEvent = {
  kind: 'gate-waiting',
  message: 'Rollover asa1 → GW-1 waits at gate "plan": approve the plan?',
  workflowId: 'rollover/asa1/GW-1',
  namespace: 'certroll',
  asa: 'asa1',
  gateway: 'GW-1',
  gate: 'plan',
  example: '{"gate":"plan","decision":"approve","by":"your-name"}',
};
const LINK = 'http://temporal.example:8233/namespaces/certroll/workflows/rollover%2Fasa1%2FGW-1';
const APPROVE = `certroll decide 'rollover/asa1/GW-1' --json '{"gate":"plan","decision":"approve","by":"your-name"}'`;

describe('buildPayload', () => {
  it('switched: the text carries the new SHA-1 in colon-hex and in base64 (certHash) form', () => {
    const p = buildPayload(SWITCHED, UI, NOW);
    expect(p.text).toContain(SWITCHED.newCertSha1Hex);
    expect(p.text).toContain(SWITCHED.newCertSha1Base64);
    expect(p.text.split('\n')[0]).toBe(`[certroll] ${SWITCHED.message}`);
    expect(p).toMatchObject({ kind: 'switched', at: '2026-06-01T10:00:00.000Z', uiUrl: LINK });
    expect(p.approveCommand).toBeUndefined();
  });

  it('gate-waiting: the text carries the UI link and the approve command', () => {
    const p = buildPayload(GATE, UI, NOW);
    expect(p.uiUrl).toBe(LINK);
    expect(p.approveCommand).toBe(APPROVE);
    expect(p.text).toContain(`Web UI: ${LINK}`);
    expect(p.text).toContain(`Approve: ${APPROVE}`);
  });
});

describe('webhookBody per format', () => {
  const payload = buildPayload(GATE, UI, NOW);

  it('json: the whole event with its text', () => {
    expect(webhookBody(payload, 'json')).toEqual(payload);
  });

  it('slack: only {text}, with the characters Slack treats as markup escaped', () => {
    const body = webhookBody(buildPayload({ ...GATE, message: 'a <b> & c' }, UI, NOW), 'slack');
    expect(Object.keys(body as object)).toEqual(['text']);
    const text = (body as { text: string }).text;
    expect(text.split('\n')[0]).toBe('[certroll] a &lt;b&gt; &amp; c');
    expect(text).toContain(`Approve: ${APPROVE}`);
  });

  it('teams: a message with one Adaptive Card whose text blocks are the lines of the text', () => {
    const body = webhookBody(payload, 'teams') as {
      type: string;
      attachments: Array<{
        contentType: string;
        content: { type: string; body: Array<{ type: string; text: string }> };
      }>;
    };
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0].content.type).toBe('AdaptiveCard');
    expect(body.attachments[0].content.body.map((b) => b.text)).toEqual(payload.text.split('\n'));
    expect(body.attachments[0].content.body.map((b) => b.text)).toContain(`Approve: ${APPROVE}`);
  });
});
