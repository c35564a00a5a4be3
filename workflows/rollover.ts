/**
 * The rollover: Cisco's make-before-break renewal of the ASA certificate for VPN phones, step by step, with a plan,
 * approval gates, verification after every step, and rollback of everything it changed.
 *
 *   plan → gate plan → trustpoint (→ gate signed-cert) → export → trust-import → gateway → gate push → rollout
 *   → gate switch → switch → soak → gate cleanup → cleanup
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  ContinueAsNew,
  continueAsNew,
  executeChild,
  isCancellation,
  log,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { RolloverOptionsSchema } from '../config/rollover-options';
import { Gates } from './gates';
import { recordRolloverMetrics } from './metrics';
import { Notifier } from './notifier';
import type { GateDecision, GateDecisionKind, GateRecord } from './messages';
import { defineStatusQuery, STATUS_DESCRIPTION } from './messages';
import { checkSignedCertificate, csrSpkiHex, splitChain } from './pem-check';
import { asaActivities, axlActivities, localActivities, tftpActivities } from './proxies';
import { registrationSweepWorkflow } from './registration-sweep';
import { durationMs, rolloutWaveWorkflow, WaveResult, waveWorkflowId } from './rollout-wave';
import { RolloverState } from './rollover-state';
import {
  CertSummary,
  Compensation,
  DEFAULT_OPTIONS,
  GatePolicy,
  GatewayMember,
  PhaseName,
  RolloverInput,
  RolloverOptions,
  RolloverOutcome,
  RolloverResult,
  RolloverStatus,
} from './rollover-types';
import { CertrollAsa, CertrollGateway, CertrollNotAfter, CertrollPhase } from './search-attributes';
import { describeFailure } from './failures';

export const rolloverStatus = defineStatusQuery<RolloverStatus>();

/** Thrown inside a phase when the operator chose to stop; ends the run with this outcome. */
class Stop extends Error {
  constructor(readonly outcome: RolloverOutcome) {
    super(outcome);
  }
}

type PhaseEnd = 'done' | 'stopped';

function resolveOptions(raw: RolloverInput['options']): RolloverOptions {
  const parsed = RolloverOptionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `options.${i.path.join('.')}: ${i.message}`).join('; ');
    throw ApplicationFailure.nonRetryable(`invalid rollover options: ${problems}`, 'InvalidInput');
  }
  const o = parsed.data;
  return { ...DEFAULT_OPTIONS, ...o, gates: { ...DEFAULT_OPTIONS.gates, ...(o.gates ?? {}) } } as RolloverOptions;
}

function toSummary(c: CertSummary): CertSummary {
  return {
    pem: c.pem,
    sha1Base64: c.sha1Base64,
    sha1Hex: c.sha1Hex,
    serialHex: c.serialHex,
    issuerRfc2253: c.issuerRfc2253,
    subjectRfc2253: c.subjectRfc2253,
    commonNames: c.commonNames,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
  };
}

function datePart(): string {
  return new Date().toISOString().slice(0, 10).replace(/-/g, '');
}

class Rollover {
  private readonly asa: ReturnType<typeof asaActivities>;
  private readonly axl: ReturnType<typeof axlActivities>;
  private readonly local = localActivities();
  readonly notifier = new Notifier();

  constructor(
    private readonly input: RolloverInput,
    private readonly options: RolloverOptions,
    private readonly state: RolloverState,
    private readonly gates: Gates,
  ) {
    this.asa = asaActivities(input.asa);
    this.axl = axlActivities(input.cluster);
  }

  // --- The seven steps -------------------------------------------------------------------------------------

  async run(): Promise<RolloverResult> {
    upsertSearchAttributes([
      { key: CertrollAsa, value: this.input.asa },
      { key: CertrollGateway, value: this.input.gateway },
    ]);
    if ((await this.runPhase('plan', () => this.plan())) === 'stopped') return this.finish();
    if (!this.input.carried) {
      this.notifier.send({
        kind: 'rollover-started',
        asa: this.input.asa,
        gateway: this.input.gateway,
        message: `Rollover ${this.input.asa} → ${this.input.gateway} planned: ${this.state.phase('plan').detail}`,
      });
    }
    if (this.options.dryRun) {
      for (const p of this.state.phases) if (p.name !== 'plan') this.state.mark(p.name, 'skipped', 'dry run');
      return this.finish('dry-run');
    }
    const planDecision = await this.gate('plan', ['approve', 'reject'], this.planQuestion(), this.options.gates.plan, {
      approvalBlockedBy: this.blockers(),
    });
    if (planDecision.decision !== 'approve') return this.finish('rejected');

    for (const [phase, body] of [
      ['trustpoint', () => this.createTrustpoint()],
      ['export', () => this.exportCertificate()],
      ['trust-import', () => this.importTrust()],
      ['gateway', () => this.updateGateway()],
    ] as Array<[PhaseName, () => Promise<string>]>) {
      if ((await this.runPhase(phase, body)) === 'stopped') return this.finish();
    }

    if (!(await this.proceedAt('push', this.pushQuestion(), this.options.gates.push))) return this.finish();
    if ((await this.runPhase('rollout', () => this.rollout())) === 'stopped') return this.finish();

    if (!(await this.proceedAt('switch', this.switchQuestion(), this.options.gates.switch))) return this.finish();
    if ((await this.runPhase('switch', () => this.switchTrustpoint())) === 'stopped') return this.finish();

    if ((await this.runPhase('soak', () => this.soak())) === 'stopped') return this.finish();
    const cleanup = await this.gate(
      'cleanup',
      ['approve', 'reject'],
      this.cleanupQuestion(),
      this.options.gates.cleanup,
    );
    if (cleanup.decision !== 'approve') {
      this.state.mark(
        'cleanup',
        'skipped',
        `not approved (${cleanup.decision}): both certificates stay on the gateway`,
      );
      return this.finish('kept-old-certificate');
    }
    if ((await this.runPhase('cleanup', () => this.cleanup())) === 'stopped') return this.finish();
    return this.finish('completed');
  }

