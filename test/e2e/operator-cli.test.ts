/**
 * The operator's verbs as a user runs them (subprocesses of the built CLI) against the test run's dev server and a
 * lab: start, watch, status, approve (wrong gate refused), list, rollback; and `certroll worker --metrics` serving
 * Prometheus metrics with the SDK's and certroll's own series.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../cli/temporal-dev-server';
import { startLab } from '../../lab';
import { rolloverStatus } from '../../workflows/rollover';
import { CertrollNotAfter } from '../../workflows/search-attributes';
import type { RolloverResult } from '../../workflows/rollover-types';
import { runCli } from '../support/cli';
import { createTestCa } from '../support/pki';
import { rolloverRig, waitForGate } from '../support/rollover-harness';
import { cliEnv, connectTestTemporal, TestTemporal } from '../support/temporal';

describe('operator CLI against the dev server and the lab', () => {
  let t: TestTemporal;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await connectTestTemporal();
    env = cliEnv({ CERTROLL_UI_URL: 'http://127.0.0.1:8233' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('start → watch stops at the plan gate → status → a wrong approval is refused → approve → rollback', async () => {
    const rig = await rolloverRig(t, { phones: 5 });
    try {
      await rig.workers.runUntil(async () => {
        const inv = ['--inventory', rig.lab.inventoryPath];
        const started = await runCli(
          ['start', ...inv, '--gateway', rig.input.gateway, '--task-queue', rig.taskQueue, '--json'],
          { env },
        );
        expect(started.code).toBe(0);
        const { workflowId, ui } = JSON.parse(started.stdout);
        expect(workflowId).toBe(`rollover/${rig.input.asa}/${rig.input.gateway}`);
        expect(ui).toBe(`http://127.0.0.1:8233/namespaces/certroll/workflows/${encodeURIComponent(workflowId)}`);

        const again = await runCli(['start', ...inv, '--gateway', rig.input.gateway, '--task-queue', rig.taskQueue], {
          env,
        });
        expect(again.code).toBe(1);
        expect(again.stderr).toMatch(/already (started|running)/i);

        const badFlag = await runCli(['start', ...inv, '--gateway', 'NO-SUCH-GATEWAY'], { env });
        expect(badFlag.code).toBe(2);
        expect(badFlag.stderr).toContain('--gateway NO-SUCH-GATEWAY: not in the inventory');

        const watch = await runCli(['watch', workflowId, '--interval', '0.5'], { env, timeoutMs: 120_000 });
        expect(watch.code).toBe(0);
        expect(watch.stdout).toContain('gate "plan" is open');
        expect(watch.stdout).toMatch(/registered \[\.{30}\] 0\/5 /);

        const status = JSON.parse((await runCli(['status', workflowId, '--json'], { env })).stdout);
        expect(status).toMatchObject({ phase: 'trustpoint', gate: { gate: 'plan', allowed: ['approve', 'reject'] } });

        const wrong = await runCli(['approve', workflowId, '--gate', 'push', '--by', 'ops'], { env });
        expect(wrong.code).toBe(1);
        expect(wrong.stderr).toContain(
          'the workflow refused the decision: gate "push" is not open; the open gate is "plan"',
        );

        const ok = await runCli(
          [
            'approve',
            `${rig.input.asa}/${rig.input.gateway}`,
            '--gate',
            'plan',
            '--by',
            'ops',
            '--comment',
            'change 4711',
          ],
          { env },
        );
        expect(ok.code).toBe(0);
        expect(ok.stdout).toMatch(/^recorded: gate plan → approve by ops at /);

        const handle = t.client.workflow.getHandle(workflowId);
        for (;;) {
          if ((await handle.query(rolloverStatus)).gate?.gate === 'push') break;
          await new Promise((r) => setTimeout(r, 250));
        }
        // Visibility is eventually consistent: read the list until the row shows the phase the workflow upserted.
        const row = {
          workflowId,
          status: 'RUNNING',
          phase: 'gate:push',
          asa: rig.input.asa,
          gateway: rig.input.gateway,
        };
        let rows: unknown[] = [];
        for (let i = 0; i < 10; i++) {
          const listed = await runCli(['list', '--json'], { env });
          expect(listed.code).toBe(0);
          rows = JSON.parse(listed.stdout);
          if (rows.some((r) => (r as { phase?: string; workflowId: string }).phase === 'gate:push')) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        expect(rows).toContainEqual(expect.objectContaining(row));
        const described = await handle.describe();
        expect(described.typedSearchAttributes.get(CertrollNotAfter)?.toISOString()).toBe(
          (await handle.query(rolloverStatus)).artifacts.oldCert!.notAfter,
        );

        const notAllowed = await runCli(['reject', workflowId, '--gate', 'push', '--by', 'ops'], { env });
        expect(notAllowed.code).toBe(1);
        expect(notAllowed.stderr).toContain('gate "push" accepts approve | rollback | abort, not "reject"');
        const badJson = await runCli(['decide', workflowId, '--json', '{"gate":"push","decision":"maybe"}'], { env });
        expect(badJson.code).toBe(2);

        const rollback = await runCli(['rollback', workflowId, '--by', 'ops', '--comment', 'not tonight'], { env });
        expect(rollback.code).toBe(0);
        const result = (await handle.result()) as RolloverResult;
        expect(result.outcome).toBe('rolled-back');
        expect(result.status.gateLog.map((g) => `${g.gate}:${g.decision}:${g.by}:${g.comment ?? ''}`)).toEqual([
          'plan:approve:ops:change 4711',
          'push:rollback:ops:not tonight',
        ]);
      });
    } finally {
      await rig.close();
    }
  });

  it('CSR mode from the terminal: status shows the CSR, provide-cert hands over the signed certificate', async () => {
    const rig = await rolloverRig(t, { phones: 3 });
    const ca = createTestCa('CLI Issuing CA');
    try {
      await rig.workers.runUntil(async () => {
        const inv = ['--inventory', rig.lab.inventoryPath];
        const started = await runCli(
          ['start', ...inv, '--gateway', rig.input.gateway, '--task-queue', rig.taskQueue, '--mode', 'csr', '--json'],
          { env },
        );
        expect(started.code).toBe(0);
        const { workflowId } = JSON.parse(started.stdout);
        expect((await runCli(['approve', workflowId, '--gate', 'plan', '--by', 'ops'], { env })).code).toBe(0);
        const handle = t.client.workflow.getHandle(workflowId);
        await waitForGate(handle, 'signed-cert');
        const status = JSON.parse((await runCli(['status', workflowId, '--json'], { env })).stdout);
        const pemFile = path.join(rig.lab.dir, 'signed.pem');
        writeFileSync(pemFile, ca.sign(status.artifacts.csrPem) + ca.certPem);

        const notPem = path.join(rig.lab.dir, 'not.pem');
        writeFileSync(notPem, 'hello');
        const refused = await runCli(['provide-cert', workflowId, '--pem', notPem, '--by', 'ops'], { env });
        expect(refused.code).toBe(2);

        const given = await runCli(['provide-cert', workflowId, '--pem', pemFile, '--by', 'ops'], { env });
        expect(given.code).toBe(0);
        expect((await waitForGate(handle, 'push')).artifacts.newCert?.issuerRfc2253).toContain('CLI Issuing CA');
        expect((await runCli(['rollback', workflowId, '--by', 'ops'], { env })).code).toBe(0);
        expect(((await handle.result()) as RolloverResult).outcome).toBe('rolled-back');
      });
    } finally {
      await rig.close();
    }
  });

  it('certroll worker serves the rollover and Prometheus metrics (SDK and certroll_*), and stops on SIGINT', async () => {
    const id = randomUUID().slice(0, 6);
    const lab = await startLab({ phones: 3, names: { asa: `asa-${id}`, cluster: `cl-${id}`, gateway: `GW-${id}` } });
    const taskQueue = `certroll-cli-${id}`;
    const metricsPort = await freePort();
    const worker = spawn(
      process.execPath,
      [
        'bin/certroll.js',
        'worker',
        '--inventory',
        lab.inventoryPath,
        '--task-queue',
        taskQueue,
        '--metrics',
        `127.0.0.1:${metricsPort}`,
      ],
      { env: { ...process.env, ...env, CERTROLL_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
    try {
      const started = await runCli(
        [
          'start',
          '--inventory',
          lab.inventoryPath,
          '--gateway',
          lab.names.gateway,
          '--task-queue',
          taskQueue,
          '--dry-run',
          '--json',
        ],
        { env },
      );
      expect(started.code).toBe(0);
      const result = (await t.client.workflow
        .getHandle(JSON.parse(started.stdout).workflowId)
        .result()) as RolloverResult;
      expect(result.outcome).toBe('dry-run');
      let metrics = '';
      for (let i = 0; i < 40 && !metrics.includes('certroll_rollover_phase'); i++) {
        metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
          (r) => r.text(),
          () => '',
        );
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(metrics).toMatch(/certroll_rollover_phase\{[^}]*asa="[^"]+"/);
      expect(metrics).toMatch(/certroll_certificate_expiration_timestamp_seconds\{/);
      expect(metrics).toMatch(/temporal_workflow_completed/);
    } finally {
      worker.kill('SIGINT');
      expect(await exited).toBe(0);
      await lab.close();
    }
  });
});
