/**
 * One process, every task queue: the workflow queue plus one activity queue per device, each with that device's
 * limit as a worker setting (one SSH session per ASA, a small AXL pool per cluster, the TFTP slot budget, RisPort's
 * queries per minute as a server-side task-queue rate).
 */
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { createAsaActivities } from '../activities/asa';
import { createCucmActivities } from '../activities/cucm';
import type { ActivityDeps } from '../activities/deps';
import { createDoctorActivities } from '../activities/doctor';
import { createInventoryActivities } from '../activities/inventory';
import { createNotifyActivities } from '../activities/notify';
import { createRolloverStartActivities } from '../activities/rollover-start';
import { createPhoneActivities } from '../activities/phones';
import { createPlanActivities } from '../activities/plan';
import { DEFAULT_TASK_QUEUE, taskQueues } from '../workflows/rollover-types';

export { DEFAULT_TASK_QUEUE };

export interface CertrollWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  /** The workflow task queue (and pure activities). */
  taskQueue?: string;
  /** A prebuilt bundle (tests, production prebuild) or, by default, the workflows folder. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Extra activities on the workflow queue (notifications, reports). */
  extraActivities?: Record<string, (...args: never[]) => Promise<unknown>>;
}

export interface CertrollWorkers {
  workers: Worker[];
  run(): Promise<void>;
  shutdown(): void;
  runUntil<T>(p: Promise<T> | (() => Promise<T>)): Promise<T>;
}

/** How many RisPort queries a second the task queue may dispatch (server-side rate, shared by all workers). */
export function risportRatePerSecond(queriesPerMinute: number): number {
  return queriesPerMinute / 60;
}

export async function createCertrollWorkers(opts: CertrollWorkerOptions): Promise<CertrollWorkers> {
  const deps: ActivityDeps = { inventory: opts.inventory, resolveSecret: opts.resolveSecret };
  const base = { connection: opts.connection, namespace: opts.namespace };
  const asa = createAsaActivities(deps);
  const cucm = createCucmActivities(deps);
  const phones = createPhoneActivities(deps);
  const workflowSource = opts.workflowBundle
    ? { workflowBundle: opts.workflowBundle }
    : { workflowsPath: require.resolve('../workflows') };

  const workers: Promise<Worker>[] = [
    Worker.create({
      ...base,
      ...workflowSource,
      taskQueue: opts.taskQueue ?? DEFAULT_TASK_QUEUE,
      activities: {
        ...createPlanActivities(),
        ...createDoctorActivities(),
        ...createNotifyActivities(deps),
        ...createInventoryActivities(deps),
        ...createRolloverStartActivities(),
        ...(opts.extraActivities ?? {}),
      },
    }),
  ];
  for (const name of Object.keys(opts.inventory.asa)) {
    // The ASA allows a handful of SSH sessions; a rollover uses one at a time, never two on the same box.
    workers.push(
      Worker.create({
        ...base,
        taskQueue: taskQueues.asa(name),
        activities: asa,
        maxConcurrentActivityTaskExecutions: 1,
      }),
    );
  }
  for (const [name, cluster] of Object.entries(opts.inventory.cucm)) {
    workers.push(
      Worker.create({
        ...base,
        taskQueue: taskQueues.axl(name),
        activities: cucm,
        maxConcurrentActivityTaskExecutions: cluster.axlConcurrency,
      }),
      // verifyPhoneConfigs spreads its reads over the cluster's TFTP slot budget itself: one at a time per cluster.
      Worker.create({
        ...base,
        taskQueue: taskQueues.tftp(name),
        activities: phones,
        maxConcurrentActivityTaskExecutions: 1,
      }),
      Worker.create({
        ...base,
        taskQueue: taskQueues.risport(name),
        activities: cucm,
        maxConcurrentActivityTaskExecutions: 1,
        maxTaskQueueActivitiesPerSecond: risportRatePerSecond(cluster.risportQueriesPerMinute),
      }),
    );
  }
  const created = await Promise.all(workers);
  return {
    workers: created,
    run: async () => {
      await Promise.all(created.map((w) => w.run()));
    },
    shutdown: () => {
      for (const w of created) if (w.getState() === 'RUNNING') w.shutdown();
    },
    async runUntil<T>(p: Promise<T> | (() => Promise<T>)): Promise<T> {
      const running = Promise.all(created.map((w) => w.run()));
      try {
        return await (typeof p === 'function' ? p() : p);
      } finally {
        for (const w of created) if (w.getState() === 'RUNNING') w.shutdown();
        await running;
      }
    },
  };
}
