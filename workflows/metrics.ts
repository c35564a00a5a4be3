/**
 * certroll_* gauges, emitted from workflow code through the SDK's metric meter (suppressed on replay) and served by
 * the worker's Prometheus endpoint next to the SDK's own metrics.
 */
import { metricMeter } from '@temporalio/workflow';
import type { RolloverStatus } from './rollover-types';
import { PHASES } from './rollover-types';

// Created on first use: the workflow metric meter exists only inside a workflow context (the CLI imports these
// modules for their message definitions).
const gauges = () => ({
  phase: metricMeter.createGauge(
    'certroll_rollover_phase',
    'int',
    '',
    'index of the current rollover phase (plan=0 … cleanup=8, done=9)',
  ),
  phones: metricMeter.createGauge('certroll_phones', 'int', '', 'phones of the rollover by state'),
  expiry: metricMeter.createGauge(
    'certroll_certificate_expiration_timestamp_seconds',
    'int',
    's',
    'notAfter of the ASA certificate, seconds since the epoch',
  ),
});

export function recordRolloverMetrics(s: RolloverStatus): void {
  const { phase: phaseGauge, phones: phonesGauge, expiry: expiryGauge } = gauges();
  const tags = { asa: s.asa, gateway: s.gateway };
  phaseGauge.set(s.phase === 'done' ? PHASES.length : PHASES.indexOf(s.phase), tags);
  const c = s.coverage;
  for (const [state, value] of Object.entries({
    in_scope: c.inScope,
    applied: c.applied,
    verified: c.verified,
    registered: c.registered,
    failed: c.failed,
  })) {
    phonesGauge.set(value, { ...tags, state });
  }
  for (const [which, cert] of Object.entries({ old: s.artifacts.oldCert, new: s.artifacts.newCert })) {
    if (cert?.notAfter) expiryGauge.set(Math.floor(Date.parse(cert.notAfter) / 1000), { ...tags, certificate: which });
  }
}

export function recordCertificateExpiry(tags: Record<string, string>, notAfter: string): void {
  gauges().expiry.set(Math.floor(Date.parse(notAfter) / 1000), tags);
}
