/**
 * Lab phone behaviours on a small fleet: make-before-break (both hashes, then the switch), a revert bringing
 * dropped phones back, host-ID check failures, AAA profiles waiting for a user, phones that never come back,
 * encrypted configs.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { parseCertificate } from '../../../devices/cert';
import { AsaClient } from '../../../devices/asa/client';
import { sessionOptions } from '../asa/helpers';
import type { CucmPhoneRegistry } from '../../../lab/contracts';
import { startAsaLab, type AsaLab } from '../../../lab/asa';
import { generatePhoneSpecs, startCucmLab, type CucmLab } from '../../../lab/cucm';
import { startPhoneFleet, type PhoneFleet } from '../../../lab/phones';
import { startTftpLab, type TftpLab } from '../../../lab/tftp';

const UNKNOWN_CA = 'alert_err: SSL write alert: code 48, unknown CA';

interface Labs {
  asa: AsaLab;
  cucm: CucmLab;
  tftp: TftpLab;
  names: string[];
  close(): Promise<void>;
}

async function startLabs(count: number, asaOpts: Parameters<typeof startAsaLab>[0] = {}): Promise<Labs> {
  const asa = await startAsaLab(asaOpts);
  const cucm = await startCucmLab({
    phones: generatePhoneSpecs(count),
    vpn: { certificates: [asa.boundCertificatePem()], url: 'https://vpn.example.com/PhoneVPN' },
  });
  const tftp = await startTftpLab({ files: cucm });
  return {
    asa,
    cucm,
    tftp,
    names: generatePhoneSpecs(count).map((p) => p.name),
    close: async () => {
      await tftp.close();
      await cucm.close();
      await asa.close();
    },
  };
}

/** CUCM's Apply Config for every phone, as the AXL handler announces it to the phones. */
function applyAll(labs: Labs, registry: { emit(name: string): void }): void {
  for (const name of labs.names) registry.emit(name);
}

/** The registry the fleet sees, with a hand to push Apply Config without AXL round trips. */
function drivable(cucm: CucmPhoneRegistry, extra: Partial<CucmPhoneRegistry> = {}) {
  const listeners = new Set<(name: string, action: 'apply' | 'reset' | 'restart', at: Date) => void>();
  const registry: CucmPhoneRegistry = {
    listPhones: () => cucm.listPhones(),
    onPhoneAction: (l) => {
      listeners.add(l);
      const off = cucm.onPhoneAction(l);
      return () => {
        listeners.delete(l);
        off();
      };
    },
    setRegistration: (n, u) => cucm.setRegistration(n, u),
    ...extra,
  };
  return { registry, emit: (name: string) => listeners.forEach((l) => l(name, 'apply', new Date())) };
}

function asaClient(asa: AsaLab): AsaClient {
  return new AsaClient(sessionOptions(asa), 'outside');
}

/** Steps 1-2 of the procedure on the ASA: a new trustpoint, self-enrolled, exported (not bound yet). */
async function enrollTrustpoint(asa: AsaLab, tp: string, cn: string): Promise<string> {
  const client = asaClient(asa);
  try {
    await client.createKeyAndTrustpoint({
      trustpoint: tp,
      keyLabel: tp,
      subjectName: `CN=${cn}`,
      fqdn: cn,
      enrollment: 'self',
    });
    await client.enrollSelfSigned(tp);
    return (await client.exportIdentityCertificate(tp)).pem;
  } finally {
    await client.close();
  }
}

/** Step 7: `ssl trust-point <tp> outside`. */
async function bindTrustpoint(asa: AsaLab, tp: string): Promise<void> {
  const client = asaClient(asa);
  try {
    await client.bindTrustpoint(tp);
  } finally {
    await client.close();
  }
}

async function bindNewTrustpoint(asa: AsaLab, tp: string, cn: string): Promise<string> {
  const pem = await enrollTrustpoint(asa, tp, cn);
  await bindTrustpoint(asa, tp);
  return pem;
}

async function rebuilt(cucm: CucmLab): Promise<void> {
  while (cucm.pendingRebuilds() > 0) await new Promise((r) => setTimeout(r, 20));
}

