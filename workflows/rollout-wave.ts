/**
 * One wave of phones: Apply Config in batches (AXL), verify each phone's config over TFTP carries the expected
 * hash, confirm re-registration after the apply time (RisPort). A wave is a child workflow so the parent never holds
 * the phone list and every history stays small, whatever the fleet size.
 */
import type { Duration } from '@temporalio/common';
import { continueAsNew, sleep, workflowInfo } from '@temporalio/workflow';
import { axlActivities, risportActivities, tftpActivities } from './proxies';
import type { PhoneFailure } from './rollover-types';

export interface WaveInput {
  cluster: string;
  commonPhoneProfiles: string[];
  /** A page of the scope ordered by device name, or an explicit small list (≤ 500 names). */
  page?: { offset: number; limit: number };
  names?: string[];
  expectedHash: string;
  batchSize: number;
  applyAction: 'apply' | 'reset' | 'restart';
  configVerifyTimeout: string;
  registrationTimeout: string;
  registrationPollInterval: string;
  /** Label for summaries ("wave 3/8"). */
  label: string;
  /** Set by continue-as-new while waiting for registrations: apply and verify are done. */
  resume?: {
    inScope: number;
    applied: string[];
    verified: number;
    appliedAtSeconds: number;
    failures: [string, string][];
  };
}

export interface WaveResult {
  inScope: number;
  applied: number;
  verified: number;
  registered: number;
  failed: number;
  /** Capped: a wave reports at most MAX_REPORTED_FAILURES phones by name. */
  failures: PhoneFailure[];
}

export const MAX_REPORTED_FAILURES = 50;
const RISPORT_MAX_NAMES = 1000;
/** RisPort TimeStamps are whole seconds from CUCM's clock; allow a little skew against workflow time. */
const CLOCK_SKEW_SECONDS = 5;

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Milliseconds of a duration string as the options carry them ("90 seconds", "15 minutes", "2 h"). */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/.exec(text.trim());
  if (!m) throw new Error(`bad duration ${text}`);
  const unit = m[2];
  const factor =
    unit.startsWith('ms') || unit.startsWith('milli')
      ? 1
      : unit.startsWith('s')
        ? 1000
        : unit.startsWith('m')
          ? 60_000
          : unit.startsWith('h')
            ? 3_600_000
            : 86_400_000;
  return Number(m[1]) * factor;
}

async function applyInBatches(input: WaveInput, names: string[], failures: Map<string, string>): Promise<string[]> {
  const axl = axlActivities(input.cluster);
  const applied: string[] = [];
  const batches = chunk(names, input.batchSize);
  for (const [i, batch] of batches.entries()) {
    const r = await axl.applyConfig.executeWithOptions(
      {
        summary: `${input.applyAction} config: ${input.label}, batch ${i + 1}/${batches.length} (${batch.length} phones)`,
      },
      [{ cluster: input.cluster, names: batch, action: input.applyAction }],
    );
    applied.push(...r.applied);
    for (const f of r.failed) failures.set(f.name, `apply failed: ${f.reason}`);
  }
  return applied;
}

async function verifyConfigs(input: WaveInput, applied: string[], failures: Map<string, string>): Promise<number> {
  if (applied.length === 0) return 0;
  const tftp = tftpActivities(input.cluster);
  const deadline = new Date(Date.now() + durationMs(input.configVerifyTimeout)).toISOString();
  const r = await tftp.verifyPhoneConfigs.executeWithOptions(
    { summary: `verify ${applied.length} phone configs over TFTP carry ${input.expectedHash} (${input.label})` },
    [{ cluster: input.cluster, names: applied, expectedHash: input.expectedHash, deadline }],
  );
  for (const p of r.results) {
    // An encrypted config cannot be read over TFTP; registration is the evidence for those phones.
    if (p.state !== 'verified' && p.state !== 'encrypted') {
      failures.set(p.name, `config ${p.state}${p.detail ? `: ${p.detail}` : ''}`);
    }
  }
  return r.counts.verified;
}