  /** Step 0: read everything, change nothing, and judge. */
  private async plan(): Promise<string> {
    const { input, options } = this;
    const asaState = await this.asa.readAsaState.executeWithOptions(
      { summary: `read ASA ${input.asa} state (read-only)` },
      [{ asa: input.asa }],
    );
    const oldTrustpoint = asaState.boundTrustpoint;
    const oldExport = oldTrustpoint
      ? await this.asa.exportIdentityCertificate.executeWithOptions(
          { summary: `export current identity certificate from ${input.asa} (trustpoint ${oldTrustpoint})` },
          [{ asa: input.asa, trustpoint: oldTrustpoint }],
        )
      : undefined;
    const phoneProbe = await this.probe('phone');
    const ecProbe = await this.probe('ec');
    const cucm = await this.axl.readCucmState.executeWithOptions(
      { summary: `read CUCM ${input.cluster} VPN gateway ${input.gateway}` },
      [{ cluster: input.cluster, gateway: input.gateway }],
    );
    const commonPhoneProfiles = cucm.commonPhoneProfiles.map((c) => c.name);
    const inScope = await this.axl.countScopePhones.executeWithOptions(
      { summary: `count phones using ${commonPhoneProfiles.join(', ')}` },
      [{ cluster: input.cluster, commonPhoneProfiles }],
    );
    const sample = await this.sampleConfigs(commonPhoneProfiles, phoneProbe.sha1Base64 ?? oldExport?.sha1Base64);

    const trustpoint = this.state.artifacts.trustpoint ?? `CR-${datePart()}-${uuid4().slice(0, 4)}`;
    const oldTp = asaState.trustpoints.find((t) => t.name === oldTrustpoint);
    const planned = await this.local.assessRolloverPlan.executeWithOptions({ summary: 'assess the rollover plan' }, [
      {
        now: new Date().toISOString(),
        asa: {
          name: input.asa,
          version: asaState.version,
          phoneLicenseEnabled: asaState.phoneLicense?.enabled,
          phoneLicenseLine: asaState.phoneLicense?.line,
          iface: asaState.iface,
          boundTrustpoint: oldTrustpoint,
          trustpoints: asaState.trustpoints.map((t) => t.name),
          keyLabels: asaState.keyLabels,
          phoneCiphersEnabled: asaState.ssl?.phoneCiphersEnabled,
          loadBalancing: asaState.loadBalancing?.configured && asaState.loadBalancing.participate,
        },
        oldCert: oldExport ? { ...toSummary(oldExport), keyType: oldExport.keyType } : undefined,
        phoneProbe,
        ecProbe,
        cucm: {
          gatewayUrl: cucm.gateway.url,
          gatewayCertificates: cucm.gateway.certificates,
          trust: cucm.trust,
          hostIdCheck: cucm.profile?.hostIdCheck,
          authMethod: cucm.profile?.authMethod,
          commonPhoneProfiles,
        },
        inScope,
        sample,
        requested: { subjectName: options.subjectName, fqdn: options.fqdn, certificateMode: options.certificateMode },
        trustpoint,
      },
    ]);
    const a = this.state.artifacts;
    a.trustpoint = trustpoint;
    a.keyLabel = trustpoint;
    a.subjectName = planned.subjectName;
    a.fqdn = planned.fqdn;
    a.vpnUrlHost = planned.vpnUrlHost;
    a.oldTrustpoint = oldTrustpoint;
    a.oldKeyLabel = oldTp?.keypair;
    a.oldCert = oldExport ? toSummary(oldExport) : undefined;
    a.commonPhoneProfiles = commonPhoneProfiles;
    a.gatewayBefore = cucm.gateway.certificates.map((c) => ({
      issuerName: c.issuerName,
      serialNumber: c.serialNumber,
    }));
    this.state.coverage.inScope = inScope;
    this.state.findings = planned.findings;
    if (a.oldCert) upsertSearchAttributes([{ key: CertrollNotAfter, value: new Date(a.oldCert.notAfter) }]);
    const counts = { blocker: 0, warn: 0 };
    for (const f of planned.findings) if (f.severity === 'blocker' || f.severity === 'warn') counts[f.severity]++;
    return `${inScope} phones in scope; ${counts.blocker} blocker(s), ${counts.warn} warning(s)`;
  }

