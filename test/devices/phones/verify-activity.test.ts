/**
 * verifyPhoneConfigs against the CUCM lab's config files served by the lab TFTP service: every state, the slot
 * budget, re-reads until the asynchronous rebuild lands (with backoff), heartbeat resume, bad input.
 */
import dgram from 'node:dgram';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { validateInventory, type Inventory } from '../../../config/inventory';
import { parseCertificate } from '../../../devices/cert';
import {
  createPhoneActivities,
  type VerifyPhoneConfigsInput,
  type VerifyPhoneConfigsResult,
} from '../../../activities/phones';
import { asaIdentityCertificate, generatePhoneSpecs, startCucmLab, type CucmLab } from '../../../lab/cucm';
import { startTftpLab, type TftpLab } from '../../../lab/tftp';

/** Count the TFTP reads in flight at once, as the activity starts and finishes them. */
const reads = { inFlight: 0, peak: 0 };
jest.mock('../../../devices/tftp/client', () => {
  const actual = jest.requireActual('../../../devices/tftp/client');
  return {
    ...actual,
    tftpGet: async (opts: unknown) => {
      reads.inFlight += 1;
      reads.peak = Math.max(reads.peak, reads.inFlight);
      try {
        return await actual.tftpGet(opts);
      } finally {
        reads.inFlight -= 1;
      }
    },
  };
});

const oldCert = asaIdentityCertificate({ cn: 'vpn.example.com', dnsNames: ['vpn.example.com'] });
// A different CN: same-CN uploads replace each other in Phone-VPN-trust (CSCuh19734, modelled by the CUCM lab).
const newCert = asaIdentityCertificate({ cn: 'vpn-2026.example.com', dnsNames: ['vpn.example.com'], key: oldCert.key });
const OLD = parseCertificate(oldCert.pem).sha1Base64;
const NEW = parseCertificate(newCert.pem).sha1Base64;

const vpnPhones = generatePhoneSpecs(24).map((p) => p.name);
const ENCRYPTED = 'SEP00CC00000001';
const NO_VPN = 'SEP00CC00000002';
const UNKNOWN = 'SEP00DD00000000';

