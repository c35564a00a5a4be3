/**
 * RolloverState owns what the operator sees — phases, artifacts, coverage, findings, failures — and the undo steps.
 * The workflow function only moves it along; `status()` and `details()` render it for the query and the UI.
 */
import type { Gates } from './gates';
import type {
  Compensation,
  Coverage,
  Finding,
  PhaseName,
  PhaseRecord,
  PhaseStatus,
  PhoneFailure,
  RolloverArtifacts,
  RolloverCarry,
  RolloverInput,
  RolloverOptions,
  RolloverOutcome,
  RolloverStatus,
} from './rollover-types';
import { PHASES } from './rollover-types';

export const MAX_FAILURES_KEPT = 100;

const ICONS: Record<PhaseStatus, string> = {
  pending: '·',
  running: '⏳',
  waiting: '⏸',
  done: '✅',
  failed: '❌',
  skipped: '⏭',
  'rolled-back': '↩️',
};

export class RolloverState {
  readonly phases: PhaseRecord[];
  readonly artifacts: RolloverArtifacts;
  readonly coverage: Coverage;
  readonly failures: PhoneFailure[];
  findings: Finding[];
  readonly compensations: Compensation[];
  nextWaveOffset: number;
  phonesTouched: boolean;
  outcome: RolloverOutcome | undefined;
  lastError: string | undefined;

  constructor(
    readonly workflowId: string,
    readonly input: RolloverInput,
    readonly options: RolloverOptions,
    carried?: RolloverCarry,
  ) {
    this.phases = carried?.phases ?? PHASES.map((name) => ({ name, status: 'pending' as PhaseStatus }));
    this.artifacts = carried?.artifacts ?? {};
    this.coverage = carried?.coverage ?? {
      inScope: 0,
      applied: 0,
      verified: 0,
      registered: 0,
      failed: 0,
      wavesDone: 0,
      wavesTotal: 0,
    };
    this.failures = carried?.failures ?? [];
    this.findings = carried?.findings ?? [];
    this.compensations = carried?.compensations ?? [];
    this.nextWaveOffset = carried?.nextWaveOffset ?? 0;
    this.phonesTouched = carried?.phonesTouched ?? false;
  }

  phase(name: PhaseName): PhaseRecord {
    return this.phases.find((p) => p.name === name)!;
  }

  isDone(name: PhaseName): boolean {
    return this.phase(name).status === 'done' || this.phase(name).status === 'skipped';
  }

  /** The phase the rollover is in: the first one not finished. */
  current(): PhaseName | 'done' {
    return this.phases.find((p) => !['done', 'skipped'].includes(p.status))?.name ?? 'done';
  }

  mark(name: PhaseName, status: PhaseStatus, detail?: string): void {
    const p = this.phase(name);
    const now = new Date().toISOString();
    if (status === 'running' && !p.startedAt) p.startedAt = now;
    if (['done', 'failed', 'skipped', 'rolled-back'].includes(status)) p.endedAt = now;
    p.status = status;
    if (detail !== undefined) p.detail = detail;
  }

  /** Undo steps are pushed as the work happens and run newest first. */
  pushCompensation(c: Compensation): void {
    this.compensations.unshift(c);
  }

  /** One entry per phone: a wave that is retried replaces its phones' earlier reasons. */
  addFailures(list: PhoneFailure[]): void {
    for (const f of list) {
      const known = this.failures.findIndex((k) => k.name === f.name);
      if (known >= 0) this.failures[known] = f;
      else if (this.failures.length < MAX_FAILURES_KEPT) this.failures.push(f);
    }
  }

  carry(gates: Gates): RolloverCarry {
    return {
      phases: this.phases,
      artifacts: this.artifacts,
      coverage: this.coverage,
      failures: this.failures,
      findings: this.findings,
      gateLog: gates.log,
      compensations: this.compensations,
      nextWaveOffset: this.nextWaveOffset,
      phonesTouched: this.phonesTouched,
    };
  }

  status(gates: Gates): RolloverStatus {
    const { pem: _oldPem, ...oldCert } = this.artifacts.oldCert ?? ({} as NonNullable<RolloverArtifacts['oldCert']>);
    const { pem: _newPem, ...newCert } = this.artifacts.newCert ?? ({} as NonNullable<RolloverArtifacts['newCert']>);
    const gate = gates.openGate;
    const current = this.current();
    return {
      workflowId: this.workflowId,
      asa: this.input.asa,
      cluster: this.input.cluster,
      gateway: this.input.gateway,
      certificateMode: this.options.certificateMode,
      dryRun: this.options.dryRun,
      phase: current,
      outcome: this.outcome,
      // The phase held by an open gate shows as waiting (the gate decides whether it runs).
      phases: this.phases.map((p) =>
        gate && p.name === current && p.status === 'pending' ? { ...p, status: 'waiting' as PhaseStatus } : { ...p },
      ),
      gate,
      gateLog: [...gates.log],
      findings: this.findings,
      // Certificate PEMs stay out of the status to keep it readable (hashes and names are there); the CSR stays in,
      // because in CSR mode the operator needs it to get the certificate signed.
      artifacts: {
        ...this.artifacts,
        oldCert: this.artifacts.oldCert ? oldCert : undefined,
        newCert: this.artifacts.newCert ? newCert : undefined,
      },
      coverage: { ...this.coverage },
      failures: this.failures.slice(0, 20),
      lastError: this.lastError,
    };
  }

