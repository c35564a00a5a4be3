/**
 * The expiry watch on the real dev server: a Temporal Schedule triggered by hand, a lab ASA whose certificate
 * expires in 10 days, a local webhook receiver. Exactly one rollover starts (and waits at its plan gate), drift is
 * reported, and a broken webhook does not break anything.
 */
import { randomUUID } from 'node:crypto';
import { createWatchSchedule } from '../../cli/commands/schedule';
import { createLabCa } from '../../lab/asa';
import { expiryWatchWorkflow, ExpiryWatchResult } from '../../workflows/expiry-watch';
import { rolloverStatus } from '../../workflows/rollover';
import { rolloverWorkflowId } from '../../workflows/rollover-types';
import { createTestCa, createTestCsr } from '../support/pki';
import { rolloverRig, waitForGate } from '../support/rollover-harness';
import { connectTestTemporal, TestTemporal } from '../support/temporal';
import { webhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('expiry watch, schedule and notifications', () => {
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

  it('a certificate expiring in 10 days: the scheduled watch starts exactly one rollover, which waits at plan', async () => {
    const rig = await rolloverRig(t, {
      phones: 5,
      currentNotAfter: new Date(Date.now() + 10 * 86_400_000),
      webhooks: [hooks.failingUrl, hooks.url],
    });
    const scheduleId = `watch-${randomUUID().slice(0, 8)}`;
    const schedule = t.client.schedule.getHandle(scheduleId);
    try {
      await rig.workers.runUntil(async () => {
        expect(
          await createWatchSchedule(t.client, {
            scheduleId,
            every: '1 day',
            catchupWindow: '1 hour',
            taskQueue: rig.taskQueue,
          }),
        ).toBe(true);
        expect(
          await createWatchSchedule(t.client, {
            scheduleId,
            every: '1 day',
            catchupWindow: '1 hour',
            taskQueue: rig.taskQueue,
          }),
        ).toBe(false);
        const described = await schedule.describe();
        expect(described.policies.overlap).toBe('SKIP');
        expect(described.policies.catchupWindow).toBe(3_600_000);

        const runResult = async (n: number): Promise<ExpiryWatchResult> => {
          const action = await until(async () => (await schedule.describe()).info.recentActions[n]);
          return t.client.workflow.getHandle(action.action.workflow.workflowId).result();
        };

        await schedule.trigger();
        const first = await runResult(0);
        const finding = first.findings.find((f) => f.gateway === rig.input.gateway)!;
        expect(finding).toMatchObject({
          renewDue: true,
          drift: false,
          rollover: { workflowId: rolloverWorkflowId(rig.input.asa, rig.input.gateway), started: true },
        });
        expect(finding.daysLeft).toBe(9);

        const rollover = t.client.workflow.getHandle(finding.rollover!.workflowId);
        await waitForGate(rollover, 'plan');

        await schedule.trigger();
        const second = await runResult(1);
        expect(second.findings[0].rollover).toEqual({ workflowId: finding.rollover!.workflowId, started: false });
        const runs: string[] = [];
        for await (const w of t.client.workflow.list({ query: `WorkflowId = '${finding.rollover!.workflowId}'` }))
          runs.push(w.runId);
        expect(runs).toHaveLength(1);
        expect((await rollover.query(rolloverStatus)).gate?.gate).toBe('plan');

        // Notifications reached the working webhook; the broken one was retried and never failed anything.
        const expiring = await until(() =>
          hooks.received.find((n) => n.kind === 'expiring-soon' && n.asa === rig.input.asa),
        );
        expect(expiring.workflowId).toBe(finding.rollover!.workflowId);
        expect(expiring.text).toMatch(/expires .* rollover .* waits at its plan gate/);
        expect(expiring.uiUrl).toContain(`/workflows/${encodeURIComponent(finding.rollover!.workflowId)}`);
        const gate = await until(() =>
          hooks.received.find((n) => n.kind === 'gate-waiting' && n.asa === rig.input.asa),
        );
        expect(gate.gate).toBe('plan');
        expect(gate.approveCommand).toBe(
          `certroll decide '${finding.rollover!.workflowId}' --json '{"gate":"plan","decision":"approve","by":"your-name"}'`,
        );
        expect(hooks.failed).toBeGreaterThan(1);

        // Exactly once each, although the broken webhook made every delivery retry: wait until the watch runs are
        // over (they flush their notifications) and the rollover has no notification left in flight.
        await until(async () =>
          ((await rollover.describe()).raw.pendingActivities ?? []).length === 0 ? true : undefined,
        );
        const mine = hooks.received.filter((n) => n.asa === rig.input.asa);
        const keys = mine.map((n) => [n.kind, n.workflowId, n.gate ?? '', n.certificate ?? ''].join(' '));
        expect(keys.length).toBeGreaterThanOrEqual(3);
        expect(new Set(keys).size).toBe(keys.length);
        for (const kind of ['rollover-started', 'gate-waiting', 'expiring-soon'])
          expect(mine.filter((n) => n.kind === kind && n.workflowId === finding.rollover!.workflowId)).toHaveLength(1);
        await rollover.terminate('test done');
      });
    } finally {
      await schedule.delete().catch(() => undefined);
      await rig.close();
    }
  });

  it('drift: the ASA presents a certificate the gateway does not list', async () => {
    const rig = await rolloverRig(t, {
      phones: 3,
      currentNotAfter: new Date(Date.now() + 300 * 86_400_000),
      webhooks: [hooks.url],
    });
    try {
      const other = createTestCa('Other CA', 1024).sign(createTestCsr('vpn-old.example.com').csrPem);
      rig.lab.cucm.seedTrustCertificate(other);
      rig.lab.cucm.setGatewayCertificatesDirect([other]);
      const result = await rig.workers.runUntil(() =>
        t.client.workflow.execute(expiryWatchWorkflow, {
          workflowId: `watch-${randomUUID()}`,
          taskQueue: rig.taskQueue,
          args: [{}],
        }),
      );
      expect(result.findings).toEqual([
        expect.objectContaining({ gateway: rig.input.gateway, drift: true, renewDue: false }),
      ]);
      const drift = await until(() => hooks.received.find((n) => n.kind === 'drift' && n.asa === rig.input.asa));
      expect(drift.text).toMatch(/does not list: VPN phones cannot connect/);
    } finally {
      await rig.close();
    }
  });

  it('root-CA trust mode: the gateway lists the issuing CA, not the leaf — no drift; the CA expiring soon is notified', async () => {
    // A CA with 20 days left: inside its renewal window (30 days), while the leaf it issued has 200 days.
    const ca = await createLabCa('Example Expiring Root CA', 20);
    const rig = await rolloverRig(t, {
      phones: 3,
      webhooks: [hooks.url],
      issuingCa: ca,
      currentNotAfter: new Date(Date.now() + 200 * 86_400_000),
    });
    try {
      const watchId = `watch-${randomUUID()}`;
      const result = await rig.workers.runUntil(() =>
        t.client.workflow.execute(expiryWatchWorkflow, { workflowId: watchId, taskQueue: rig.taskQueue, args: [{}] }),
      );
      expect(result.findings).toEqual([
        expect.objectContaining({ gateway: rig.input.gateway, drift: false, renewDue: false, daysLeft: 199 }),
      ]);
      expect(result.findings[0].trustExpiringSoon).toEqual([expect.stringMatching(/CN=Example Expiring Root CA.* \(/)]);
      // The run is over, so its notifications were delivered (or given up): each arrived once, none about drift.
      const mine = hooks.received.filter((n) => n.asa === rig.input.asa);
      expect(mine.map((n) => n.kind)).toEqual(['expiring-soon']);
      expect(mine[0]).toMatchObject({ workflowId: watchId, certificate: 'Example_Expiring_Root_CA.pem' });
      expect(mine[0].text).toMatch(
        /Phone-VPN-trust certificate Example_Expiring_Root_CA\.pem .* expires .* \(19 days\): phones of GW-\S+ trust asa-\S+ through it/,
      );
    } finally {
      await rig.close();
    }
  });
});
