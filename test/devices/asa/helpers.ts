/** A lab ASA plus the inventory, secrets and activities that point at it. */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { validateInventory } from '../../../config/inventory';
import { AsaActivityOptions, createAsaActivities } from '../../../activities/asa';
import { AsaSessionOptions } from '../../../devices/asa/session';
import { AsaLab, AsaLabOptions, startAsaLab } from '../../../lab/asa';

export interface LabWithActivities {
  lab: AsaLab;
  activities: ReturnType<typeof createAsaActivities>;
  env: MockActivityEnvironment;
  /** Run an activity the way Temporal would (in an activity context). */
  run<A, R>(fn: (input: A) => Promise<R>, input: A): Promise<R>;
  close(): Promise<void>;
}

export function sessionOptions(lab: AsaLab, overrides: Partial<AsaSessionOptions> = {}): AsaSessionOptions {
  return {
    host: lab.ssh.host,
    port: lab.ssh.port,
    username: lab.credentials.username,
    password: lab.credentials.password,
    enablePassword: lab.credentials.enablePassword,
    hostKeySha256: lab.hostKeySha256,
    commandTimeoutMs: 20_000,
    ...overrides,
  };
}

export function inventoryFor(lab: AsaLab, name = 'asa1', overrides: Record<string, unknown> = {}) {
  return validateInventory({
    asa: {
      [name]: {
        host: lab.ssh.host,
        port: lab.ssh.port,
        username: lab.credentials.username,
        password: 'env:ASA_PASSWORD',
        enablePassword: 'env:ASA_ENABLE',
        hostKeySha256: lab.hostKeySha256,
        interface: 'outside',
        tlsHost: lab.tls.host,
        tlsPort: lab.tls.port,
        vpnUrls: ['https://vpn.example.com/VPNPhone'],
        ...overrides,
      },
    },
    cucm: {},
    gateways: {},
  });
}

export async function startLabWithActivities(
  opts: AsaLabOptions = {},
  activityOptions: AsaActivityOptions = {},
): Promise<LabWithActivities> {
  const lab = await startAsaLab(opts);
  const secrets: Record<string, string> = {
    'env:ASA_PASSWORD': lab.credentials.password,
    'env:ASA_ENABLE': lab.credentials.enablePassword,
  };
  const activities = createAsaActivities(
    {
      inventory: inventoryFor(lab),
      resolveSecret: (ref) => {
        if (!(ref in secrets)) throw new Error(`unknown secret ${ref}`);
        return secrets[ref];
      },
    },
    { commandTimeoutMs: 20_000, ...activityOptions },
  );
  // Failures are what many tests expect: keep the activity logger to errors only.
  const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
  return {
    lab,
    activities,
    env,
    run: <A, R>(fn: (input: A) => Promise<R>, input: A) =>
      env.run(fn as (input: A) => Promise<never>, input) as Promise<R>,
    close: () => lab.close(),
  };
}

/** The ApplicationFailure an activity threw (fails the test when it did not throw one). */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApplicationFailure) return err;
    throw new Error(`expected an ApplicationFailure, got ${String(err)}`);
  }
  throw new Error('expected the activity to fail');
}

export function count(log: string[], line: string | RegExp): number {
  return log.filter((l) => (typeof line === 'string' ? l === line : line.test(l))).length;
}