function inventoryFor(tftp: { port: number; httpPort?: number }, slots = 3): Inventory {
  return validateInventory({
    asa: {
      asa1: {
        host: '127.0.0.1',
        username: 'certroll',
        password: 'env:ASA_PASSWORD',
        enablePassword: 'env:ASA_ENABLE',
        hostKeySha256: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
        vpnUrls: ['https://vpn.example.com/PhoneVPN'],
      },
    },
    cucm: {
      cluster1: {
        publisher: '127.0.0.1',
        axlVersion: '14.0',
        axlUser: 'axl',
        axlPassword: 'env:AXL_PASSWORD',
        platformUser: 'admin',
        platformPassword: 'env:PLATFORM_PASSWORD',
        tls: { sha256: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU' },
        tftpServers: [{ host: '127.0.0.1', port: tftp.port, httpPort: tftp.httpPort, slots }],
      },
    },
    gateways: { 'ASA-PhoneVPN': { asa: 'asa1', cluster: 'cluster1' } },
  });
}

let cucm: CucmLab;
let tftp: TftpLab;
let inventory: Inventory;

beforeAll(async () => {
  cucm = await startCucmLab({
    rebuildDelayMs: 600,
    phones: [
      ...generatePhoneSpecs(24),
      { name: ENCRYPTED, encryptedConfig: true },
      { name: NO_VPN, commonPhoneConfigName: 'Standard Common Phone Profile' },
    ],
    vpn: { certificates: [oldCert.pem] },
  });
  tftp = await startTftpLab({ files: cucm });
  inventory = inventoryFor({ port: tftp.udp.port, httpPort: tftp.http.port });
});

afterAll(async () => {
  await tftp?.close();
  await cucm?.close();
});

function verify(input: VerifyPhoneConfigsInput, env = new MockActivityEnvironment()) {
  const tuning = { initialTimeoutMs: 200, retries: 2, stallTimeoutMs: 1000 };
  const { verifyPhoneConfigs } = createPhoneActivities({ inventory, resolveSecret: () => 'unused' }, tuning);
  return env.run(verifyPhoneConfigs, input) as Promise<VerifyPhoneConfigsResult>;
}

/** The server logs a transfer when its final ACK arrives, just after the client is done: settle, then clear. */
async function clearTransferLog(): Promise<void> {
  await waitFor(() => tftp.stats().active === 0);
  await new Promise((r) => setTimeout(r, 50));
  tftp.transferLog.length = 0;
}

const transfersOf = (name: string) => tftp.transferLog.filter((r) => r.file.startsWith(name));

test('every state: verified, encrypted, stale (no vpnGroup), missing; within the 3-slot budget', async () => {
  await clearTransferLog();
  reads.peak = 0;
  const r = await verify({ cluster: 'cluster1', names: [...vpnPhones, ENCRYPTED, NO_VPN, UNKNOWN], expectedHash: OLD });
  expect(r.counts).toEqual({ verified: 24, stale: 1, missing: 1, encrypted: 1, unreadable: 0, error: 0 });
  const byName = new Map(r.results.map((p) => [p.name, p]));
  expect(byName.get(vpnPhones[0])).toEqual({
    name: vpnPhones[0],
    state: 'verified',
    file: `${vpnPhones[0]}.cnf.xml.sgn`,
    matchedIndex: 1,
    reads: 1,
  });
  expect(byName.get(ENCRYPTED)?.state).toBe('encrypted');
  expect(byName.get(NO_VPN)).toMatchObject({ state: 'stale', detail: 'no <vpnGroup> in the config' });
  expect(byName.get(UNKNOWN)).toMatchObject({
    state: 'missing',
    detail: expect.stringContaining('neither SEP00DD00000000.cnf.xml.sgn nor SEP00DD00000000.cnf.xml exists'),
  });
  // Never more reads in flight than the inventory's slots (3), though CUCM serves 5.
  expect(reads.peak).toBe(3);
  await clearTransferLog();
  const again = await verify({ cluster: 'cluster1', names: vpnPhones.slice(0, 2), expectedHash: OLD });
  expect(again.counts.verified).toBe(2);
  await waitFor(() => tftp.transferLog.length === 2);
  // The signed file is what is read; the plain one only when the signed one is missing.
  expect(transfersOf(vpnPhones[0]).map((t) => t.file)).toEqual([`${vpnPhones[0]}.cnf.xml.sgn`]);
});

test('a new hash is stale until CUCM rebuilds; with a deadline it is re-read with backoff until verified', async () => {
  const names = vpnPhones.slice(0, 6);
  await clearTransferLog();
  cucm.setGatewayCertificatesDirect([oldCert.pem, newCert.pem]);
  const once = await verify({ cluster: 'cluster1', names, expectedHash: NEW });
  expect(once.counts.stale).toBe(6);
  expect(once.results[0]).toMatchObject({ state: 'stale', reads: 1, detail: expect.stringContaining(OLD) });

  const started = Date.now();
  const r = await verify({
    cluster: 'cluster1',
    names,
    expectedHash: NEW,
    deadline: new Date(Date.now() + 30_000).toISOString(),
  });
  expect(r.counts.verified).toBe(6);
  expect(r.results.every((p) => p.matchedIndex === 2)).toBe(true);
  expect(Math.max(...r.results.map((p) => p.reads ?? 0))).toBeGreaterThanOrEqual(2);
  // Backoff: the rebuild takes 0.6 s; a phone is not re-read more than a few times meanwhile.
  for (const name of names) expect(transfersOf(name).length).toBeLessThanOrEqual(4);
  expect(Date.now() - started).toBeLessThan(25_000);
  cucm.setGatewayCertificatesDirect([oldCert.pem]);
  await waitFor(() => cucm.pendingRebuilds() === 0);
}, 60_000);

test('the plain file is read only when the signed one is missing', async () => {
  await clearTransferLog();
  await verify({ cluster: 'cluster1', names: [UNKNOWN], expectedHash: OLD });
  await waitFor(() => tftp.transferLog.length === 2);
  expect(tftp.transferLog.map((t) => [t.file, t.result])).toEqual([
    [`${UNKNOWN}.cnf.xml.sgn`, 'not-found'],
    [`${UNKNOWN}.cnf.xml`, 'not-found'],
  ]);
});

test('an expired deadline stops re-reading: the phone stays stale', async () => {
  const r = await verify({
    cluster: 'cluster1',
    names: [NO_VPN],
    expectedHash: OLD,
    deadline: new Date(Date.now() + 500).toISOString(),
  });
  expect(r.results).toEqual([expect.objectContaining({ name: NO_VPN, state: 'stale', reads: 1 })]);
});

test('heartbeats carry progress, and a retried attempt resumes without re-reading finished phones', async () => {
  const beats: unknown[] = [];
  const env = new MockActivityEnvironment();
  env.on('heartbeat', (d: unknown) => beats.push(d));
  const first = await verify({ cluster: 'cluster1', names: vpnPhones.slice(0, 8), expectedHash: OLD }, env);
  expect(first.counts.verified).toBe(8);
  const last = beats[beats.length - 1] as { v: number; finished: unknown[][] };
  expect(last.v).toBe(1);
  expect(last.finished).toHaveLength(8);

  // The retry gets the first 4 as heartbeat details: only the other 4 are read.
  await clearTransferLog();
  const resumed = new MockActivityEnvironment({ heartbeatDetails: { v: 1, finished: last.finished.slice(0, 4) } });
  const second = await verify({ cluster: 'cluster1', names: vpnPhones.slice(0, 8), expectedHash: OLD }, resumed);
  expect(second.counts.verified).toBe(8);
  expect(second.results.map((p) => p.name)).toEqual(vpnPhones.slice(0, 8));
  await waitFor(() => tftp.transferLog.length === 4);
  expect(new Set(tftp.transferLog.map((t) => t.file.slice(0, 15)))).toEqual(new Set(vpnPhones.slice(4, 8)));
});

test('the HTTP 6970 channel gives the same verdicts', async () => {
  await clearTransferLog();
  const r = await verify({
    cluster: 'cluster1',
    names: [...vpnPhones.slice(0, 3), ENCRYPTED],
    expectedHash: OLD,
    channel: 'http',
  });
  expect(r.counts).toMatchObject({ verified: 3, encrypted: 1 });
  expect(tftp.transferLog.every((t) => t.channel === 'http')).toBe(true);
});

test('bad input fails for good (non-retryable InvalidInput) before any read', async () => {
  await clearTransferLog();
  const bad: Array<[VerifyPhoneConfigsInput, RegExp]> = [
    [{ cluster: 'cluster1', names: ['SEP00AA00000000'], expectedHash: 'nope' }, /expectedHash expected a SHA-1 hash/],
    [{ cluster: 'cluster1', names: ['../../etc/passwd'], expectedHash: OLD }, /names.0 expected a CUCM device name/],
    [{ cluster: 'nosuch', names: ['SEP00AA00000000'], expectedHash: OLD }, /no CUCM cluster "nosuch"/],
    [{ cluster: 'cluster1', names: ['SEP00AA00000000'], expectedHash: OLD, tftpServer: 3 }, /has no tftpServers\[3\]/],
    [{ cluster: 'cluster1', names: ['SEP00AA00000000'], expectedHash: OLD, deadline: 'tomorrow' }, /deadline/],
  ];
  for (const [input, message] of bad) {
    const err = await verify(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'InvalidInput', nonRetryable: true, message: expect.stringMatching(message) });
  }
  expect(tftp.transferLog).toHaveLength(0);
});

