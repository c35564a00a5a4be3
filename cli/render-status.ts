/** Plain-text rendering of a rollover's status for the terminal (the UI gets markdown from the workflow). */
import type { RolloverStatus } from '../workflows/rollover-types';

const ICONS: Record<string, string> = {
  pending: ' ',
  running: '…',
  waiting: '‖',
  done: '✓',
  failed: '✗',
  skipped: '-',
  'rolled-back': '↩',
};

export function bar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

export function renderStatus(s: RolloverStatus): string {
  const lines = [`${s.workflowId}  phase: ${s.phase}${s.outcome ? `  outcome: ${s.outcome}` : ''}`];
  for (const p of s.phases)
    lines.push(`  ${ICONS[p.status] ?? '?'} ${p.name.padEnd(13)} ${p.status.padEnd(11)} ${p.detail ?? ''}`);
  const c = s.coverage;
  lines.push(`  applied    ${bar(c.applied, c.inScope)}`);
  lines.push(`  verified   ${bar(c.verified, c.inScope)}`);
  lines.push(
    `  registered ${bar(c.registered, c.inScope)}   failed ${c.failed}   waves ${c.wavesDone}/${c.wavesTotal}`,
  );
  for (const f of s.findings.filter((x) => x.severity === 'blocker' || x.severity === 'warn')) {
    lines.push(`  ${f.severity.toUpperCase()} ${f.check}: ${f.message}`);
  }
  if (s.lastError) lines.push(`  last error: ${s.lastError}`);
  if (s.gate) {
    lines.push(`  gate "${s.gate.gate}" is open: ${s.gate.question}`);
    if (s.gate.approvalBlockedBy.length > 0) lines.push(`    approval refused while blockers remain`);
    lines.push(`    allowed: ${s.gate.allowed.join(' | ')}`);
    lines.push(`    certroll decide ${s.workflowId} --json '${s.gate.example}'`);
  }
  return lines.join('\n');
}
