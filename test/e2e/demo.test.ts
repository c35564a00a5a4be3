/**
 * `npm run demo` as a user runs it: a subprocess with an embedded dev server, the lab with 200 phones, a worker and
 * one full rollover on auto-approve. Exit 0 means every lab phone ended registered through the new certificate.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/cli';

function npmRunDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // The dev server of the test run is not this demo's: it starts its own, as it does for a user.
    const env = { ...process.env };
    delete env.TEMPORAL_ADDRESS;
    const child = spawn('npm', ['run', '--silent', 'demo', '--', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 540_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run demo', () => {
  it('runs a full rollover for 200 lab phones and exits 0 with the JSON summary', async () => {
    const r = await npmRunDemo(['--json']);
    expect({ code: r.code, stderr: r.stderr.slice(-2000) }).toEqual({ code: 0, stderr: expect.any(String) });
    // --json: standard output is the one JSON object, nothing else.
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      workflowId: 'rollover/asa1/ASA-PhoneVPN',
      outcome: 'completed',
      phones: { inScope: 200, applied: 200, verified: 200, registered: 200, failed: 0 },
      phonesOnNewCertificate: 200,
    });
    expect(summary.gateLog.map((g: { gate: string }) => g.gate)).toEqual(['plan', 'push', 'switch', 'cleanup']);
    expect(summary.report).toBe(path.join(ROOT, 'reports', 'rollover', 'asa1', 'ASA-PhoneVPN.md'));
    const report = readFileSync(summary.report, 'utf8');
    expect(report).toMatch(/\| cleanup \| done \| \S+ \| [\d.]+ s \|/);
    expect(report).toContain('| switch | approve | certroll (auto policy) |');
    expect(report).toContain('| 200 | 200 | 200 | 200 | 0 |');
  }, 600_000);

  it('--fail-at gateway: gate failure is answered with rollback, the report says so, exit 1', async () => {
    const r = await npmRunDemo(['--phones', '5', '--auto-approve', '--json', '--fail-at', 'gateway']);
    expect({ code: r.code, stderr: r.stderr.slice(-2000) }).toEqual({ code: 1, stderr: expect.any(String) });
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ outcome: 'rolled-back', phones: { applied: 0 } });
    expect(summary.gateLog.map((g: { gate: string; decision: string }) => `${g.gate}:${g.decision}`)).toEqual([
      'plan:approve',
      'failure:rollback',
    ]);
    const report = readFileSync(summary.report, 'utf8');
    expect(report).toContain('Outcome: **rolled-back**');
    expect(report).toMatch(/\| gateway \| rolled-back \|/);
    expect(report).toMatch(/\| failure \| rollback \| certroll demo --auto-approve \|/);
  }, 300_000);
});