test('a busy TFTP service (serving count exhausted) is an error without a deadline, re-read until verified with one', async () => {
  const busy = await startTftpLab({ files: cucm, servingSlots: 1, maxServingCount: 1, latencyMs: 20 });
  const saved = inventory;
  inventory = inventoryFor({ port: busy.udp.port }, 3);
  try {
    const names = vpnPhones.slice(0, 6);
    const once = await verify({ cluster: 'cluster1', names, expectedHash: OLD });
    expect(once.counts.error).toBeGreaterThan(0);
    expect(once.results.find((p) => p.state === 'error')?.detail).toMatch(
      /^TftpServerBusy: .*503 Maximum Serving Count exceeded/,
    );
    const patient = await verify({
      cluster: 'cluster1',
      names,
      expectedHash: OLD,
      deadline: new Date(Date.now() + 40_000).toISOString(),
    });
    expect(patient.counts.verified).toBe(6);
    expect(busy.stats().refused).toBeGreaterThan(0);
  } finally {
    inventory = saved;
    await busy.close();
  }
}, 60_000);

test('no answer at all from the TFTP server is a retryable TftpUnreachable', async () => {
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
  const saved = inventory;
  inventory = inventoryFor({ port: silent.address().port }, 1);
  try {
    const err = await verify({ cluster: 'cluster1', names: ['SEP00AA00000000'], expectedHash: OLD }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'TftpUnreachable', nonRetryable: false });
  } finally {
    inventory = saved;
    silent.close();
  }
}, 30_000);

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
