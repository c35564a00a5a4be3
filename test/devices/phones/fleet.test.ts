/**
 * 200 lab phones between the real ASA lab (TLS listener, trustpoint switch over SSH), the CUCM lab (AXL resets,
 * gateway certificates, RisPort) and the lab TFTP service. RisPort, read with our RisPort client, shows each state.
 */
import { CucmSchema } from '../../../config/inventory';
import { parseCertificate } from '../../../devices/cert';
import { TransportError } from '../../../devices/errors';
import { AsaClient } from '../../../devices/asa/client';
import { sessionOptions } from '../asa/helpers';
import { createCucmClients, type CucmClients } from '../../../devices/cucm/clients';
import type { RisDevice } from '../../../devices/cucm/risport';
import { startAsaLab, type AsaLab } from '../../../lab/asa';
import { asaIdentityCertificate, generatePhoneSpecs, startCucmLab, type CucmLab } from '../../../lab/cucm';
import { startPhoneFleet, type PhoneFleet } from '../../../lab/phones';
import { startTftpLab, type TftpLab } from '../../../lab/tftp';

const PHONES = 200;
const names = generatePhoneSpecs(PHONES).map((p) => p.name);
const UNKNOWN_CA = 'alert_err: SSL write alert: code 48, unknown CA';

let asa: AsaLab;
let cucm: CucmLab;
let tftp: TftpLab;
let fleet: PhoneFleet;
let clients: CucmClients;
let asaCert: ReturnType<typeof parseCertificate>;

beforeAll(async () => {
  asa = await startAsaLab();
  asaCert = parseCertificate(asa.boundCertificatePem());
  cucm = await startCucmLab({
    phones: generatePhoneSpecs(PHONES),
    vpn: { certificates: [asa.boundCertificatePem()], url: 'https://vpn.example.com/PhoneVPN' },
  });
  tftp = await startTftpLab({ files: cucm });
  const secrets: Record<string, string> = {
    'env:AXL': cucm.credentials.axlPassword,
    'env:PLATFORM': cucm.credentials.platformPassword,
  };
  clients = createCucmClients(
    CucmSchema.parse(cucm.inventoryEntry({ axlPassword: 'env:AXL', platformPassword: 'env:PLATFORM' })),
    (ref) => secrets[ref],
  );
  fleet = await startPhoneFleet({
    cucm,
    tftp: tftp.udp,
    asa,
    bootDelayMs: 300,
    rehandshakeDelayMs: 300,
    retryIntervalMs: 0,
    seed: 7,
  });
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  await tftp?.close();
  await cucm?.close();
  await asa?.close();
});

async function risport(): Promise<Map<string, RisDevice>> {
  const result = await clients.risport.selectCmDeviceExt(names);
  return new Map(result.devices.map((d) => [d.name, d]));
}

/** Reset (or Apply Config) every phone through AXL, five calls at a time; returns the epoch second before. */
async function resetAll(action: 'reset' | 'apply'): Promise<number> {
  const before = Math.floor(Date.now() / 1000);
  const queue = [...names];
  await Promise.all(
    Array.from({ length: 5 }, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        const call = () => (action === 'reset' ? clients.axl.resetPhone(name!) : clients.axl.applyPhone(name!));
        // A kept-alive connection the lab closed while idle fails once (ECONNRESET): retryable, like in a workflow.
        await call().catch((err: unknown) => (err instanceof TransportError ? call() : Promise.reject(err)));
      }
    }),
  );
  return before;
}

