/**
 * The rollover on the real dev server against the lab (SSH ASA, HTTPS CUCM, UDP TFTP, a phone fleet that really
 * fetches its config and handshakes): the happy path, a rejected plan, a same-CN blocker and a rollback.
 */
import { rolloverStatus } from '../../workflows/rollover';
import type { RolloverResult } from '../../workflows/rollover-types';
import { maybeRecordHistory } from '../support/histories';
import { currentDetails, decideGate, rolloverRig, RolloverRig, waitForGate } from '../support/rollover-harness';
import { connectTestTemporal, TestTemporal, updateRejection } from '../support/temporal';
import { decide } from '../../workflows/messages';
import { webhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

/** What must be identical after a rollback: ASA config, CUCM objects (registrations and logs aside). */
function configOf(rig: RolloverRig) {
  const { asa, cucm } = rig.lab.snapshot();
  return {
    asa: {
      trustpoints: asa.trustpoints,
      keys: asa.keys,
      bindings: asa.bindings,
      ssl: asa.ssl,
      unsavedChanges: asa.unsavedChanges,
    },
    cucm: { trust: cucm.trust, gateways: cucm.gateways, groups: cucm.groups, profiles: cucm.profiles },
  };
}

/** Anything but reading: the plan phase may only show, export (the public certificate) and set the pager. */
const READ_ONLY = /^(show |crypto ca export \S+ identity-certificate$|terminal pager 0$|enable$|exit$|end$|$)/;

describe('rollover workflow on the real dev server and the lab', () => {
  let t: TestTemporal;
  let hooks: WebhookReceiver;
  beforeAll(async () => {
    t = await connectTestTemporal();
    hooks = await webhookReceiver();
  });
  afterAll(async () => {
    await hooks?.close();
    await t?.close();
  });

  /** What this rollover's webhook received, in order. */
  const notificationsOf = (workflowId: string) => hooks.received.filter((n) => n.workflowId === workflowId);

  it('happy path: self-signed, 50 phones, host-ID check on, every gate approved through the Update', async () => {
    const rig = await rolloverRig(t, { phones: 50, hostIdCheck: true, webhooks: [hooks.url] });
    try {
      const oldPem = rig.lab.asa.boundCertificatePem();
      let workflowId = '';
      const result = await rig.workers.runUntil(async () => {
        const handle = await rig.start();
        workflowId = handle.workflowId;
        const plan = await waitForGate(handle, 'plan');
        expect(plan.findings.filter((f) => f.severity === 'blocker')).toEqual([]);
        expect(plan.coverage.inScope).toBe(50);
        await decideGate(handle, 'plan');
        await decideGate(handle, 'push');
        const atSwitch = await waitForGate(handle, 'switch');
        expect(atSwitch.coverage).toMatchObject({ inScope: 50, applied: 50, verified: 50, registered: 50, failed: 0 });
        await decideGate(handle, 'switch');

        const atCleanup = await waitForGate(handle, 'cleanup');
        const newHash = atCleanup.artifacts.newCert!.sha1Base64;
        const { asa, cucm } = rig.lab.snapshot();
        // The ASA presents the new trustpoint on the interface and saved it.
        expect(asa.bindings).toContainEqual(
          expect.objectContaining({ trustpoint: atCleanup.artifacts.trustpoint, iface: 'outside' }),
        );
        expect(asa.unsavedChanges).toBe(false);
        expect(asa.startupConfig).toContain(`ssl trust-point ${atCleanup.artifacts.trustpoint} outside`);
        // The gateway lists old and new.
        const listed = cucm.gateways.find((g) => g.name === rig.input.gateway)!.certificates.map((c) => c.sha1Base64);
        expect(listed).toEqual(expect.arrayContaining([atCleanup.artifacts.oldCert!.sha1Base64, newHash]));
        // Every phone is registered and last saw the new certificate.
        for (const p of cucm.phones) {
          expect(p.status).toBe('Registered');
          expect(rig.lab.fleet.phone(p.name).lastHandshakeSha1).toBe(newHash);
        }
        expect(rig.lab.asa.boundCertificatePem()).not.toBe(oldPem);

        // The Web UI's current details: the phase table, the decisions so far, the payload for the open gate.
        const details = await currentDetails(handle);
        expect(details).toMatch(/\| cleanup \| ⏸ waiting \|/);
        expect(details).toMatch(/\| switch \| approve \| jest \|/);
        expect(details).toContain('{"gate":"cleanup","decision":"approve","by":"your-name"}');

        await decideGate(handle, 'cleanup');
        const r: RolloverResult = await handle.result();
        const done = await currentDetails(handle);
        expect(done).toContain('**Outcome: completed**');
        expect(done.match(/\| ✅ done \|/g)).toHaveLength(r.status.phases.length);
        await maybeRecordHistory(handle, 'rollover-happy-path');
        return r;
      });
      expect(result.outcome).toBe('completed');
      expect(result.status.phases.every((p) => p.status === 'done')).toBe(true);
      // After cleanup only the new certificate remains, and the old trustpoint and key are gone.
      const { asa, cucm } = rig.lab.snapshot();
      const gw = cucm.gateways.find((g) => g.name === rig.input.gateway)!;
      expect(gw.certificates.map((c) => c.sha1Base64)).toEqual([result.status.artifacts.newCert!.sha1Base64]);
      expect(asa.trustpoints.map((tp) => tp.name)).not.toContain('VPN-CURRENT');
      expect(result.status.gateLog.map((g) => `${g.gate}:${g.decision}:${g.by}`)).toEqual([
        'plan:approve:jest',
        'push:approve:jest',
        'switch:approve:jest',
        'cleanup:approve:jest',
      ]);
      // Notifications: started, each gate waiting (with UI link and approve command), switched with both hash forms.
      const sent = notificationsOf(workflowId);
      expect(sent.map((n) => n.kind)).toEqual(
        expect.arrayContaining(['rollover-started', 'gate-waiting', 'switched', 'completed']),
      );
      expect(sent.filter((n) => n.kind === 'gate-waiting').map((n) => n.gate)).toEqual([
        'plan',
        'push',
        'switch',
        'cleanup',
      ]);
      const pushWaiting = sent.find((n) => n.gate === 'push')!;
      expect(pushWaiting.uiUrl).toContain(encodeURIComponent(workflowId));
      expect(pushWaiting.approveCommand).toContain(`certroll decide '${workflowId}'`);
      const newCert = result.status.artifacts.newCert!;
      const switched = sent.find((n) => n.kind === 'switched')!;
      expect(switched.text).toContain(newCert.sha1Hex);
      expect(switched.text).toContain(newCert.sha1Base64);
      expect(sent.filter((n) => n.kind === 'switched')).toHaveLength(1);
    } finally {
      await rig.close();
    }
  });

  it('plan gate rejected: no device changed (no configuration command, no write request)', async () => {
    const rig = await rolloverRig(t, { phones: 10 });
    try {
      const before = configOf(rig);
      const logStart = rig.lab.asa.commandLog.length;
      const result = await rig.workers.runUntil(async () => {
        const handle = await rig.start();
        await decideGate(handle, 'plan', 'reject', { comment: 'not today' });
        return (await handle.result()) as RolloverResult;
      });
      expect(result.outcome).toBe('rejected');
      const commands = rig.lab.asa.commandLog.slice(logStart);
      expect(commands.length).toBeGreaterThan(0);
      expect(commands.filter((c) => !READ_ONLY.test(c))).toEqual([]);
      expect(rig.lab.cucm.requestLog.filter((r) => r.write)).toEqual([]);
      expect(configOf(rig)).toEqual(before);
    } finally {
      await rig.close();
    }
  });

  it('same-CN overwrite risk: the plan shows a blocker and the plan gate cannot be approved', async () => {
    const rig = await rolloverRig(t, { phones: 5 }, { subjectName: 'CN=vpn.lab.certroll.test,OU=PhoneVPN-2027' });
    try {
      await rig.workers.runUntil(async () => {
        const handle = await rig.start();
        const plan = await waitForGate(handle, 'plan');
        const blocker = plan.findings.find((f) => f.check === 'same-cn-overwrite');
        expect(blocker?.severity).toBe('blocker');
        expect(plan.gate?.approvalBlockedBy.join()).toMatch(/CSCuh19734/);
        const reason = await updateRejection(
          handle.executeUpdate(decide, { args: [{ gate: 'plan', decision: 'approve', by: 'jest' }] }),
        );
        expect(reason).toMatch(/cannot be approved/);
        expect((await handle.query(rolloverStatus)).gateLog).toEqual([]);
        await decideGate(handle, 'plan', 'reject');
        expect(((await handle.result()) as RolloverResult).outcome).toBe('rejected');
      });
    } finally {
      await rig.close();
    }
  });

  it('a failure at the gateway step opens gate failure; rollback restores the start state', async () => {
    const rig = await rolloverRig(t, { phones: 10, webhooks: [hooks.url] });
    try {
      const before = configOf(rig);
      rig.lab.cucm.faults.axlFaultOn = {
        operation: 'updateVpnGateway',
        code: 5003,
        message: 'Could not update VPN Gateway',
      };
      const result = await rig.workers.runUntil(async () => {
        const handle = await rig.start();
        await decideGate(handle, 'plan');
        const failure = await waitForGate(handle, 'failure');
        expect(failure.phases.find((p) => p.name === 'gateway')?.status).toBe('failed');
        expect(failure.lastError).toMatch(/gateway/);
        rig.lab.cucm.faults.axlFaultOn = undefined;
        await decideGate(handle, 'failure', 'rollback');
        const r = (await handle.result()) as RolloverResult;
        await maybeRecordHistory(handle, 'rollover-rollback');
        return r;
      });
      expect(result.outcome).toBe('rolled-back');
      expect(configOf(rig)).toEqual(before);
      const kinds = notificationsOf(result.status.workflowId).map((n) => n.kind);
      expect(kinds).toEqual(expect.arrayContaining(['phase-failed', 'rolled-back']));
      expect(kinds).not.toContain('switched');
      // The new trustpoint and its key were removed by label.
      expect(
        rig.lab.asa.commandLog.some((c) => /^crypto key zeroize rsa label CR-\d{8}-[0-9a-f]{4} noconfirm$/.test(c)),
      ).toBe(true);
    } finally {
      await rig.close();
    }
  });
});
