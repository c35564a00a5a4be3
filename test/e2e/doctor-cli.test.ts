/**
 * `certroll doctor` as an operator runs it (a subprocess of the built CLI) against the test run's dev server and a
 * lab: the JSON report, the gateway picked from the inventory when --gateway is left out, exit 0 when healthy,
 * 1 once a blocker appears, 2 for names the inventory does not know.
 */
import type { DoctorReport } from '../../activities/doctor';
import { runCli } from '../support/cli';
import { rolloverRig } from '../support/rollover-harness';
import { cliEnv, connectTestTemporal, TestTemporal } from '../support/temporal';

describe('certroll doctor CLI against the dev server and the lab', () => {
  let t: TestTemporal;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await connectTestTemporal();
    env = cliEnv();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('healthy: exit 0 and the JSON report for the one gateway; a blocker: exit 1 with the fix; unknown names: exit 2', async () => {
    const rig = await rolloverRig(t, { phones: 3, currentNotAfter: new Date(Date.now() + 200 * 86_400_000) });
    try {
      await rig.workers.runUntil(async () => {
        const { asa, cluster, gateway } = rig.input;
        const base = ['doctor', '--inventory', rig.lab.inventoryPath, '--cluster', cluster];
        // No --gateway: the inventory has exactly one gateway for this ASA and cluster.
        const args = [...base, '--asa', asa, '--task-queue', rig.taskQueue];

        const healthy = await runCli([...args, '--json'], { env, timeoutMs: 90_000 });
        expect({ code: healthy.code, stderr: healthy.stderr }).toEqual({ code: 0, stderr: '' });
        const report = JSON.parse(healthy.stdout) as DoctorReport;
        expect(Object.keys(report).sort()).toEqual(['asa', 'counts', 'findings', 'gateway']);
        expect(report.asa).toBe(asa);
        expect(report.gateway).toBe(gateway);
        expect(report.counts).toEqual({ blocker: 0, warn: 1, info: 0, ok: 13 });
        expect(report.findings).toHaveLength(14);
        for (const f of report.findings) {
          expect(Object.keys(f).filter((k) => !['evidence', 'fix'].includes(k))).toEqual([
            'check',
            'title',
            'severity',
            'message',
          ]);
          expect(['blocker', 'warn', 'info', 'ok']).toContain(f.severity);
        }
        expect(report.findings.filter((f) => f.severity === 'warn').map((f) => f.check)).toEqual(['same-cn']);

        // Phones cannot run CSD: switched on globally, the phone connection profile has no without-csd.
        rig.lab.asa.updateConfig({ csdEnabled: true });
        const blocked = await runCli(args, { env, timeoutMs: 90_000 });
        expect({ code: blocked.code, stderr: blocked.stderr }).toEqual({ code: 1, stderr: '' });
        expect(blocked.stdout).toMatch(
          new RegExp(`^doctor ${asa} / ${gateway}: 1 blocker\\(s\\), 1 warning\\(s\\)\\n`),
        );
        expect(blocked.stdout).toContain(
          'BLOCKER Cisco Secure Desktop (phones cannot run CSD): csd enable is set globally and the phone connection profile VPNPhone has no without-csd\n' +
            '        evidence: webvpn\n' +
            '                   csd enable\n',
        );
        expect(blocked.stdout).toContain(
          '        fix: tunnel-group VPNPhone webvpn-attributes\n              without-csd\n',
        );

        const unknownAsa = await runCli([...base, '--asa', 'NO-SUCH-ASA'], { env });
        expect(unknownAsa.code).toBe(2);
        expect(unknownAsa.stderr).toBe('certroll: --asa NO-SUCH-ASA: not in the inventory\n');
        const unknownGateway = await runCli([...args, '--gateway', 'NO-SUCH-GATEWAY'], { env });
        expect(unknownGateway.code).toBe(2);
        expect(unknownGateway.stderr).toBe(`certroll: --gateway: choose one of ${gateway}\n`);
      });
    } finally {
      await rig.close();
    }
  });
});
