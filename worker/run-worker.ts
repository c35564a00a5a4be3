/**
 * `certroll worker`: load and validate the inventory, connect to Temporal (envconfig), serve every task queue with
 * its device limit, expose Prometheus metrics, stop gracefully on SIGINT/SIGTERM.
 */
import { NativeConnection, NativeConnectionOptions, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadInventory } from '../config/inventory';
import { temporalTarget } from '../cli/temporal-client';
import { createPinoLogger, temporalLoggerFor } from './logger';
import { resolveSecret } from './secrets';
import { createCertrollWorkers, DEFAULT_TASK_QUEUE } from './workers';

export interface RunWorkerOptions {
  inventoryPath: string;
  /** host:port for the Prometheus endpoint (/metrics), e.g. 127.0.0.1:9464. */
  metrics?: string;
  taskQueue?: string;
}

export async function runWorker(opts: RunWorkerOptions): Promise<void> {
  const inventory = loadInventory(opts.inventoryPath);
  const logger = createPinoLogger();
  Runtime.install({
    logger: temporalLoggerFor(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'WARN' }) },
      metrics: opts.metrics ? { prometheus: { bindAddress: opts.metrics } } : undefined,
    },
  });
  const { connectionOptions, namespace, address } = temporalTarget();
  const connection = await NativeConnection.connect(connectionOptions as NativeConnectionOptions);
  try {
    const workers = await createCertrollWorkers({
      connection,
      namespace,
      inventory,
      resolveSecret: (ref) => resolveSecret(ref),
      taskQueue: opts.taskQueue ?? DEFAULT_TASK_QUEUE,
    });
    logger.info(
      {
        address,
        namespace,
        taskQueues: workers.workers.map((w) => w.options.taskQueue),
        metrics: opts.metrics ? `http://${opts.metrics}/metrics` : undefined,
      },
      'certroll worker running',
    );
    await workers.run();
    logger.info('certroll worker stopped');
  } finally {
    await connection.close();
  }
}
