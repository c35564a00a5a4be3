/**
 * Jest global setup: one real Temporal dev server (official CLI, resolved by scripts/ensure-temporal) and one
 * workflow bundle for the whole run. When the binary cannot be found, the reason is kept for the tests that need
 * the server: they fail with it (never skip).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer, DevServer } from '../../cli/temporal-dev-server';

declare global {
  var __CERTROLL_DEV_SERVER__: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const outDir = path.resolve(__dirname, '..', '..', 'test-output');
  mkdirSync(outDir, { recursive: true });
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./all-workflows'),
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} },
  });
  // One file per jest process, so two runs side by side never load each other's bundle.
  const bundlePath = path.join(outDir, `workflow-bundle.${process.pid}.js`);
  writeFileSync(bundlePath, bundle.code);
  process.env.CERTROLL_TEST_WORKFLOW_BUNDLE = bundlePath;
  try {
    const server = await startDevServer({
      extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=1000'],
    });
    globalThis.__CERTROLL_DEV_SERVER__ = server;
    process.env.CERTROLL_TEST_TEMPORAL_ADDRESS = server.address;
    process.env.CERTROLL_TEST_TEMPORAL_NAMESPACE = server.namespace;
  } catch (err) {
    process.env.CERTROLL_TEST_TEMPORAL_ERROR = (err as Error).message;
  }
}