async function rebuilt(): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (cucm.pendingRebuilds() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

test('initial boot: every phone fetched its config, trusted the ASA certificate and registered', async () => {
  expect(fleet.stats()).toEqual({ registered: PHONES, unregistered: 0, booting: 0 });
  const view = fleet.phone(names[0]);
  expect(view).toMatchObject({
    registered: true,
    lastHandshakeSha1: asaCert.sha1Base64,
    certHashes: [asaCert.sha1Base64],
    configFile: `${names[0]}.cnf.xml.sgn`,
  });
  expect(tftp.stats().activePeak).toBeLessThanOrEqual(5);
  expect(tftp.transferLog.filter((r) => r.result === 'ok').length).toBeGreaterThanOrEqual(PHONES);
});

test('a reset with the old certificate: UnRegistered (9) in RisPort, then every phone registers again', async () => {
  fleet.knobs.bootDelayMs = 4000; // long enough to see the unregistered state in RisPort
  const before = await resetAll('reset');
  const during = await risport();
  expect([...during.values()].filter((d) => d.status === 'UnRegistered' && d.statusReason === 9)).toHaveLength(PHONES);
  await fleet.settle(60_000);
  fleet.knobs.bootDelayMs = 300;
  const after = await risport();
  const registered = [...after.values()].filter(
    (d) => d.status === 'Registered' && d.statusReason === 0 && d.timeStamp >= before,
  );
  expect(registered).toHaveLength(PHONES);
  expect(fleet.stats().registered).toBe(PHONES);
}, 90_000);

test('a gateway that drops the presented hash, then Apply Config: phones stay unregistered with the VPNC reason', async () => {
  const other = asaIdentityCertificate({ cn: 'vpn-other.example.com' });
  cucm.setGatewayCertificatesDirect([other.pem]);
  await rebuilt();
  await resetAll('apply');
  await fleet.settle(60_000);
  expect(fleet.stats()).toEqual({ registered: 0, unregistered: PHONES, booting: 0 });
  const ris = await risport();
  expect([...ris.values()].every((d) => d.status === 'UnRegistered' && d.statusReason === 17)).toBe(true);
  const view = fleet.phone(names[10]);
  expect(view.lastVpncLog).toBe(UNKNOWN_CA);
  expect(view.certHashes).toEqual([parseCertificate(other.pem).sha1Base64]);
  const log = fleet.consoleLog(names[10]);
  expect(log.some((l) => l.endsWith(`SECD: Leaf cert hash = ${asaCert.sha1Hex.replace(/:/g, '')}`))).toBe(true);
  expect(
    log.some((l) => /^\d+: ERR \d\d:\d\d:\d\d\.\d{6} VPNC: alert_err: SSL write alert: code 48, unknown CA$/.test(l)),
  ).toBe(true);
}, 90_000);

test('an ASA switch to a certificate the phones lack: connected phones re-handshake and drop', async () => {
  cucm.setGatewayCertificatesDirect([asa.boundCertificatePem()]);
  await rebuilt();
  await resetAll('apply');
  await fleet.settle(60_000);
  expect(fleet.stats().registered).toBe(PHONES);

  const newCert = await switchAsaToNewTrustpoint('VPN-NEXT');
  expect(newCert.sha1Base64).not.toBe(asaCert.sha1Base64);
  await fleet.settle(60_000);
  expect(fleet.stats()).toEqual({ registered: 0, unregistered: PHONES, booting: 0 });
  const ris = await risport();
  expect([...ris.values()].every((d) => d.status === 'UnRegistered' && d.statusReason === 13)).toBe(true);
  expect(fleet.phone(names[0])).toMatchObject({ lastHandshakeSha1: newCert.sha1Base64, lastVpncLog: UNKNOWN_CA });
}, 120_000);

/** What the rollover does: new trustpoint, self-enrolled, bound to the interface (ssl trust-point). */
async function switchAsaToNewTrustpoint(tp: string) {
  const client = new AsaClient(sessionOptions(asa), 'outside');
  try {
    await client.createKeyAndTrustpoint({
      trustpoint: tp,
      keyLabel: tp,
      subjectName: 'CN=vpn.example.com',
      fqdn: 'vpn.example.com',
      enrollment: 'self',
    });
    await client.enrollSelfSigned(tp);
    await client.bindTrustpoint(tp);
  } finally {
    await client.close();
  }
  return parseCertificate(asa.boundCertificatePem());
}
