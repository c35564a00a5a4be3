/**
 * The rollover when things go wrong: CSR mode with bad certificates pasted at the gate, phones that reject the new
 * certificate after the switch (automatic revert), and a worker that dies in the middle of the rollout.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { readStatus } from '../../cli/read-status';
import { decide } from '../../workflows/messages';
import { rolloverStatus } from '../../workflows/rollover';
import type { RolloverResult } from '../../workflows/rollover-types';
import { createCertrollWorkers } from '../../worker/workers';
import { resolveSecret } from '../../worker/secrets';
import { createTestCa, createTestCsr } from '../support/pki';
import { decideGate, rolloverRig, waitForGate } from '../support/rollover-harness';
import { connectTestTemporal, TestTemporal, updateRejection, workflowBundle } from '../support/temporal';

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('rollover resilience', () => {
  let t: TestTemporal;
  beforeAll(async () => {
    t = await connectTestTemporal();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('CSR mode: waits at signed-cert; a bad PEM and a PEM for another key are refused; an import refused by the ASA and retried asks for the PEM again', async () => {
    const rig = await rolloverRig(t, { phones: 5 }, { certificateMode: 'csr' });
    const ca = createTestCa('Example Issuing CA');
    try {
      await rig.workers.runUntil(async () => {
        const handle = await rig.start();
        await decideGate(handle, 'plan');
        const waiting = await waitForGate(handle, 'signed-cert');
        const csrPem = waiting.artifacts.csrPem!;
        expect(csrPem).toMatch(/BEGIN CERTIFICATE REQUEST/);

        const send = (pem: string) =>
          handle.executeUpdate(decide, { args: [{ gate: 'signed-cert', decision: 'approve', by: 'jest', pem }] });
        expect(
          await updateRejection(send('-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----')),
        ).toMatch(/not valid PEM|not a valid X.509/);
        const other = ca.sign(createTestCsr('someone-else.example.com').csrPem);
        expect(await updateRejection(send(other))).toMatch(/not the key of this rollover's CSR/);
        expect((await handle.query(rolloverStatus)).gateLog.map((g) => g.gate)).toEqual(['plan']);

        expect(rig.lab.asa.state().trustpoints.some((tp) => tp.pendingCsr)).toBe(true);
        // The ASA refuses the import once (AAA command authorization): gate failure; `retry` asks for the PEM again.
        rig.lab.asa.faults.authorizationFails = /^crypto ca import /;
        const signed = ca.sign(csrPem) + ca.certPem;
        const record = await send(signed);
        expect(record).toMatchObject({ gate: 'signed-cert', decision: 'approve', by: 'jest' });
        const failure = await waitForGate(handle, 'failure');
        expect(failure.lastError).toMatch(/Command authorization failed/);
        rig.lab.asa.faults.authorizationFails = undefined;
        await decideGate(handle, 'failure', 'retry');
        const again = await waitForGate(handle, 'signed-cert');
        expect(again.artifacts.csrPem).toBe(csrPem);
        await send(signed);
        const atPush = await waitForGate(handle, 'push');
        expect(atPush.gateLog.map((g) => `${g.gate}:${g.decision}`)).toEqual([
          'plan:approve',
          'signed-cert:approve',
          'failure:retry',
          'signed-cert:approve',
        ]);
        expect(atPush.artifacts.newCert?.issuerRfc2253).toContain('Example Issuing CA');
        await decideGate(handle, 'push', 'rollback');
        expect(((await handle.result()) as RolloverResult).outcome).toBe('rolled-back');
      });
    } finally {
      await rig.close();
    }
  });

  it('phones that reject the new certificate after the switch: automatic revert, gate failure, phones back', async () => {
    const rig = await rolloverRig(t, { phones: 20 }, { gates: { plan: 'auto', push: 'auto' } });
    try {
      await rig.workers.runUntil(async () => {
        const handle = await rig.start();
        const atSwitchGate = await waitForGate(handle, 'switch');
        // Old firmware that cannot use the new certificate: every phone refuses it at the next handshake.
        rig.lab.fleet.rejectCertificate(atSwitchGate.artifacts.newCert!.sha1Base64);
        await decideGate(handle, 'switch');
        const failure = await waitForGate(handle, 'failure');
        expect(failure.lastError).toMatch(/automatic revert to trustpoint VPN-CURRENT/);
        expect(rig.lab.snapshot().asa.bindings).toContainEqual(
          expect.objectContaining({ trustpoint: 'VPN-CURRENT', iface: 'outside' }),
        );
        await rig.lab.fleet.settle(60_000);
        const phones = rig.lab.cucm.state().phones;
        expect(phones.filter((p) => p.status === 'Registered')).toHaveLength(20);
        const oldHash = failure.artifacts.oldCert!.sha1Base64;
        for (const p of phones) expect(rig.lab.fleet.phone(p.name).lastHandshakeSha1).toBe(oldHash);
        await decideGate(handle, 'failure', 'abort');
        expect(((await handle.result()) as RolloverResult).outcome).toBe('aborted');
      });
    } finally {
      await rig.close();
    }
  });

  it('rollback at the switch gate after the rollout: gateway, trust store, ASA and phone configs back to the old certificate', async () => {
    const rig = await rolloverRig(t, { phones: 10 }, { gates: { plan: 'auto', push: 'auto' } });
    try {
      const before = rig.lab.snapshot();
      const result = await rig.workers.runUntil(async () => {
        const handle = await rig.start();
        const atSwitch = await waitForGate(handle, 'switch');
        expect(atSwitch.coverage).toMatchObject({ inScope: 10, verified: 10, registered: 10 });
        await decideGate(handle, 'switch', 'rollback', { comment: 'change window closed' });
        return (await handle.result()) as RolloverResult;
      });
      expect(result.outcome).toBe('rolled-back');
      const after = rig.lab.snapshot();
      expect(after.cucm.gateways).toEqual(before.cucm.gateways);
      expect(after.cucm.trust).toEqual(before.cucm.trust);
      expect(after.asa.trustpoints).toEqual(before.asa.trustpoints);
      expect(after.asa.keys).toEqual(before.asa.keys);
      // The phones that got the two-hash config were re-applied: their configs carry the old hash only again.
      const oldHash = result.status.artifacts.oldCert!.sha1Base64;
      const newHash = result.status.artifacts.newCert!.sha1Base64;
      for (const p of after.cucm.phones) {
        const xml = rig.lab.cucm.readFile(`${p.name}.cnf.xml`)!.toString();
        expect(xml).toContain(oldHash);
        expect(xml).not.toContain(newHash);
        expect(p.status).toBe('Registered');
      }
      const restore = rig.lab.cucm.requestLog.filter(
        (r) => r.operation === 'applyPhone' || r.operation === 'doDeviceReset',
      );
      expect(restore.length).toBeGreaterThanOrEqual(20);
    } finally {
      await rig.close();
    }
  });

  it('cancel (the Web UI button) means rollback: the run ends cancelled, devices are back, status shows what was undone', async () => {
    const rig = await rolloverRig(t, { phones: 5 }, { gates: { plan: 'auto' } });
    try {
      const before = rig.lab.snapshot();
      await rig.workers.runUntil(async () => {
        const handle = await rig.start();
        const atPush = await waitForGate(handle, 'push');
        expect(atPush.phases.find((p) => p.name === 'gateway')?.status).toBe('done');
        await handle.cancel();
        await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
        expect((await handle.describe()).status.name).toBe('CANCELLED');
        // `certroll status` on the closed run: the query, answered by the worker from history.
        const status = await readStatus(t.client, handle.workflowId);
        expect(status.outcome).toBe('rolled-back');
        expect(status.phases.filter((p) => p.status === 'rolled-back').map((p) => p.name)).toEqual(
          expect.arrayContaining(['trustpoint', 'trust-import', 'gateway']),
        );
      });
      const after = rig.lab.snapshot();
      expect(after.cucm.gateways).toEqual(before.cucm.gateways);
      expect(after.cucm.trust).toEqual(before.cucm.trust);
      expect(after.asa.trustpoints).toEqual(before.asa.trustpoints);
      expect(after.asa.keys).toEqual(before.asa.keys);
    } finally {
      await rig.close();
    }
  });

  it('stop the line: a wave above the failure threshold opens gate failure before the next wave; a retry lists each phone once', async () => {
    const rig = await rolloverRig(
      t,
      { phones: 20, fleet: { neverReturnShare: 1 } },
      { gates: { plan: 'auto', push: 'auto' }, waveSize: 10, registrationTimeout: '6 seconds' },
    );
    try {
      await rig.workers.runUntil(async () => {
        const handle = await rig.start();
        const applied = () => rig.lab.cucm.requestLog.filter((r) => r.operation === 'applyPhone').length;
        const stopped = await waitForGate(handle, 'failure');
        expect(stopped.lastError).toMatch(/rollout wave 1\/2: 10 of 10 phones failed .*line stopped/);
        expect(stopped.coverage.wavesDone).toBe(0);
        expect(applied()).toBe(10); // wave 2 never started
        expect(stopped.failures.map((f) => f.name)).toHaveLength(10);

        await decideGate(handle, 'failure', 'retry');
        await until(() => applied() === 20);
        const again = await waitForGate(handle, 'failure');
        expect(again.lastError).toMatch(/line stopped/);
        expect(new Set(again.failures.map((f) => f.name)).size).toBe(10);
        expect(again.failures).toHaveLength(10);
        await decideGate(handle, 'failure', 'abort');
        expect(((await handle.result()) as RolloverResult).outcome).toBe('aborted');
        expect(applied()).toBe(20);
      });
    } finally {
      await rig.close();
    }
  });

  it('crash safety: a worker stopped mid-rollout, a new one finishes; no duplicate trustpoint, upload or gateway update', async () => {
    const rig = await rolloverRig(
      t,
      { phones: 60 },
      { waveSize: 20, gates: { plan: 'auto', push: 'auto', switch: 'auto' } },
    );
    try {
      const handle = await rig.workers.runUntil(async () => {
        const h = await rig.start();
        for (;;) {
          const s = await h.query(rolloverStatus);
          if (s.phase === 'rollout' && s.coverage.wavesDone >= 1) return h;
          if (s.outcome) throw new Error(`ended early: ${s.outcome}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      });
      // The first worker is gone (runUntil shut it down mid-rollout); a fresh one picks the rollover up.
      const second = await createCertrollWorkers({
        connection: t.nativeConnection,
        namespace: t.namespace,
        inventory: rig.lab.inventory,
        resolveSecret: (ref) => resolveSecret(ref),
        taskQueue: rig.taskQueue,
        workflowBundle: workflowBundle(),
      });
      const result = await second.runUntil(async () => {
        await decideGate(handle, 'cleanup', 'reject', { comment: 'keep both for now' });
        return (await handle.result()) as RolloverResult;
      });
      expect(result.outcome).toBe('kept-old-certificate');
      expect(result.status.coverage).toMatchObject({ inScope: 60, registered: 60, failed: 0 });
      const trustpointCreates = rig.lab.asa.commandLog.filter((c) => /^crypto ca trustpoint CR-/.test(c));
      const keyCreates = rig.lab.asa.commandLog.filter((c) => /^crypto key generate rsa label CR-/.test(c));
      expect(trustpointCreates).toHaveLength(1);
      expect(keyCreates).toHaveLength(1);
      const writes = rig.lab.cucm.requestLog.filter((r) => r.write && r.status < 300);
      expect(writes.filter((r) => r.api === 'certmgr')).toHaveLength(1);
      expect(writes.filter((r) => r.operation === 'updateVpnGateway')).toHaveLength(1);
    } finally {
      await rig.close();
    }
  });
});
