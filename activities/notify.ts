/**
 * Notifications: one JSON POST per configured webhook, in the webhook's `format`: `json` (the structured event with
 * a `text` field), `slack` (`{text}`) or `teams` (a message with one Adaptive Card of text blocks). Delivery is resumable (heartbeat records which webhooks got it), so a retry never sends twice.
 * The workflow treats a final failure as a log line: a broken webhook never fails a rollover.
 */
import { activityInfo, heartbeat, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import axios from 'axios';
import type { ActivityDeps } from './deps';

export type NotificationKind =
  | 'rollover-started'
  | 'gate-waiting'
  | 'phase-failed'
  | 'rolled-back'
  | 'switched'
  | 'completed'
  | 'expiring-soon'
  | 'drift';

export interface NotificationEvent {
  kind: NotificationKind;
  message: string;
  workflowId?: string;
  namespace?: string;
  asa?: string;
  gateway?: string;
  gate?: string;
  /** The exact decide payload to approve the open gate. */
  example?: string;
  phase?: string;
  newCertSha1Hex?: string;
  newCertSha1Base64?: string;
  notAfter?: string;
  /** Which certificate an expiring-soon event is about: absent for the presented one, else the Phone-VPN-trust entry. */
  certificate?: string;
}

export interface NotificationPayload extends NotificationEvent {
  text: string;
  uiUrl?: string;
  approveCommand?: string;
  at: string;
}

export function uiUrl(base: string, namespace: string, workflowId: string): string {
  return `${base.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** What reaches the webhook: the event, a one-paragraph text for chat tools, the UI link and the CLI command. */
export function buildPayload(event: NotificationEvent, uiBase: string, now = new Date()): NotificationPayload {
  const link = event.workflowId && event.namespace ? uiUrl(uiBase, event.namespace, event.workflowId) : undefined;
  const approveCommand =
    event.example && event.workflowId ? `certroll decide '${event.workflowId}' --json '${event.example}'` : undefined;
  const parts = [`[certroll] ${event.message}`];
  if (event.newCertSha1Hex)
    parts.push(`New certificate SHA-1 ${event.newCertSha1Hex} (certHash ${event.newCertSha1Base64}).`);
  if (link) parts.push(`Web UI: ${link}`);
  if (approveCommand) parts.push(`Approve: ${approveCommand}`);
  return { ...event, text: parts.join('\n'), uiUrl: link, approveCommand, at: now.toISOString() };
}

export type WebhookFormat = 'json' | 'slack' | 'teams';

/** Slack mrkdwn treats these three as control characters. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The body POSTed to a webhook of the given format. */
export function webhookBody(payload: NotificationPayload, format: WebhookFormat): unknown {
  if (format === 'slack') return { text: slackEscape(payload.text) };
  if (format === 'teams') {
    // Teams webhooks (Workflows, and the older Incoming Webhook connector) accept an Adaptive Card attachment.
    return {
      type: 'message',
      summary: payload.text.split('\n')[0],
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.2',
            body: payload.text.split('\n').map((line) => ({ type: 'TextBlock', text: line, wrap: true })),
          },
        },
      ],
    };
  }
  return payload;
}

export function createNotifyActivities(deps: ActivityDeps, opts: { uiBase?: string; timeoutMs?: number } = {}) {
  const uiBase =
    opts.uiBase ?? deps.inventory.temporal?.uiUrl ?? process.env.CERTROLL_UI_URL ?? 'http://127.0.0.1:8233';
  return {
    /** Deliver to every webhook; throws (retryably) while some have not received it. */
    async notify(event: NotificationEvent): Promise<{ delivered: number }> {
      const hooks = deps.inventory.notifications?.webhooks ?? [];
      const done = new Set<number>((activityInfo().heartbeatDetails as number[] | undefined) ?? []);
      const payload = buildPayload(event, uiBase);
      const failures: string[] = [];
      for (const [i, hook] of hooks.entries()) {
        if (done.has(i)) continue;
        const url =
          hook.url.startsWith('env:') || hook.url.startsWith('file:') ? deps.resolveSecret(hook.url) : hook.url;
        try {
          await axios.post(url, webhookBody(payload, hook.format ?? 'json'), {
            timeout: opts.timeoutMs ?? 10_000,
            headers: { 'content-type': 'application/json' },
          });
          done.add(i);
          heartbeat([...done]);
        } catch (err) {
          // The URL may hold a token: name the webhook by its position only.
          failures.push(
            `webhook #${i + 1}: ${axios.isAxiosError(err) ? (err.response?.status ?? err.code) : (err as Error).message}`,
          );
        }
      }
      if (failures.length > 0) {
        log.warn('notification not delivered', { kind: event.kind, failures });
        throw ApplicationFailure.retryable(
          `notification ${event.kind} not delivered: ${failures.join('; ')}`,
          'NotificationFailed',
        );
      }
      return { delivered: done.size };
    },
  };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
