/**
 * Test access to the run's Temporal dev server (started once by global-setup.ts).
 * A test that needs the server and cannot get one fails with ensure-temporal's message.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, WorkerOptions } from '@temporalio/worker';

export interface TestTemporal {
  address: string;
  namespace: string;
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

let runtimeInstalled = false;

function installQuietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this process by an earlier test file: keep it.
  }
}

export function devServerAddress(): { address: string; namespace: string } {
  const address = process.env.CERTROLL_TEST_TEMPORAL_ADDRESS;
  if (!address) {
    throw new Error(
      `This test needs the Temporal dev server, which could not be started:\n${process.env.CERTROLL_TEST_TEMPORAL_ERROR ?? 'global setup did not run'}`,
    );
  }
  return { address, namespace: process.env.CERTROLL_TEST_TEMPORAL_NAMESPACE ?? 'certroll' };
}

/** The environment a `certroll` subprocess needs to reach the test run's dev server (as a user sets it). */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { address, namespace } = devServerAddress();
  return { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, ...extra };
}

export async function connectTestTemporal(): Promise<TestTemporal> {
  installQuietRuntime();
  const { address, namespace } = devServerAddress();
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    namespace,
    client: new Client({ connection, namespace }),
    nativeConnection,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** The workflow bundle built once per run (all production workflows plus the test-only ones). */
export function workflowBundle(): { codePath: string } {
  const codePath = process.env.CERTROLL_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('workflow bundle missing: jest global setup did not run');
  return { codePath };
}

export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function createTestWorker(
  t: TestTemporal,
  options: Omit<WorkerOptions, 'connection' | 'namespace' | 'workflowBundle' | 'workflowsPath'>,
): Promise<Worker> {
  return Worker.create({
    connection: t.nativeConnection,
    namespace: t.namespace,
    workflowBundle: workflowBundle(),
    ...options,
  });
}

/** The validator's or handler's message of a failed Update (the client wraps it as the error's cause). */
export async function updateRejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause;
    return cause?.message ?? (err as Error).message;
  }
  throw new Error('expected the Update to be rejected, but it was accepted');
}