  /** Step 1: new key and trustpoint beside the old one (the old keeps serving). */
  private async createTrustpoint(): Promise<string> {
    const { asa: asaName } = this.input;
    const a = this.state.artifacts;
    const trustpoint = a.trustpoint!;
    const keyLabel = a.keyLabel!;
    await this.asa.createKeyAndTrustpoint.executeWithOptions(
      { summary: `create RSA key ${keyLabel} and trustpoint ${trustpoint} on ${asaName}` },
      [
        {
          asa: asaName,
          trustpoint,
          keyLabel,
          subjectName: a.subjectName!,
          fqdn: a.fqdn,
          enrollment: this.options.certificateMode === 'csr' ? 'terminal' : 'self',
        },
      ],
    );
    this.addCompensation({ kind: 'remove-trustpoint', trustpoint, keyLabel });
    if (this.options.certificateMode === 'self-signed') {
      await this.asa.enrollSelfSigned.executeWithOptions(
        { summary: `enroll self-signed certificate for ${trustpoint} on ${asaName}` },
        [{ asa: asaName, trustpoint }],
      );
      return `trustpoint ${trustpoint} with key ${keyLabel}, self-signed`;
    }
    const csr = await this.asa.createCsr.executeWithOptions({ summary: `create CSR for ${trustpoint} on ${asaName}` }, [
      { asa: asaName, trustpoint },
    ]);
    a.csrPem = csr.csrPem;
    const signed = await this.awaitSignedCertificate(csr.csrPem);
    const { leaf, cas } = splitChain(signed);
    await this.asa.importSignedCertificate.executeWithOptions(
      { summary: `import signed certificate into ${trustpoint} on ${asaName}` },
      [{ asa: asaName, trustpoint, certificatePem: leaf, caPems: cas }],
    );
    return `trustpoint ${trustpoint} with key ${keyLabel}, CA-signed (${cas.length} CA certificate(s))`;
  }

  /** CSR mode: the operator pastes the CA-signed certificate in the `decide` payload of gate signed-cert. */
  private async awaitSignedCertificate(csrPem: string): Promise<string> {
    const spki = csrSpkiHex(csrPem);
    let pem: string | undefined;
    const record = await this.gate(
      'signed-cert',
      ['approve', 'reject'],
      `Have the CSR of trustpoint ${this.state.artifacts.trustpoint} signed by your CA (\`certroll status --json\` shows it, or the status query), then approve with the certificate (and CA chain) in "pem".`,
      'manual',
      {
        validate: (d: GateDecision) => {
          if (d.decision === 'approve') checkSignedCertificate(d.pem as string, spki, Date.now());
        },
        onAccepted: (d: GateDecision) => {
          pem = d.pem;
        },
        example: { pem: '-----BEGIN CERTIFICATE-----\\n…\\n-----END CERTIFICATE-----' },
      },
    );
    if (record.decision !== 'approve' || !pem) {
      await this.rollback(`no signed certificate (${record.decision} at gate signed-cert)`);
      throw new Stop('rolled-back');
    }
    return pem;
  }

  /** Step 2: export the new identity certificate and compute the hash the phones will be given. */
  private async exportCertificate(): Promise<string> {
    const a = this.state.artifacts;
    const exported = await this.asa.exportIdentityCertificate.executeWithOptions(
      { summary: `export identity certificate from ${this.input.asa} (trustpoint ${a.trustpoint})` },
      [{ asa: this.input.asa, trustpoint: a.trustpoint! }],
    );
    a.newCert = toSummary(exported);
    return `certHash ${exported.sha1Base64}, expires ${exported.notAfter.slice(0, 10)}`;
  }

  /** Step 3: Phone-VPN-trust gets the new certificate; the old one must still be there afterwards. */
  private async importTrust(): Promise<string> {
    const a = this.state.artifacts;
    const upload = await this.axl.uploadPhoneVpnTrust.executeWithOptions(
      { summary: `upload new certificate ${a.newCert!.sha1Base64} to ${this.input.cluster} Phone-VPN-trust` },
      [{ cluster: this.input.cluster, pem: a.newCert!.pem! }],
    );
    this.addCompensation({ kind: 'delete-trust', sha1Base64: a.newCert!.sha1Base64 });
    const after = await this.axl.readCucmState.executeWithOptions(
      { summary: 'verify Phone-VPN-trust holds old and new' },
      [{ cluster: this.input.cluster, gateway: this.input.gateway }],
    );
    const hashes = new Set(after.trust.map((t) => t.sha1Base64));
    if (!hashes.has(a.newCert!.sha1Base64)) {
      throw ApplicationFailure.nonRetryable(
        'the new certificate is not in Phone-VPN-trust after the upload',
        'VerificationFailed',
      );
    }
    if (a.oldCert && !hashes.has(a.oldCert.sha1Base64)) {
      throw ApplicationFailure.nonRetryable(
        'the old certificate disappeared from Phone-VPN-trust after the upload (same-CN overwrite, CSCuh19734): stop before any phone is touched',
        'VerificationFailed',
      );
    }
    return upload.uploaded
      ? 'uploaded; old and new both in Phone-VPN-trust'
      : 'already present; old and new both in Phone-VPN-trust';
  }