describe('the rollover as the phones live it', () => {
  let labs: Labs;
  let fleet: PhoneFleet;
  let drive: ReturnType<typeof drivable>;

  beforeAll(async () => {
    labs = await startLabs(12);
    drive = drivable(labs.cucm);
    fleet = await startPhoneFleet({
      cucm: drive.registry,
      tftp: labs.tftp.udp,
      asa: labs.asa,
      bootDelayMs: 100,
      rehandshakeDelayMs: 100,
      retryIntervalMs: 0,
    });
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
    await labs?.close();
  });

  test('make-before-break: both hashes on the gateway, Apply Config, then the switch keeps every phone registered', async () => {
    const oldPem = labs.asa.boundCertificatePem();
    expect(fleet.stats().registered).toBe(12);
    // Another CN: Phone-VPN-trust would let a same-CN upload replace the old certificate (CSCuh19734).
    const newPem = await enrollTrustpoint(labs.asa, 'VPN-NEW', 'vpn-2026.example.com');
    labs.cucm.setGatewayCertificatesDirect([oldPem, newPem]);
    await rebuilt(labs.cucm);
    applyAll(labs, drive);
    await fleet.settle(30_000);
    expect(fleet.phone(labs.names[0]).certHashes).toEqual([
      parseCertificate(oldPem).sha1Base64,
      parseCertificate(newPem).sha1Base64,
    ]);

    await bindTrustpoint(labs.asa, 'VPN-NEW');
    await fleet.settle(30_000);
    expect(fleet.stats().registered).toBe(12);
    expect(fleet.phone(labs.names[3]).lastHandshakeSha1).toBe(parseCertificate(newPem).sha1Base64);
    expect(labs.asa.boundCertificatePem()).toBe(newPem);
  }, 60_000);

  test('a bad switch drops everyone; switching back (the automatic revert) brings them back', async () => {
    labs.cucm.setGatewayCertificatesDirect([labs.asa.boundCertificatePem()]);
    await rebuilt(labs.cucm);
    applyAll(labs, drive);
    await fleet.settle(30_000);
    expect(fleet.stats().registered).toBe(12);
    await bindNewTrustpoint(labs.asa, 'VPN-BAD', 'vpn-bad.example.com');
    await fleet.settle(30_000);
    expect(fleet.stats().registered).toBe(0);
    expect(fleet.phone(labs.names[0]).lastVpncLog).toBe(UNKNOWN_CA);
    await bindTrustpoint(labs.asa, 'VPN-NEW');
    await fleet.settle(30_000);
    expect(fleet.stats().registered).toBe(12);
  }, 60_000);

  test('rejectCertificate: phones refuse a listed certificate at the next handshake; clearing lets them back', async () => {
    const bound = parseCertificate(labs.asa.boundCertificatePem());
    expect(fleet.stats().registered).toBe(12);
    fleet.rejectCertificate(bound.sha1Hex);
    applyAll(labs, drive);
    await fleet.settle(30_000);
    expect(fleet.stats().registered).toBe(0);
    expect(fleet.phone(labs.names[2]).certHashes).toContain(bound.sha1Base64);
    expect(fleet.consoleLog(labs.names[2])).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ERR [\d:.]+ SECD: the presented certificate cannot be used by this firmware$/),
      ]),
    );
    fleet.clearRejections();
    applyAll(labs, drive);
    await fleet.settle(30_000);
    expect(fleet.stats().registered).toBe(12);
  }, 60_000);

  test('host-ID check on, URL host not in the certificate: "hostIDCheck failed!!"', async () => {
    await bindNewTrustpoint(labs.asa, 'VPN-OTHER-NAME', 'portal.example.net');
    labs.cucm.setGatewayCertificatesDirect([labs.asa.boundCertificatePem()]);
    labs.cucm.updateVpnProfile({ hostIdCheck: true });
    await rebuilt(labs.cucm);
    applyAll(labs, drive);
    await fleet.settle(30_000);
    expect(fleet.stats().registered).toBe(0);
    expect(fleet.phone(labs.names[1])).toMatchObject({ hostIdCheck: true, lastVpncLog: 'hostIDCheck failed!!' });
    expect(
      fleet
        .consoleLog(labs.names[1])
        .slice(-3)
        .map((l) => l.replace(/^\d+: \w+ [\d:.]+ /, '')),
    ).toEqual([
      'VPNC: hostID not found in subjectAltNames',
      'VPNC: hostID not found in subject name',
      'VPNC: hostIDCheck failed!!',
    ]);
    labs.cucm.updateVpnProfile({ hostIdCheck: false });
    await rebuilt(labs.cucm);
    applyAll(labs, drive);
    await fleet.settle(30_000);
    expect(fleet.stats().registered).toBe(12);
  }, 60_000);

  test('a user-and-password profile without a remembered password: phones wait for a user after the reset', async () => {
    labs.cucm.updateVpnProfile({ authMethod: 'User and Password' });
    await rebuilt(labs.cucm);
    applyAll(labs, drive);
    await fleet.settle(30_000);
    expect(fleet.stats().registered).toBe(0);
    expect(fleet.phone(labs.names[0]).lastVpncLog).toBe(
      'waiting for user credentials (authMethod 0, password not persistent)',
    );
    labs.cucm.updateVpnProfile({ authMethod: 'Certificate' });
    await rebuilt(labs.cucm);
  }, 60_000);
});