  /** Markdown for the Web UI's current details: phases, coverage, findings, and the open gate's exact payload. */
  details(gates: Gates): string {
    const s = this.status(gates);
    const lines: string[] = [];
    lines.push(`### Rollover ${s.asa} → ${s.gateway} (${s.cluster})`);
    lines.push('');
    lines.push(
      s.outcome
        ? `**Outcome: ${s.outcome}**`
        : s.gate
          ? `**⏸ Waiting at gate \`${s.gate.gate}\`** (next phase: ${s.phase})`
          : `**Phase: ${s.phase}**`,
    );
    lines.push('');
    lines.push('| Phase | Status | Detail |');
    lines.push('|---|---|---|');
    for (const p of s.phases)
      lines.push(`| ${p.name} | ${ICONS[p.status]} ${p.status} | ${escapeCell(p.detail ?? '')} |`);
    lines.push('');
    const c = s.coverage;
    lines.push(
      `**Coverage:** ${c.inScope} in scope · ${c.applied} applied · ${c.verified} verified · ${c.registered} registered · ${c.failed} failed · waves ${c.wavesDone}/${c.wavesTotal}`,
    );
    if (s.gateLog.length > 0) {
      lines.push('', '**Decisions**', '', '| Gate | Decision | By | At | Comment |', '|---|---|---|---|---|');
      for (const g of s.gateLog)
        lines.push(`| ${g.gate} | ${g.decision} | ${escapeCell(g.by)} | ${g.at} | ${escapeCell(g.comment ?? '')} |`);
    }
    if (s.artifacts.newCert)
      lines.push(
        '',
        `**New certificate:** \`${s.artifacts.newCert.sha1Base64}\` (${s.artifacts.newCert.sha1Hex}), trustpoint \`${s.artifacts.trustpoint}\``,
      );
    if (s.artifacts.oldCert)
      lines.push(
        '',
        `**Old certificate:** \`${s.artifacts.oldCert.sha1Base64}\`, expires ${s.artifacts.oldCert.notAfter}`,
      );
    const important = s.findings.filter((f) => f.severity === 'blocker' || f.severity === 'warn');
    if (important.length > 0) {
      lines.push('', '**Findings**', '', '| Severity | Check | Message |', '|---|---|---|');
      for (const f of important)
        lines.push(
          `| ${f.severity === 'blocker' ? '⛔ blocker' : '⚠️ warn'} | ${f.check} | ${escapeCell(f.message)} |`,
        );
    }
    if (s.lastError) lines.push('', `**Last error:** ${escapeCell(s.lastError)}`);
    if (s.gate?.gate === 'signed-cert' && s.artifacts.csrPem) {
      lines.push(
        '',
        '**Certificate signing request** (have your CA sign it):',
        '',
        '```',
        s.artifacts.csrPem.trim(),
        '```',
      );
    }
    if (s.gate) {
      lines.push('', `#### ⏸ Gate \`${s.gate.gate}\` is waiting for a decision`, '', s.gate.question, '');
      if (s.gate.approvalBlockedBy.length > 0)
        lines.push(
          `Approval is refused while blockers remain: ${s.gate.approvalBlockedBy.map(escapeCell).join('; ')}`,
          '',
        );
      lines.push(`Allowed decisions: ${s.gate.allowed.map((d) => `\`${d}\``).join(', ')}.`, '');
      lines.push('In the Web UI: **Send an Update** → `decide`, with this JSON (put your name in `by`):', '');
      lines.push('```json', s.gate.example, '```', '');
      lines.push(`Or from a terminal: \`certroll decide '${s.workflowId}' --json '${s.gate.example}'\``);
    }
    if (s.failures.length > 0) {
      lines.push('', '**Phones that failed (first 20)**', '', '| Phone | Reason |', '|---|---|');
      for (const f of s.failures) lines.push(`| ${f.name} | ${escapeCell(f.reason)} |`);
    }
    return lines.join('\n');
  }
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/</g, '&lt;');
}
