/**
 * Gate policies and the old certificate's deadline: `auto-if-full` passes the switch gate only with full coverage,
 * and the switch gate never waits past the old certificate's notAfter (it times out, closed, and nothing switches).
 */
import type { RolloverResult } from '../../workflows/rollover-types';
import { rolloverRig, waitForGate } from '../support/rollover-harness';
import { connectTestTemporal, TestTemporal } from '../support/temporal';

describe('rollover gate policies', () => {
  let t: TestTemporal;
  beforeAll(async () => {
    t = await connectTestTemporal();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('auto-if-full: every phone verified and registered, so the switch gate passes by policy', async () => {
    const rig = await rolloverRig(
      t,
      { phones: 3 },
      { gates: { plan: 'auto', push: 'auto', switch: 'auto-if-full', cleanup: 'manual' } },
    );
    try {
      await rig.workers.runUntil(async () => {
        const handle = await rig.start();
        const atCleanup = await waitForGate(handle, 'cleanup');
        expect(atCleanup.gateLog.map((g) => `${g.gate}:${g.decision}:${g.by}`)).toEqual([
          'plan:approve:certroll (auto policy)',
          'push:approve:certroll (auto policy)',
          'switch:approve:certroll (auto-if-full policy)',
        ]);
        expect(rig.lab.snapshot().asa.bindings).toContainEqual(
          expect.objectContaining({ trustpoint: atCleanup.artifacts.trustpoint, iface: 'outside' }),
        );
        await handle.terminate('test done');
      });
    } finally {
      await rig.close();
    }
  });

  it('auto-if-full with a phone missing waits for a person, and never past the old notAfter: timeout, no switch', async () => {
    const rig = await rolloverRig(
      t,
      { phones: 5, fleet: { neverReturnShare: 0.2 }, currentNotAfter: new Date(Date.now() + 45_000) },
      {
        gates: { plan: 'auto', push: 'auto', switch: 'auto-if-full' },
        failureThresholdPercent: 50,
        registrationTimeout: '6 seconds',
      },
    );
    try {
      const result = await rig.workers.runUntil(async () => {
        const handle = await rig.start();
        const atSwitch = await waitForGate(handle, 'switch');
        expect(atSwitch.coverage).toMatchObject({ inScope: 5, registered: 4, failed: 1 });
        return (await handle.result()) as RolloverResult;
      });
      expect(result.outcome).toBe('aborted');
      const last = result.status.gateLog.at(-1)!;
      expect(last).toMatchObject({ gate: 'switch', decision: 'timeout', by: 'certroll' });
      // Closed at the deadline: the gate gave up no later than a few seconds after the old notAfter.
      const notAfter = Date.parse(result.status.artifacts.oldCert!.notAfter);
      expect(Date.parse(last.at)).toBeLessThanOrEqual(notAfter + 5_000);
      expect(rig.lab.snapshot().asa.bindings).toContainEqual(
        expect.objectContaining({ trustpoint: 'VPN-CURRENT', iface: 'outside' }),
      );
    } finally {
      await rig.close();
    }
  });
});