  /** Step 4: the VPN gateway lists old and new, so phone configs carry both hashes. */
  private async updateGateway(): Promise<string> {
    const a = this.state.artifacts;
    const cucm = await this.axl.readCucmState.executeWithOptions(
      { summary: `read VPN gateway ${this.input.gateway}` },
      [{ cluster: this.input.cluster, gateway: this.input.gateway }],
    );
    // Reference the new certificate exactly as CUCM stores it (issuer RFC 2253, lower-hex serial).
    const entry = cucm.trust.find((t) => t.sha1Base64 === a.newCert!.sha1Base64);
    if (!entry)
      throw ApplicationFailure.nonRetryable(
        'the new certificate is missing from Phone-VPN-trust',
        'VerificationFailed',
      );
    const newMember: GatewayMember = { issuerName: entry.issuerName, serialNumber: entry.serialNumber };
    const before =
      a.gatewayBefore ??
      cucm.gateway.certificates.map((c) => ({ issuerName: c.issuerName, serialNumber: c.serialNumber }));
    const wanted = [
      ...before.filter((m) => !(m.issuerName === newMember.issuerName && m.serialNumber === newMember.serialNumber)),
      newMember,
    ];
    await this.axl.setGatewayCertificates.executeWithOptions(
      { summary: `VPN gateway ${this.input.gateway}: list ${wanted.length} certificates (old and new)` },
      [{ cluster: this.input.cluster, gateway: this.input.gateway, certificates: wanted }],
    );
    this.addCompensation({ kind: 'restore-gateway', certificates: before });
    a.gatewayAfter = wanted;
    return `gateway lists ${wanted.length} certificates: old and new`;
  }

  /** Steps 5 and 6: waves of Apply Config, TFTP verification and re-registration, with stop-the-line. */
  private async rollout(): Promise<string> {
    this.state.phonesTouched = true;
    const r = await this.runWaves('rollout', this.state.artifacts.newCert!.sha1Base64, true);
    return `${r.registered}/${r.inScope} phones re-registered with the new hash in their config`;
  }

  /** Step 7: switch the interface to the new trustpoint, save, and check the phones came back. */
  private async switchTrustpoint(): Promise<string> {
    const a = this.state.artifacts;
    const { asa: asaName } = this.input;
    if (a.oldCert && Date.now() >= Date.parse(a.oldCert.notAfter)) {
      throw ApplicationFailure.nonRetryable(
        `the old certificate expired at ${a.oldCert.notAfter}: certroll never switches after it`,
        'OldCertificateExpired',
      );
    }
    await this.asa.bindTrustpoint.executeWithOptions({ summary: `ssl trust-point ${a.trustpoint} on ${asaName}` }, [
      { asa: asaName, trustpoint: a.trustpoint! },
    ]);
    if (a.oldTrustpoint) this.addCompensation({ kind: 'rebind-old-trustpoint', trustpoint: a.oldTrustpoint });
    await this.asa.writeMemory.executeWithOptions({ summary: `write memory on ${asaName}` }, [{ asa: asaName }]);
    a.wroteMemory = true;
    this.refresh();

    const probe = await this.probe('phone');
    if (probe.sha1Base64 !== a.newCert!.sha1Base64) {
      await this.revertSwitch(
        `a phone-cipher handshake was shown ${probe.sha1Base64 ?? probe.error}, not the new certificate`,
      );
    }
    await sleep(this.options.switchSettle as Duration, {
      summary: 'let connected phones re-handshake with the new certificate',
    });
    const sweep = await this.sweepUntilRegistered();
    const percentDown = sweep.total === 0 ? 0 : ((sweep.total - sweep.registered) * 100) / sweep.total;
    if (percentDown > this.options.failureThresholdPercent) {
      this.state.addFailures(sweep.failures);
      await this.revertSwitch(
        `${sweep.total - sweep.registered} of ${sweep.total} phones (${percentDown.toFixed(1)}%) not registered after the switch`,
      );
    }
    upsertSearchAttributes([{ key: CertrollNotAfter, value: new Date(a.newCert!.notAfter) }]);
    this.notifier.send({
      kind: 'switched',
      asa: asaName,
      gateway: this.input.gateway,
      newCertSha1Hex: a.newCert!.sha1Hex,
      newCertSha1Base64: a.newCert!.sha1Base64,
      notAfter: a.newCert!.notAfter,
      message: `${asaName} now presents the new certificate (trustpoint ${a.trustpoint}); ${sweep.registered}/${sweep.total} phones registered`,
    });
    return `interface presents the new certificate; ${sweep.registered}/${sweep.total} phones registered`;
  }

  /** Durable timer: days of real traffic on the new certificate before the old one goes. */
  private async soak(): Promise<string> {
    await sleep(this.options.soak as Duration, { summary: `soak ${this.options.soak} before cleanup` });
    return `soaked ${this.options.soak}`;
  }

