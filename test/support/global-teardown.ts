export default async function globalTeardown(): Promise<void> {
  await globalThis.__CERTROLL_DEV_SERVER__?.stop();
}
