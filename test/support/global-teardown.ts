import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__CERTROLL_DEV_SERVER__?.stop();
  const bundlePath = process.env.CERTROLL_TEST_WORKFLOW_BUNDLE;
  if (bundlePath) rmSync(bundlePath, { force: true });
}