  /** After the soak: the old certificate leaves the gateway, the phones, CUCM and the ASA. Point of no return. */
  private async cleanup(): Promise<string> {
    const a = this.state.artifacts;
    const cucm = await this.axl.readCucmState.executeWithOptions(
      { summary: `read VPN gateway ${this.input.gateway}` },
      [{ cluster: this.input.cluster, gateway: this.input.gateway }],
    );
    const newEntry = cucm.trust.find((t) => t.sha1Base64 === a.newCert!.sha1Base64)!;
    await this.axl.setGatewayCertificates.executeWithOptions(
      { summary: `VPN gateway ${this.input.gateway}: new certificate only` },
      [
        {
          cluster: this.input.cluster,
          gateway: this.input.gateway,
          certificates: [{ issuerName: newEntry.issuerName, serialNumber: newEntry.serialNumber }],
        },
      ],
    );
    const waves = await this.runWaves('cleanup', a.newCert!.sha1Base64, false);
    if (a.oldCert) {
      await this.axl.deleteTrustCertificate.executeWithOptions(
        { summary: `delete old certificate ${a.oldCert.sha1Base64} from Phone-VPN-trust` },
        [{ cluster: this.input.cluster, sha1Base64: a.oldCert.sha1Base64 }],
      );
    }
    if (a.oldTrustpoint) {
      await this.asa.removeTrustpoint.executeWithOptions(
        {
          summary: `remove old trustpoint ${a.oldTrustpoint} and zeroize key ${a.oldKeyLabel ?? '(none)'} on ${this.input.asa}`,
        },
        [{ asa: this.input.asa, trustpoint: a.oldTrustpoint, keyLabel: a.oldKeyLabel ?? '' }],
      );
      await this.asa.writeMemory.executeWithOptions({ summary: `write memory on ${this.input.asa}` }, [
        { asa: this.input.asa },
      ]);
    }
    this.state.compensations.length = 0;
    return `old certificate removed; ${waves.applied} phone configs re-applied`;
  }

  // --- Waves, probes, sweeps -----------------------------------------------------------------------------

  private async runWaves(
    purpose: 'rollout' | 'cleanup' | 'restore',
    expectedHash: string,
    countCoverage: boolean,
  ): Promise<WaveResult> {
    const { options, state } = this;
    const cpps = state.artifacts.commonPhoneProfiles ?? [];
    const total = await this.axl.countScopePhones.executeWithOptions(
      { summary: `count phones in scope (${purpose})` },
      [{ cluster: this.input.cluster, commonPhoneProfiles: cpps }],
    );
    const wavesTotal = Math.ceil(total / options.waveSize);
    if (countCoverage) {
      state.coverage.inScope = total;
      state.coverage.wavesTotal = wavesTotal;
    }
    const sum: WaveResult = { inScope: 0, applied: 0, verified: 0, registered: 0, failed: 0, failures: [] };
    while (state.nextWaveOffset < total) {
      const offsets: number[] = [];
      for (let o = state.nextWaveOffset; o < total && offsets.length < options.maxParallelWaves; o += options.waveSize)
        offsets.push(o);
      const results = await Promise.all(offsets.map((offset) => this.runWave(purpose, offset, total, expectedHash)));
      for (const [i, r] of results.entries()) {
        const label = `${purpose} wave ${offsets[i] / options.waveSize + 1}/${wavesTotal}`;
        const failedPercent = r.inScope === 0 ? 0 : (r.failed * 100) / r.inScope;
        state.addFailures(r.failures);
        if (failedPercent > options.failureThresholdPercent) {
          this.refresh();
          throw ApplicationFailure.nonRetryable(
            `${label}: ${r.failed} of ${r.inScope} phones failed (${failedPercent.toFixed(1)}% > ${options.failureThresholdPercent}%): line stopped`,
            'StopTheLine',
          );
        }
        for (const k of ['inScope', 'applied', 'verified', 'registered', 'failed'] as const) sum[k] += r[k];
        if (countCoverage) {
          for (const k of ['applied', 'verified', 'registered', 'failed'] as const) state.coverage[k] += r[k];
          state.coverage.wavesDone++;
        }
        state.nextWaveOffset = offsets[i] + options.waveSize;
      }
      this.refresh();
      // Never while restoring: a rollback runs to its end in one run (it is not resumable phase by phase).
      if (purpose !== 'restore') await this.continueAsNewIfSuggested();
    }
    state.nextWaveOffset = 0;
    return sum;
  }

  private runWave(purpose: string, offset: number, total: number, expectedHash: string): Promise<WaveResult> {
    const { options } = this;
    const index = offset / options.waveSize;
    const label = `${purpose} wave ${index + 1}/${Math.ceil(total / options.waveSize)}`;
    return executeChild(rolloutWaveWorkflow, {
      workflowId: `${waveWorkflowId(workflowInfo().workflowId, purpose, index)}-${uuid4().slice(0, 6)}`,
      staticSummary: `${label}: phones ${offset + 1}-${Math.min(offset + options.waveSize, total)}`,
      args: [
        {
          cluster: this.input.cluster,
          commonPhoneProfiles: this.state.artifacts.commonPhoneProfiles ?? [],
          page: { offset, limit: options.waveSize },
          expectedHash,
          batchSize: options.batchSize,
          applyAction: options.applyAction,
          configVerifyTimeout: options.configVerifyTimeout,
          registrationTimeout: options.registrationTimeout,
          registrationPollInterval: options.registrationPollInterval,
          label,
        },
      ],
    });
  }

