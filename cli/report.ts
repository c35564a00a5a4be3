/** The markdown report `certroll demo` writes to reports/<workflowId>.md: phases, gate log, coverage, failures. */
import type { RolloverStatus } from '../workflows/rollover-types';

function duration(start?: string, end?: string): string {
  if (!start || !end) return '';
  const s = (Date.parse(end) - Date.parse(start)) / 1000;
  return s < 120 ? `${s.toFixed(1)} s` : `${(s / 60).toFixed(1)} min`;
}

function cell(text: string | undefined): string {
  return (text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderReport(
  s: RolloverStatus,
  extra: { phonesOnNewCertificate?: number; phonesTotal?: number } = {},
): string {
  const lines = [
    `# Rollover ${s.workflowId}`,
    '',
    `ASA **${s.asa}**, CUCM cluster **${s.cluster}**, VPN gateway **${s.gateway}**, mode ${s.certificateMode}. Outcome: **${s.outcome ?? s.phase}**.`,
    '',
    '## Phases',
    '',
    '| Phase | Status | Started | Took | Detail |',
    '|---|---|---|---|---|',
    ...s.phases.map(
      (p) =>
        `| ${p.name} | ${p.status} | ${p.startedAt ?? ''} | ${duration(p.startedAt, p.endedAt)} | ${cell(p.detail)} |`,
    ),
    '',
    '## Gate log',
    '',
    '| Gate | Decision | By | At | Comment |',
    '|---|---|---|---|---|',
    ...s.gateLog.map((g) => `| ${g.gate} | ${g.decision} | ${cell(g.by)} | ${g.at} | ${cell(g.comment)} |`),
    '',
    '## Coverage',
    '',
    `| In scope | Applied | Verified | Registered | Failed | Waves |`,
    `|---|---|---|---|---|---|`,
    `| ${s.coverage.inScope} | ${s.coverage.applied} | ${s.coverage.verified} | ${s.coverage.registered} | ${s.coverage.failed} | ${s.coverage.wavesDone}/${s.coverage.wavesTotal} |`,
  ];
  if (extra.phonesTotal !== undefined) {
    lines.push(
      '',
      `Lab check: ${extra.phonesOnNewCertificate}/${extra.phonesTotal} phones registered through the new certificate.`,
    );
  }
  const a = s.artifacts;
  lines.push('', '## Certificates', '');
  if (a.oldCert)
    lines.push(
      `- old: trustpoint \`${a.oldTrustpoint}\`, SHA-1 ${a.oldCert.sha1Hex} (certHash \`${a.oldCert.sha1Base64}\`), notAfter ${a.oldCert.notAfter}`,
    );
  if (a.newCert)
    lines.push(
      `- new: trustpoint \`${a.trustpoint}\`, SHA-1 ${a.newCert.sha1Hex} (certHash \`${a.newCert.sha1Base64}\`), notAfter ${a.newCert.notAfter}`,
    );
  if (s.findings.length > 0) {
    lines.push('', '## Plan findings', '', '| Severity | Check | Message |', '|---|---|---|');
    for (const f of s.findings) lines.push(`| ${f.severity} | ${f.check} | ${cell(f.message)} |`);
  }
  if (s.failures.length > 0) {
    lines.push('', '## Phones that failed', '', '| Phone | Reason |', '|---|---|');
    for (const f of s.failures) lines.push(`| ${f.name} | ${cell(f.reason)} |`);
  }
  return `${lines.join('\n')}\n`;
}