describe('knobs', () => {
  test('neverReturnShare: that share of phones stays unregistered after a reset, the rest come back', async () => {
    const labs = await startLabs(20);
    const drive = drivable(labs.cucm);
    const fleet = await startPhoneFleet({
      cucm: drive.registry,
      tftp: labs.tftp.udp,
      asa: labs.asa,
      bootDelayMs: 50,
      neverReturnShare: 0.25,
      seed: 3,
      retryIntervalMs: 0,
    });
    try {
      expect(fleet.stats().registered).toBe(20);
      applyAll(labs, drive);
      await fleet.settle(30_000);
      expect(fleet.stats()).toEqual({ registered: 15, unregistered: 5, booting: 0 });
      const gone = labs.names.filter((n) => fleet.phone(n).neverReturns);
      expect(gone).toHaveLength(5);
      expect(gone.every((n) => !fleet.phone(n).registered)).toBe(true);
      const ris = labs.cucm.state().phones.filter((p) => gone.includes(p.name));
      expect(ris.every((p) => p.status === 'UnRegistered' && p.statusReason === 17)).toBe(true);
    } finally {
      await fleet.close();
      await labs.close();
    }
  }, 60_000);

  test('an encrypted-config phone reads its .enc.sgn with its own key; without one it cannot join', async () => {
    const labs = await startLabs(2);
    const [plainPhone, encPhone] = labs.names;
    // The CUCM lab keeps its config key private: serve this phone's encrypted file from a key we hold.
    const key = randomBytes(16);
    const encrypt = (xml: Buffer) => {
      const iv = randomBytes(16);
      const cipher = createCipheriv('aes-128-cbc', key, iv);
      return Buffer.concat([iv, cipher.update(xml), cipher.final()]);
    };
    const stub = Buffer.from(
      `<?xml version="1.0"?><device><fullConfig>false</fullConfig><encrConfig>true</encrConfig></device>`,
    );
    const files = {
      readFile: (name: string) => {
        if (name === `${encPhone}.cnf.xml.sgn`) return stub;
        if (name === `${encPhone}.cnf.xml.enc.sgn`) return encrypt(labs.cucm.readFile(`${encPhone}.cnf.xml`)!);
        return labs.cucm.readFile(name);
      },
      listFiles: () => labs.cucm.listFiles(),
    };
    const tftp = await startTftpLab({ files });
    const decryptPhoneConfig = (name: string, enc: Buffer) => {
      if (name !== encPhone) return undefined;
      const decipher = createDecipheriv('aes-128-cbc', key, enc.subarray(0, 16));
      return Buffer.concat([decipher.update(enc.subarray(16)), decipher.final()]);
    };
    const withKey = await startPhoneFleet({
      cucm: drivable(labs.cucm, { decryptPhoneConfig }).registry,
      tftp: tftp.udp,
      asa: labs.asa,
      retryIntervalMs: 0,
    });
    expect(withKey.phone(encPhone)).toMatchObject({ registered: true, configFile: `${encPhone}.cnf.xml.sgn` });
    expect(withKey.consoleLog(encPhone).some((l) => l.endsWith(`CFG: ${encPhone}.cnf.xml.sgn`))).toBe(true);
    await withKey.close();
    const withoutKey = await startPhoneFleet({
      cucm: drivable(labs.cucm).registry,
      tftp: tftp.udp,
      asa: labs.asa,
      retryIntervalMs: 0,
    });
    try {
      expect(withoutKey.phone(plainPhone).registered).toBe(true);
      expect(withoutKey.phone(encPhone).registered).toBe(false);
      expect(withoutKey.consoleLog(encPhone).at(-1)).toMatch(/SECD: unable to decrypt SEP00AA00000001.cnf.xml.enc.sgn/);
    } finally {
      await withoutKey.close();
      await tftp.close();
      await labs.close();
    }
  }, 60_000);
});
