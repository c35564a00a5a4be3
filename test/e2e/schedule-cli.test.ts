/**
 * `certroll schedule create|describe|pause|unpause|trigger|delete` as an operator runs them (subprocesses of the
 * built CLI) against the test run's dev server. No worker: a triggered watch run starts and stays running, which is
 * enough to see the action taken and overlap SKIP refuse a second one.
 */
import { randomUUID } from 'node:crypto';
import { runCli } from '../support/cli';
import { cliEnv, connectTestTemporal, TestTemporal } from '../support/temporal';

interface Described {
  scheduleId: string;
  paused: boolean;
  note?: string;
  overlap: string;
  catchupWindowMs: number;
  nextActionTimes: string[];
  recentActions: Array<{ at: string; workflowId: string }>;
  numActionsTaken: number;
  running: string[];
  numActionsSkippedOverlap: number;
}

describe('certroll schedule (the expiry-watch Temporal Schedule) from the CLI', () => {
  let t: TestTemporal;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    t = await connectTestTemporal();
    env = cliEnv();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('create (paused) → describe → unpause → trigger → a second trigger is skipped → pause → delete', async () => {
    const scheduleId = `watch-cli-${randomUUID().slice(0, 8)}`;
    const id = ['--schedule-id', scheduleId];
    const describe = async (): Promise<Described> => {
      const r = await runCli(['schedule', 'describe', ...id, '--json'], { env });
      expect(r).toMatchObject({ code: 0, stderr: '' });
      return JSON.parse(r.stdout) as Described;
    };
    const until = async (ok: (d: Described) => boolean): Promise<Described> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const d = await describe();
        if (ok(d)) return d;
        if (Date.now() > deadline) throw new Error(`schedule never reached the state: ${JSON.stringify(d)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const started: string[] = [];
    try {
      const bad = await runCli(['schedule', 'create', ...id, '--every', 'soon'], { env });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--every: expected an interval like "1 day"');

      const create = [
        'schedule',
        'create',
        ...id,
        '--every',
        '12 hours',
        '--catchup-window',
        '2 hours',
        '--task-queue',
        `no-worker-${scheduleId}`,
        '--paused',
        '--json',
      ];
      const created = await runCli(create, { env });
      expect(created.code).toBe(0);
      expect(JSON.parse(created.stdout)).toEqual({ scheduleId, created: true });
      const again = await runCli(create, { env });
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual({ scheduleId, created: false });

      const d0 = await describe();
      expect(d0).toMatchObject({
        scheduleId,
        paused: true,
        note: 'created by certroll schedule create',
        overlap: 'SKIP',
        catchupWindowMs: 2 * 3_600_000,
        numActionsTaken: 0,
        running: [],
        recentActions: [],
      });

      const unpaused = await runCli(['schedule', 'unpause', ...id, '--note', 'change 4711 done'], { env });
      expect(unpaused).toMatchObject({ code: 0, stdout: `schedule ${scheduleId}: unpause done\n` });
      const d1 = await describe();
      expect(d1).toMatchObject({ paused: false, note: 'change 4711 done' });
      // Every 12 hours: the next run is scheduled within the next 12 hours.
      expect(Date.parse(d1.nextActionTimes[0]) - Date.now()).toBeLessThanOrEqual(12 * 3_600_000);

      const trigger = await runCli(['schedule', 'trigger', ...id], { env });
      expect(trigger).toMatchObject({ code: 0, stdout: `schedule ${scheduleId}: trigger done\n` });
      const d2 = await until((d) => d.numActionsTaken === 1 && d.running.length === 1);
      started.push(...d2.running);
      expect(d2.recentActions).toEqual([{ at: expect.any(String), workflowId: d2.running[0] }]);
      expect(d2.running[0].startsWith(`${scheduleId}-run`)).toBe(true);
      expect((await t.client.workflow.getHandle(d2.running[0]).describe()).type).toBe('expiryWatchWorkflow');

      // The first run is still going (no worker): overlap SKIP skips the second.
      expect((await runCli(['schedule', 'trigger', ...id], { env })).code).toBe(0);
      const d3 = await until((d) => d.numActionsSkippedOverlap === 1);
      expect(d3).toMatchObject({ numActionsTaken: 1, running: d2.running });

      expect((await runCli(['schedule', 'pause', ...id], { env })).code).toBe(0);
      expect(await describe()).toMatchObject({ paused: true, note: 'paused with certroll' });

      const deleted = await runCli(['schedule', 'delete', ...id], { env });
      expect(deleted).toMatchObject({ code: 0, stdout: `schedule ${scheduleId}: delete done\n` });
      const gone = await runCli(['schedule', 'describe', ...id, '--json'], { env });
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(/not found/i);
      await expect(t.client.schedule.getHandle(scheduleId).describe()).rejects.toThrow(/not found/i);
    } finally {
      await t.client.schedule
        .getHandle(scheduleId)
        .delete()
        .catch(() => undefined);
      for (const wf of started)
        await t.client.workflow
          .getHandle(wf)
          .terminate('test done')
          .catch(() => undefined);
    }
  });
});