  private async probe(
    as: 'phone' | 'ec',
  ): Promise<{ sha1Base64?: string; keyType?: string; subjectRfc2253?: string; error?: string }> {
    try {
      const r = await this.asa.probeTls.executeWithOptions(
        {
          summary: `TLS handshake with ${this.input.asa} as ${as === 'phone' ? 'a phone (AES256-SHA/AES128-SHA)' : 'an EC client'}`,
        },
        [{ asa: this.input.asa, as }],
      );
      return {
        sha1Base64: r.presented.sha1Base64,
        keyType: r.presented.keyType,
        subjectRfc2253: r.presented.subjectRfc2253,
      };
    } catch (err) {
      if (isCancellation(err)) throw err;
      return { error: describeFailure(err) };
    }
  }

  private async sampleConfigs(commonPhoneProfiles: string[], expectedHash: string | undefined) {
    if (this.options.planSampleSize === 0 || !expectedHash || commonPhoneProfiles.length === 0) {
      return { checked: 0, verified: 0, detail: 'no sample' };
    }
    const names = await this.axl.listScopePhonesPage.executeWithOptions(
      { summary: `list ${this.options.planSampleSize} phones to sample` },
      [{ cluster: this.input.cluster, commonPhoneProfiles, offset: 0, limit: this.options.planSampleSize }],
    );
    if (names.length === 0) return { checked: 0, verified: 0, detail: 'no phones' };
    const r = await tftpActivities(this.input.cluster).verifyPhoneConfigs.executeWithOptions(
      { summary: `read ${names.length} sample phone configs over TFTP` },
      [{ cluster: this.input.cluster, names, expectedHash, deadline: new Date().toISOString() }],
    );
    const detail = Object.entries(r.counts)
      .filter(([, n]) => (n as number) > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    return { checked: names.length, verified: r.counts.verified, detail };
  }

  /** Poll RisPort (whole scope, page by page) until enough phones are registered or the timeout passes. */
  private async sweepUntilRegistered() {
    const total = this.state.coverage.inScope;
    const deadline = Date.now() + durationMs(this.options.registrationTimeout);
    let attempt = 0;
    for (;;) {
      const sweep = await executeChild(registrationSweepWorkflow, {
        workflowId: `${workflowInfo().workflowId}/switch-sweep-${++attempt}-${uuid4().slice(0, 6)}`,
        staticSummary: `RisPort sweep ${attempt} after the switch`,
        args: [
          {
            cluster: this.input.cluster,
            commonPhoneProfiles: this.state.artifacts.commonPhoneProfiles ?? [],
            total,
            label: `sweep ${attempt}`,
          },
        ],
      });
      const percentDown = sweep.total === 0 ? 0 : ((sweep.total - sweep.registered) * 100) / sweep.total;
      this.state.phase('switch').detail = `sweep ${attempt}: ${sweep.registered}/${sweep.total} registered`;
      this.refresh();
      if (percentDown === 0 || Date.now() >= deadline) return sweep;
      await sleep(this.options.registrationPollInterval as Duration, { summary: 'wait before the next RisPort sweep' });
    }
  }

  // --- Gates ---------------------------------------------------------------------------------------------

  private blockers(): string[] {
    return this.state.findings.filter((f) => f.severity === 'blocker').map((f) => f.message);
  }

  private fullCoverage(): boolean {
    const c = this.state.coverage;
    return c.inScope > 0 && c.registered === c.inScope && c.verified === c.inScope && c.failed === 0;
  }

  /**
   * Open a gate (or pass it by policy) and record the decision. Timeouts fail closed: they never approve.
   */
  private async gate(
    name: string,
    allowed: GateDecisionKind[],
    question: string,
    policy: GatePolicy,
    extra: {
      approvalBlockedBy?: string[];
      validate?: (d: GateDecision) => void;
      onAccepted?: (d: GateDecision) => void;
      example?: Record<string, string>;
    } = {},
  ): Promise<GateRecord> {
    // After continue-as-new or a retried phase, a gate already approved stays approved. Not `failure` (every
    // failure is its own question) and not `signed-cert`: its PEM is not in the log, so a retry asks for it again.
    const reusable = name !== 'failure' && name !== 'signed-cert';
    const passed = reusable && this.gates.log.find((r) => r.gate === name && r.decision === 'approve');
    if (passed) return passed;
    const blocked = extra.approvalBlockedBy ?? [];
    const automatic = blocked.length === 0 && (policy === 'auto' || (policy === 'auto-if-full' && this.fullCoverage()));
    if (automatic) {
      const record = this.gates.recordAutomatic(name, 'approve', `certroll (${policy} policy)`);
      this.refresh();
      return record;
    }
    upsertSearchAttributes([{ key: CertrollPhase, value: `gate:${name}` }]);
    const waiting = this.gates.awaitDecision(name, allowed, this.gateTimeout(name), {
      question,
      approvalBlockedBy: blocked,
      validate: extra.validate,
      onAccepted: extra.onAccepted,
      example: extra.example,
    });
    this.refresh();
    const open = this.gates.openGate;
    this.notifier.send({
      kind: 'gate-waiting',
      asa: this.input.asa,
      gateway: this.input.gateway,
      gate: name,
      example: open?.example,
      message: `Rollover ${this.input.asa} → ${this.input.gateway} waits at gate "${name}": ${question}`,
    });
    const record = await waiting;
    upsertSearchAttributes([{ key: CertrollPhase, value: this.state.current() }]);
    this.refresh();
    return record;
  }

  /** The switch must happen while the old certificate is valid: its gate never waits past the old notAfter. */
  private gateTimeout(name: string): number | undefined {
    const configured = this.options.gateTimeout ? durationMs(this.options.gateTimeout) : undefined;
    const oldNotAfter = this.state.artifacts.oldCert?.notAfter;
    if (name === 'switch' && oldNotAfter) {
      const left = Math.max(1000, Date.parse(oldNotAfter) - Date.now());
      return configured === undefined ? left : Math.min(configured, left);
    }
    return configured;
  }

  /** A disruptive-step gate: approve goes on; rollback undoes everything; abort/timeout stop and leave things be. */
  private async proceedAt(name: 'push' | 'switch', question: string, policy: GatePolicy): Promise<boolean> {
    const record = await this.gate(name, ['approve', 'rollback', 'abort'], question, policy);
    if (record.decision === 'approve') return true;
    if (record.decision === 'rollback') {
      await this.rollback(`${record.by} chose rollback at gate ${name}`);
      this.state.outcome = 'rolled-back';
    } else {
      this.state.outcome = 'aborted';
    }
    return false;
  }

  private planQuestion(): string {
    const a = this.state.artifacts;
    return `Approve the plan: new trustpoint ${a.trustpoint} (${this.options.certificateMode}, subject ${a.subjectName}, FQDN ${a.fqdn}) for ${this.state.coverage.inScope} phones. Nothing has changed yet.`;
  }

  private pushQuestion(): string {
    const c = this.state.coverage;
    return `CUCM now lists old and new certificates. Push the config to ${c.inScope} phones in waves of ${this.options.waveSize} (${this.options.applyAction}; stop the line above ${this.options.failureThresholdPercent}% failures)?`;
  }

  private switchQuestion(): string {
    const c = this.state.coverage;
    return `${c.registered}/${c.inScope} phones re-registered with the new hash in their config (${c.failed} failed). Switch ${this.input.asa} to trustpoint ${this.state.artifacts.trustpoint}?`;
  }

  private cleanupQuestion(): string {
    return `The new certificate has served for ${this.options.soak}. Remove the old certificate from the gateway, Phone-VPN-trust and the ASA (no way back)? Reject keeps both.`;
  }

  // --- Phases, failures, rollback -------------------------------------------------------------------------

  /** Run a phase; when it fails for good, gate `failure` decides: retry it, roll back, or abort. */
  private async runPhase(name: PhaseName, body: () => Promise<string>): Promise<PhaseEnd> {
    if (this.state.isDone(name)) return 'done';
    for (;;) {
      this.state.mark(name, 'running');
      upsertSearchAttributes([{ key: CertrollPhase, value: name }]);
      this.refresh();
      try {
        const detail = await body();
        this.state.mark(name, 'done', detail);
        this.state.lastError = undefined;
        this.refresh();
        return 'done';
      } catch (err) {
        // Cancellation means rollback (handled at the top); continue-as-new is not a failure either.
        if (isCancellation(err) || err instanceof ContinueAsNew) throw err;
        if (err instanceof Stop) {
          this.state.outcome = err.outcome;
          return 'stopped';
        }
        const message = describeFailure(err);
        log.warn('rollover phase failed', { phase: name, error: message });
        this.state.lastError = `${name}: ${message}`;
        this.state.mark(name, 'failed', message);
        this.notifier.send({
          kind: 'phase-failed',
          asa: this.input.asa,
          gateway: this.input.gateway,
          phase: name,
          message: `Phase ${name} failed: ${message}`,
        });
        const decision = await this.gate(
          'failure',
          ['retry', 'rollback', 'abort'],
          `Phase ${name} failed: ${message}`,
          'manual',
        );
        if (decision.decision === 'retry') continue;
        if (decision.decision === 'rollback') {
          await this.rollback(`${decision.by} chose rollback after ${name} failed`);
          this.state.outcome = 'rolled-back';
        } else {
          this.state.outcome = 'aborted';
        }
        return 'stopped';
      }
    }
  }

  private addCompensation(c: Compensation): void {
    const same = this.state.compensations.some((x) => JSON.stringify(x) === JSON.stringify(c));
    if (!same) this.state.pushCompensation(c);
  }

  /** Undo, newest first, and never cancelled half-way (cancelling the workflow means: roll back). */
  async rollback(reason: string): Promise<void> {
    log.info('rolling back', { reason });
    await CancellationScope.nonCancellable(async () => {
      while (this.state.compensations.length > 0) {
        const c = this.state.compensations[0];
        try {
          await this.compensate(c);
        } catch (err) {
          this.state.lastError = `rollback step ${c.kind} failed: ${describeFailure(err)}`;
          log.error('compensation failed', { kind: c.kind, error: describeFailure(err) });
        }
        this.state.compensations.shift();
        this.refresh();
      }
      for (const p of this.state.phases) {
        if (p.name !== 'plan' && (p.status === 'done' || p.status === 'failed' || p.status === 'running'))
          this.state.mark(p.name, 'rolled-back');
      }
      this.refresh();
      // Inside the non-cancellable scope, so a cancelled workflow still tells people what happened.
      this.notifier.send({
        kind: 'rolled-back',
        asa: this.input.asa,
        gateway: this.input.gateway,
        message: `Rollover ${this.input.asa} → ${this.input.gateway} rolled back (${reason})${this.state.lastError ? `; ${this.state.lastError}` : ''}`,
      });
    });
  }

  private async compensate(c: Compensation): Promise<void> {
    const { asa: asaName, cluster, gateway } = this.input;
    const a = this.state.artifacts;
    switch (c.kind) {
      case 'rebind-old-trustpoint':
        await this.revertBinding(c.trustpoint);
        return;
      case 'restore-gateway':
        await this.axl.setGatewayCertificates.executeWithOptions(
          { summary: `restore VPN gateway ${gateway} certificate list` },
          [{ cluster, gateway, certificates: c.certificates }],
        );
        if (this.state.phonesTouched && a.oldCert) {
          // Phones that got the two-hash config get the old one back.
          this.state.nextWaveOffset = 0;
          await this.runWaves('restore', a.oldCert.sha1Base64, false);
        }
        return;
      case 'delete-trust':
        await this.axl.deleteTrustCertificate.executeWithOptions(
          { summary: `delete certificate ${c.sha1Base64} from Phone-VPN-trust` },
          [{ cluster, sha1Base64: c.sha1Base64 }],
        );
        return;
      case 'remove-trustpoint':
        await this.asa.removeTrustpoint.executeWithOptions(
          { summary: `remove trustpoint ${c.trustpoint} and zeroize key ${c.keyLabel} on ${asaName}` },
          [{ asa: asaName, trustpoint: c.trustpoint, keyLabel: c.keyLabel }],
        );
        if (a.wroteMemory)
          await this.asa.writeMemory.executeWithOptions({ summary: `write memory on ${asaName}` }, [{ asa: asaName }]);
        return;
    }
  }

  private async revertBinding(oldTrustpoint: string): Promise<void> {
    const a = this.state.artifacts;
    if (a.oldCert && Date.now() >= Date.parse(a.oldCert.notAfter)) {
      throw ApplicationFailure.nonRetryable(
        'the old certificate has expired: not switching back to it',
        'OldCertificateExpired',
      );
    }
    await this.asa.bindTrustpoint.executeWithOptions(
      { summary: `switch ${this.input.asa} back to trustpoint ${oldTrustpoint}` },
      [{ asa: this.input.asa, trustpoint: oldTrustpoint }],
    );
    await this.asa.writeMemory.executeWithOptions({ summary: `write memory on ${this.input.asa}` }, [
      { asa: this.input.asa },
    ]);
  }

  /** Automatic revert after a bad switch: the old trustpoint serves again, then gate `failure` opens. */
  private async revertSwitch(reason: string): Promise<never> {
    const old = this.state.artifacts.oldTrustpoint!;
    await CancellationScope.nonCancellable(() => this.revertBinding(old));
    const i = this.state.compensations.findIndex((c) => c.kind === 'rebind-old-trustpoint');
    if (i >= 0) this.state.compensations.splice(i, 1);
    throw ApplicationFailure.nonRetryable(`automatic revert to trustpoint ${old}: ${reason}`, 'SwitchReverted');
  }

  // --- Bookkeeping ---------------------------------------------------------------------------------------

  refresh(): void {
    setCurrentDetails(this.state.details(this.gates));
    recordRolloverMetrics(this.state.status(this.gates));
  }

  private async continueAsNewIfSuggested(): Promise<void> {
    if (!workflowInfo().continueAsNewSuggested) return;
    await this.notifier.flush();
    await condition(allHandlersFinished);
    await continueAsNew<typeof rolloverWorkflow>({ ...this.input, carried: this.state.carry(this.gates) });
  }

  private finish(outcome?: RolloverOutcome): RolloverResult {
    if (outcome) this.state.outcome = outcome;
    upsertSearchAttributes([{ key: CertrollPhase, value: this.state.outcome ?? 'done' }]);
    this.refresh();
    return { outcome: this.state.outcome ?? 'aborted', status: this.state.status(this.gates) };
  }
}

/** Renew the ASA certificate make-before-break for every VPN phone behind a CUCM VPN gateway. */
export async function rolloverWorkflow(input: RolloverInput): Promise<RolloverResult> {
  const options = resolveOptions(input.options);
  const gates = new Gates(input.carried?.gateLog);
  gates.install();
  const state = new RolloverState(workflowInfo().workflowId, input, options, input.carried);
  setHandler(rolloverStatus, () => state.status(gates), { description: STATUS_DESCRIPTION });
  const rollover = new Rollover(input, options, state, gates);
  rollover.refresh();
  try {
    const result = await rollover.run();
    if (result.outcome === 'completed') {
      rollover.notifier.send({
        kind: 'completed',
        asa: input.asa,
        gateway: input.gateway,
        message: `Rollover ${input.asa} → ${input.gateway} completed`,
      });
    }
    await rollover.notifier.flush();
    await condition(allHandlersFinished);
    return result;
  } catch (err) {
    if (isCancellation(err)) {
      // Cancel in the UI means: undo what was changed, then end as cancelled.
      await rollover.rollback('workflow cancelled');
      state.outcome = 'rolled-back';
      await CancellationScope.nonCancellable(() => rollover.notifier.flush());
    }
    throw err;
  }
}
