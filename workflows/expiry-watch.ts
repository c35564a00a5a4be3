/**
 * The expiry watch, run by a Temporal Schedule (daily by default): for every VPN gateway in the inventory, what the
 * ASA presents, when it expires, whether CUCM lists it (drift), and — when renewal is due — a rollover that waits at
 * its plan gate for a person. Read-only on the devices.
 */
import { isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { InventoryActivities, WatchTarget } from '../activities/inventory';
import type { RolloverStartActivities } from '../activities/rollover-start';
import { recordCertificateExpiry } from './metrics';
import { Notifier } from './notifier';
import { asaActivities, axlActivities } from './proxies';
import type { RolloverInput } from './rollover-types';
import { describeFailure } from './failures';

export interface ExpiryWatchInput {
  /** Renew this many days before notAfter; default max(30 days, a third of the certificate's lifetime). */
  renewBeforeDays?: number;
  /** Options for the rollovers the watch starts (their gates stay manual unless set here). */
  rolloverOptions?: RolloverInput['options'];
  /** Task queue of the rollover workflows (default: the watch's own). */
  rolloverTaskQueue?: string;
}

export interface WatchFinding {
  asa: string;
  cluster: string;
  gateway: string;
  presentedSha1Base64?: string;
  presentedSubject?: string;
  notAfter?: string;
  daysLeft?: number;
  renewDue: boolean;
  drift: boolean;
  trustExpiringSoon: string[];
  rollover?: { workflowId: string; started: boolean };
  error?: string;
}

export interface ExpiryWatchResult {
  checkedAt: string;
  findings: WatchFinding[];
}

const DAY = 86_400_000;

/** Renewal lead time: the configured days, else max(30 days, a third of the lifetime). */
export function renewBeforeMs(notBefore: string | undefined, notAfter: string, configuredDays?: number): number {
  if (configuredDays !== undefined) return configuredDays * DAY;
  const lifetime = notBefore ? Date.parse(notAfter) - Date.parse(notBefore) : 0;
  return Math.max(30 * DAY, lifetime / 3);
}

async function watchTarget(t: WatchTarget, input: ExpiryWatchInput, notifier: Notifier): Promise<WatchFinding> {
  const asa = asaActivities(t.asa);
  const axl = axlActivities(t.cluster);
  const finding: WatchFinding = { ...t, renewDue: false, drift: false, trustExpiringSoon: [] };
  const probe = await asa.probeTls.executeWithOptions({ summary: `what ${t.asa} presents to phones` }, [
    { asa: t.asa, as: 'phone' },
  ]);
  const asaState = await asa.readAsaState.executeWithOptions({ summary: `read ${t.asa} trustpoints (read-only)` }, [
    { asa: t.asa },
  ]);
  const cucm = await axl.readCucmState.executeWithOptions(
    { summary: `read VPN gateway ${t.gateway} and Phone-VPN-trust` },
    [{ cluster: t.cluster, gateway: t.gateway }],
  );
  const bound = asaState.trustpoints.find((tp) => tp.name === asaState.boundTrustpoint)?.certificate;
  const notAfter = bound?.notAfter ?? probe.presented.notAfter;
  const notBefore = bound?.notBefore ?? probe.presented.notBefore;
  finding.presentedSha1Base64 = probe.presented.sha1Base64;
  finding.presentedSubject = probe.presented.subjectRfc2253;
  finding.notAfter = notAfter;
  const now = Date.now();
  if (notAfter) {
    recordCertificateExpiry({ asa: t.asa, gateway: t.gateway, certificate: 'presented' }, notAfter);
    finding.daysLeft = Math.floor((Date.parse(notAfter) - now) / DAY);
    finding.renewDue = Date.parse(notAfter) - now < renewBeforeMs(notBefore, notAfter, input.renewBeforeDays);
  }
  const listed = new Set(cucm.gateway.certificates.map((c) => c.sha1Base64));
  finding.drift = !listed.has(probe.presented.sha1Base64);
  const horizon = now + (input.renewBeforeDays ?? 30) * DAY;
  finding.trustExpiringSoon = cucm.trust
    .filter((e) => e.notAfter && Date.parse(e.notAfter) < horizon)
    .map((e) => `${e.subjectName} (${e.notAfter})`);
  if (finding.drift) {
    notifier.send({
      kind: 'drift',
      asa: t.asa,
      gateway: t.gateway,
      message: `${t.asa} presents certificate ${probe.presented.sha1Base64}, which VPN gateway ${t.gateway} does not list: VPN phones cannot connect (renewed out of band?)`,
    });
  }
  if (finding.renewDue) {
    const starter = proxyActivities<RolloverStartActivities>({
      taskQueue: workflowInfo().taskQueue,
      startToCloseTimeout: '1 minute',
    });
    const reason = `the certificate on ${t.asa} expires ${notAfter} (${finding.daysLeft} days)`;
    finding.rollover = await starter.startRollover.executeWithOptions(
      { summary: `start rollover ${t.asa} → ${t.gateway}` },
      [
        {
          input: { asa: t.asa, cluster: t.cluster, gateway: t.gateway, options: input.rolloverOptions },
          taskQueue: input.rolloverTaskQueue ?? workflowInfo().taskQueue,
          reason,
        },
      ],
    );
    if (finding.rollover.started) {
      notifier.send({
        kind: 'expiring-soon',
        asa: t.asa,
        gateway: t.gateway,
        workflowId: finding.rollover.workflowId,
        notAfter,
        message: `${reason}: rollover ${finding.rollover.workflowId} started and waits at its plan gate`,
      });
    }
  }
  return finding;
}

export async function expiryWatchWorkflow(input: ExpiryWatchInput = {}): Promise<ExpiryWatchResult> {
  const inventory = proxyActivities<InventoryActivities>({
    taskQueue: workflowInfo().taskQueue,
    startToCloseTimeout: '30 seconds',
  });
  const notifier = new Notifier();
  const targets = await inventory.listWatchTargets();
  const findings: WatchFinding[] = [];
  for (const t of targets) {
    try {
      findings.push(await watchTarget(t, input, notifier));
    } catch (err) {
      if (isCancellation(err)) throw err;
      // One unreachable headend must not hide the others.
      findings.push({ ...t, renewDue: false, drift: false, trustExpiringSoon: [], error: describeFailure(err) });
    }
  }
  await notifier.flush();
  return { checkedAt: new Date().toISOString(), findings };
}
