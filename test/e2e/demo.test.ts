/**
 * `npm run demo` as a user runs it: a subprocess with an embedded dev server, the lab with 200 phones, a worker and
 * one full rollover on auto-approve. Exit 0 means every lab phone ended registered through the new certificate.
 */
import { spawn } from 'node:child_process';
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
    const summary = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
    expect(summary).toMatchObject({
      workflowId: 'rollover/asa1/ASA-PhoneVPN',
      outcome: 'completed',
      phones: { inScope: 200, applied: 200, verified: 200, registered: 200, failed: 0 },
      phonesOnNewCertificate: 200,
    });
    expect(summary.gateLog.map((g: { gate: string }) => g.gate)).toEqual(['plan', 'push', 'switch', 'cleanup']);
  }, 600_000);
});
