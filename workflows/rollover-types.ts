/**
 * Types of the rollover workflow's input, state and status. Pure types: shared by the workflow, the CLI and tests.
 * The input holds inventory names and options only — never a credential.
 */
import type { GateRecord } from './messages';
import type { OpenGate } from './gates';

export type CertificateMode = 'self-signed' | 'csr';
export type GatePolicy = 'manual' | 'auto' | 'auto-if-full';

export const PHASES = [
  'plan',
  'trustpoint',
  'export',
  'trust-import',
  'gateway',
  'rollout',
  'switch',
  'soak',
  'cleanup',
] as const;
export type PhaseName = (typeof PHASES)[number];

export type PhaseStatus = 'pending' | 'running' | 'waiting' | 'done' | 'failed' | 'skipped' | 'rolled-back';

export type RolloverOutcome = 'completed' | 'dry-run' | 'rejected' | 'rolled-back' | 'aborted' | 'kept-old-certificate';

export interface RolloverOptions {
  certificateMode: CertificateMode;
  /** Subject of the new certificate, ASA syntax (`CN=vpn-2026.example.com,OU=PhoneVPN`). Default: planned. */
  subjectName?: string;
  /** FQDN for the trustpoint (`fqdn`, lands in the SAN). Default: the gateway URL host. */
  fqdn?: string;
  /** Phones per wave (child workflow); ≤ 500 so a wave never carries the fleet. */
  waveSize: number;
  /** Phones applied per batch activity inside a wave. */
  batchSize: number;
  /** Waves running at once; Cisco practice is one after another. */
  maxParallelWaves: number;
  /** A wave (or the post-switch sweep) failing more than this share stops the line. */
  failureThresholdPercent: number;
  /** How long a phone may take to re-register after Apply Config / after the switch. */
  registrationTimeout: string;
  /** Pause between RisPort polls while waiting for re-registration. */
  registrationPollInterval: string;
  /** Keep retrying stale TFTP configs (CUCM rebuilds asynchronously) for this long. */
  configVerifyTimeout: string;
  /** Phones whose config is sampled in the plan. */
  planSampleSize: number;
  gates: { plan: GatePolicy; push: GatePolicy; switch: GatePolicy; cleanup: GatePolicy };
  /** How long a gate waits for a decision before failing closed (no destructive step on timeout). */
  gateTimeout?: string;
  /** Durable timer between the switch and the cleanup gate. */
  soak: string;
  /** Wait after the switch before sweeping registrations (phones re-handshake on their own schedule). */
  switchSettle: string;
  applyAction: 'apply' | 'reset' | 'restart';
  dryRun: boolean;
}

export interface RolloverInput {
  asa: string;
  cluster: string;
  gateway: string;
  options?: Partial<Omit<RolloverOptions, 'gates'>> & { gates?: Partial<RolloverOptions['gates']> };
  /** Set by continue-as-new only. */
  carried?: RolloverCarry;
}

export type Severity = 'blocker' | 'warn' | 'info' | 'ok';

export interface Finding {
  check: string;
  severity: Severity;
  message: string;
  evidence?: string;
  fix?: string;
}

export interface CertSummary {
  pem?: string;
  sha1Base64: string;
  sha1Hex: string;
  serialHex: string;
  issuerRfc2253: string;
  subjectRfc2253: string;
  commonNames: string[];
  notBefore: string;
  notAfter: string;
}

export interface GatewayMember {
  issuerName: string;
  serialNumber: string;
}

export interface RolloverArtifacts {
  trustpoint?: string;
  keyLabel?: string;
  subjectName?: string;
  fqdn?: string;
  oldTrustpoint?: string;
  oldKeyLabel?: string;
  oldCert?: CertSummary;
  newCert?: CertSummary;
  csrPem?: string;
  gatewayBefore?: GatewayMember[];
  gatewayAfter?: GatewayMember[];
  commonPhoneProfiles?: string[];
  vpnUrlHost?: string;
  wroteMemory?: boolean;
}

export interface Coverage {
  inScope: number;
  applied: number;
  verified: number;
  registered: number;
  failed: number;
  wavesDone: number;
  wavesTotal: number;
}

export interface PhoneFailure {
  name: string;
  reason: string;
}

export interface PhaseRecord {
  name: PhaseName;
  status: PhaseStatus;
  startedAt?: string;
  endedAt?: string;
  detail?: string;
}

/** Undo steps, kept as data so they survive continue-as-new; run newest first. */
export type Compensation =
  | { kind: 'remove-trustpoint'; trustpoint: string; keyLabel: string }
  | { kind: 'delete-trust'; sha1Base64: string }
  | { kind: 'restore-gateway'; certificates: GatewayMember[] }
  | { kind: 'rebind-old-trustpoint'; trustpoint: string };

export interface RolloverCarry {
  phases: PhaseRecord[];
  artifacts: RolloverArtifacts;
  coverage: Coverage;
  failures: PhoneFailure[];
  findings: Finding[];
  gateLog: GateRecord[];
  compensations: Compensation[];
  nextWaveOffset: number;
  phonesTouched: boolean;
}

export interface RolloverStatus {
  workflowId: string;
  asa: string;
  cluster: string;
  gateway: string;
  certificateMode: CertificateMode;
  dryRun: boolean;
  phase: PhaseName | 'done';
  outcome?: RolloverOutcome;
  phases: PhaseRecord[];
  gate: OpenGate | undefined;
  gateLog: GateRecord[];
  findings: Finding[];
  artifacts: RolloverArtifacts;
  coverage: Coverage;
  failures: PhoneFailure[];
  lastError?: string;
}

export interface RolloverResult {
  outcome: RolloverOutcome;
  status: RolloverStatus;
}

/** The rollover's workflow ID: at most one open rollover per ASA headend and gateway. */
export function rolloverWorkflowId(asa: string, gateway: string): string {
  return `rollover/${asa}/${gateway}`;
}

export const DEFAULT_OPTIONS: RolloverOptions = {
  certificateMode: 'self-signed',
  waveSize: 250,
  batchSize: 50,
  maxParallelWaves: 1,
  failureThresholdPercent: 5,
  registrationTimeout: '15 minutes',
  registrationPollInterval: '20 seconds',
  configVerifyTimeout: '10 minutes',
  planSampleSize: 10,
  gates: { plan: 'manual', push: 'manual', switch: 'manual', cleanup: 'manual' },
  soak: '7 days',
  switchSettle: '1 minute',
  applyAction: 'apply',
  dryRun: false,
};

/** The workflow task queue (and pure activities) unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'certroll';

/** Task queues: one per device class and device, so each device's limit is a worker setting. */
export const taskQueues = {
  asa: (asa: string) => `certroll-asa.${asa}`,
  axl: (cluster: string) => `certroll-axl.${cluster}`,
  tftp: (cluster: string) => `certroll-tftp.${cluster}`,
  risport: (cluster: string) => `certroll-risport.${cluster}`,
};
