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
import { trustedHash } from './trusted-hash';

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

/**
 * Renewal lead time: the configured days, else max(30 days, a third of the lifetime). Pure (unit-tested); also the
 * horizon for Phone-VPN-trust entries. Without a usable notBefore the lifetime is unknown and 30 days applies.
 */
export function renewBeforeMs(notBefore: string | undefined, notAfter: string, configuredDays?: number): number {
  if (configuredDays !== undefined) return configuredDays * DAY;
  const lifetime = notBefore ? Date.parse(notAfter) - Date.parse(notBefore) : 0;
  return Math.max(30 * DAY, Number.isFinite(lifetime) ? lifetime / 3 : 0);
}

/** True when a certificate valid until notAfter is inside its renewal window at `now` (epoch ms). */
export function renewalDue(
  notBefore: string | undefined,
  notAfter: string,
  now: number,
  configuredDays?: number,
): boolean {
  return Date.parse(notAfter) - now < renewBeforeMs(notBefore, notAfter, configuredDays);
}

async function watchTarget(
  t: WatchTarget,
  input: ExpiryWatchInput,
  notifier: Notifier,
  /** Phone-VPN-trust entries already reported in this run (`cluster/sha1`): gateways of one cluster share a store. */
  trustReported: Set<string>,
): Promise<WatchFinding> {
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
    finding.renewDue = renewalDue(notBefore, notAfter, now, input.renewBeforeDays);
  }
  // Drift: the gateway lists neither the presented leaf nor (root-CA trust mode) the CA that issued it.
  const trusted = trustedHash(cucm, probe.presented);
  const listed = new Set(cucm.gateway.certificates.map((c) => c.sha1Base64));
  finding.drift = !listed.has(trusted);
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
  for (const e of cucm.trust) {
    if (!e.notAfter) continue;
    const entry = e.certificateName ?? e.commonName ?? e.subjectName;
    recordCertificateExpiry({ asa: t.asa, gateway: t.gateway, certificate: `trust:${entry}` }, e.notAfter);
    if (!renewalDue(e.notBefore, e.notAfter, now, input.renewBeforeDays)) continue;
    finding.trustExpiringSoon.push(`${e.subjectName} (${e.notAfter})`);
    // The presented leaf's own entry is the renewal above; an entry shared by several gateways is reported once.
    const key = `${t.cluster}/${e.sha1Base64}`;
    if (e.sha1Base64 === probe.presented.sha1Base64 || trustReported.has(key)) continue;
    trustReported.add(key);
    const days = Math.floor((Date.parse(e.notAfter) - now) / DAY);
    notifier.send({
      kind: 'expiring-soon',
      asa: t.asa,
      gateway: t.gateway,
      certificate: entry,
      notAfter: e.notAfter,
      message: `Phone-VPN-trust certificate ${entry} (${e.subjectName}) on CUCM ${t.cluster} expires ${e.notAfter} (${days} days)${e.sha1Base64 === trusted ? `: phones of ${t.gateway} trust ${t.asa} through it` : ''}`,
    });
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
  const trustReported = new Set<string>();
  for (const t of targets) {
    try {
      findings.push(await watchTarget(t, input, notifier, trustReported));
    } catch (err) {
      if (isCancellation(err)) throw err;
      // One unreachable headend must not hide the others.
      findings.push({ ...t, renewDue: false, drift: false, trustExpiringSoon: [], error: describeFailure(err) });
    }
  }
  await notifier.flush();
  return { checkedAt: new Date().toISOString(), findings };
}