async function confirmRegistration(
  input: WaveInput,
  applied: string[],
  appliedAtSeconds: number,
  failures: Map<string, string>,
): Promise<number> {
  const risport = risportActivities(input.cluster);
  const pending = new Set(applied);
  const lastSeen = new Map<string, string>();
  const deadline = Date.now() + durationMs(input.registrationTimeout);
  for (;;) {
    for (const names of chunk([...pending], RISPORT_MAX_NAMES)) {
      const statuses = await risport.registrationStatus.executeWithOptions(
        { summary: `RisPort: re-registration of ${names.length} phones (${input.label})` },
        [{ cluster: input.cluster, names }],
      );
      for (const s of statuses) {
        if (s.status === 'Registered' && s.timeStamp >= appliedAtSeconds - CLOCK_SKEW_SECONDS) pending.delete(s.name);
        else lastSeen.set(s.name, `${s.status} (StatusReason ${s.statusReason})`);
      }
    }
    if (pending.size === 0 || Date.now() >= deadline) break;
    await sleep(input.registrationPollInterval as Duration);
    if (workflowInfo().continueAsNewSuggested) {
      // Keep history small on long waits: carry what is done, keep polling in a fresh run.
      await continueAsNew<typeof rolloutWaveWorkflow>({
        ...input,
        resume: {
          inScope: input.resume?.inScope ?? applied.length,
          applied: [...pending],
          verified: input.resume?.verified ?? 0,
          appliedAtSeconds,
          failures: [...failures.entries()],
        },
      });
    }
  }
  for (const name of pending) {
    failures.set(
      name,
      `did not re-register within ${input.registrationTimeout}; last seen ${lastSeen.get(name) ?? 'not in RisPort'}`,
    );
  }
  return applied.length - pending.size;
}

/** Apply, verify and confirm one wave; returns counts and a capped list of failures with reasons. */
export async function rolloutWaveWorkflow(input: WaveInput): Promise<WaveResult> {
  if (input.resume) return resumeRegistration(input, input.resume);
  const axl = axlActivities(input.cluster);
  const names =
    input.names ??
    (await axl.listScopePhonesPage.executeWithOptions({ summary: `list phones of ${input.label}` }, [
      {
        cluster: input.cluster,
        commonPhoneProfiles: input.commonPhoneProfiles,
        offset: input.page!.offset,
        limit: input.page!.limit,
      },
    ]));
  const failures = new Map<string, string>();
  const appliedAtSeconds = Math.floor(Date.now() / 1000);
  const applied = await applyInBatches(input, names, failures);
  const verified = await verifyConfigs(input, applied, failures);
  const registered = await confirmRegistration(
    { ...input, resume: { inScope: names.length, applied, verified, appliedAtSeconds, failures: [] } },
    applied,
    appliedAtSeconds,
    failures,
  );
  return waveResult(names.length, applied.length, verified, registered, failures);
}

async function resumeRegistration(input: WaveInput, r: NonNullable<WaveInput['resume']>): Promise<WaveResult> {
  const failures = new Map(r.failures);
  const newlyRegistered = await confirmRegistration(input, r.applied, r.appliedAtSeconds, failures);
  const appliedTotal = r.inScope - [...failures.values()].filter((f) => f.startsWith('apply failed')).length;
  // Phones not in r.applied had registered before the continue-as-new.
  const registered = appliedTotal - r.applied.length + newlyRegistered;
  return waveResult(r.inScope, appliedTotal, r.verified, registered, failures);
}

function waveResult(
  inScope: number,
  applied: number,
  verified: number,
  registered: number,
  failures: Map<string, string>,
): WaveResult {
  const list = [...failures.entries()].map(([name, reason]) => ({ name, reason }));
  return {
    inScope,
    applied,
    verified,
    registered,
    failed: failures.size,
    failures: list.slice(0, MAX_REPORTED_FAILURES),
  };
}

/** The child's workflow ID: the parent's ID plus the wave, so a retry finds (and reuses) its own child. */
export function waveWorkflowId(parentId: string, purpose: string, index: number): string {
  return `${parentId}/${purpose}-wave-${index + 1}`;
}

export function parentId(): string {
  return workflowInfo().workflowId;
}
