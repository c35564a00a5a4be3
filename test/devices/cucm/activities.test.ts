import { inspect } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { parseCertificate } from '../../../devices/cert';
import { createCucmActivities, CucmActivities, trustOverwriteRisk } from '../../../activities/cucm';
import { CucmLab, generatePhoneSpecs, startCucmLab } from '../../../lab/cucm';
import { asaIdentityCertificate } from '../../../lab/cucm/pki';
import { PhoneAction } from '../../../lab/contracts';
import { labInventory, oldAndNewCertificates, testKey } from './helpers';

const certs = oldAndNewCertificates();
const old = parseCertificate(certs.old);
const renewed = parseCertificate(certs.renewed);
const sameCn = parseCertificate(certs.sameCn);
const cluster = 'lab';
const gateway = 'ASA-PhoneVPN';
const oldMember = { issuerName: old.issuer.rfc2253, serialNumber: old.serialHex };
const newMember = { issuerName: renewed.issuer.rfc2253, serialNumber: renewed.serialHex };

function activitiesFor(lab: CucmLab): CucmActivities {
  return createCucmActivities(labInventory(lab));
}

/** Run an activity in a mock context (optionally a retry with heartbeat details), keeping its result type. */
function run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return inEnv(new MockActivityEnvironment(), fn, ...args);
}

function inEnv<A extends unknown[], R>(
  env: MockActivityEnvironment,
  fn: (...args: A) => Promise<R>,
  ...args: A
): Promise<R> {
  return env.run(fn, ...args) as Promise<R>;
}

describe('CUCM activities against the lab (MockActivityEnvironment)', () => {
  let lab: CucmLab;
  let acts: CucmActivities;
  const vpnPhones = generatePhoneSpecs(120);

  beforeEach(async () => {
    lab = await startCucmLab({
      phones: [
        ...vpnPhones,
        ...generatePhoneSpecs(3, { firstMac: 0x00bb00000000, commonPhoneConfigName: 'Standard Common Phone Profile' }),
      ],
      vpn: { certificates: [certs.old], hostIdCheck: true },
    });
    acts = activitiesFor(lab);
  });
  afterEach(async () => lab?.close());

  it('readCucmState: version, gateway certificates with their hashes, groups, profile, common phone profiles, trust', async () => {
    const state = await run(acts.readCucmState, { cluster, gateway });
    expect(state).toMatchObject({
      version: '14.0.1.13900-155',
      exportRestricted: true,
      gateway: {
        name: gateway,
        url: 'https://vpn.example.com/PhoneVPN',
        certificates: [{ ...oldMember, sha1Base64: old.sha1Base64, subject: old.subject.rfc2253 }],
      },
      groups: [{ name: 'PhoneVPN-Group', gateways: [gateway] }],
      profile: { name: 'PhoneVPN-Profile', hostIdCheck: true, authMethod: 'Certificate', mtu: 1290 },
      commonPhoneProfiles: [{ name: 'VPN-CPP', vpnGroupName: 'PhoneVPN-Group', vpnProfileName: 'PhoneVPN-Profile' }],
      trustSource: 'certmgr',
    });
    expect(state.trust).toEqual([
      {
        subjectName: 'OU=PhoneVPN-2024,CN=vpn.example.com',
        issuerName: 'OU=PhoneVPN-2024,CN=vpn.example.com',
        serialNumber: old.serialHex,
        sha1Base64: old.sha1Base64,
        notBefore: old.notBefore,
        notAfter: old.notAfter,
        commonName: 'vpn.example.com',
        certificateName: 'vpn.example.com.pem',
      },
    ]);
    expect(JSON.stringify(state)).not.toContain(lab.credentials.axlPassword);
    expect(lab.requestLog.every((r) => !r.write)).toBe(true);
  });

  it('uploadPhoneVpnTrust uploads once and is a no-op when the same SHA-1 is already there', async () => {
    expect(await run(acts.uploadPhoneVpnTrust, { cluster, pem: certs.renewed })).toEqual({
      uploaded: true,
      sha1Base64: renewed.sha1Base64,
      certificateName: 'vpn-2025.example.com.pem',
    });
    expect(await run(acts.uploadPhoneVpnTrust, { cluster, pem: certs.renewed })).toMatchObject({ uploaded: false });
    expect(lab.requestLog.filter((r) => r.operation === 'uploadTrust')).toHaveLength(1);
    expect(
      lab
        .state()
        .trust.map((t) => t.sha1Base64)
        .sort(),
    ).toEqual([old.sha1Base64, renewed.sha1Base64].sort());
  });

  it('CSCuh19734: refuses (non-retryable TrustOverwriteRisk) to upload a same-CN certificate with a later notBefore; nothing is touched', async () => {
    const failure = await run(acts.uploadPhoneVpnTrust, { cluster, pem: certs.sameCn }).catch((e) => e);
    expect(failure).toMatchObject({ type: 'TrustOverwriteRisk', nonRetryable: true });
    expect(failure.message).toMatch(/already holds a different certificate named "vpn.example.com".*silently replace/);
    expect(lab.requestLog.filter((r) => r.write)).toEqual([]);
    expect(lab.state().trust.map((t) => t.sha1Base64)).toEqual([old.sha1Base64]);
    expect(lab.state().gateways[0].certificates.map((c) => c.sha1Base64)).toEqual([old.sha1Base64]);
  });

  it('trustOverwriteRisk (pure) lets the plan see the collision from readCucmState data', async () => {
    const { trust } = await run(acts.readCucmState, { cluster, gateway });
    expect(trustOverwriteRisk(trust, certs.sameCn)).toMatchObject({
      commonName: 'vpn.example.com',
      cucmWould: 'replace',
      existing: { sha1Base64: old.sha1Base64 },
    });
    const older = asaIdentityCertificate({
      cn: 'vpn.example.com',
      notBefore: new Date(Date.parse(old.notBefore) - 86_400_000),
      key: testKey(),
    });
    expect(trustOverwriteRisk(trust, older.pem)?.cucmWould).toBe('refuse');
    expect(trustOverwriteRisk(trust, certs.renewed)).toBeUndefined();
    expect(trustOverwriteRisk(trust, certs.old)).toBeUndefined();
    expect(sameCn.sha1Base64).not.toBe(old.sha1Base64);
  });

  it('setGatewayCertificates writes the whole list, verifies it, and is a no-op when equal', async () => {
    await run(acts.uploadPhoneVpnTrust, { cluster, pem: certs.renewed });
    expect(await run(acts.setGatewayCertificates, { cluster, gateway, certificates: [oldMember, newMember] })).toEqual({
      changed: true,
      before: [oldMember],
    });
    expect(await run(acts.setGatewayCertificates, { cluster, gateway, certificates: [newMember, oldMember] })).toEqual({
      changed: false,
      before: [oldMember, newMember],
    });
    expect(lab.requestLog.filter((r) => r.operation === 'updateVpnGateway')).toHaveLength(1);
    const notTrusted = await run(acts.setGatewayCertificates, {
      cluster,
      gateway,
      certificates: [{ issuerName: 'CN=x', serialNumber: '01' }],
    }).catch((e) => e);
    expect(notTrusted).toMatchObject({ type: 'AxlFault', nonRetryable: true });
    const resumed = await new MockActivityEnvironment({ heartbeatDetails: { before: [oldMember] } }).run(
      acts.setGatewayCertificates,
      {
        cluster,
        gateway,
        certificates: [oldMember, newMember],
      },
    );
    expect(resumed).toEqual({ changed: false, before: [oldMember] });
  });

  it('setGatewayCertificates turns a 503 into a retryable failure without retrying itself', async () => {
    await run(acts.uploadPhoneVpnTrust, { cluster, pem: certs.renewed });
    lab.faults.axlThrottle503 = 1;
    const heartbeats: unknown[] = [];
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d) => heartbeats.push(d));
    const failure = await env
      .run(acts.setGatewayCertificates, { cluster, gateway, certificates: [oldMember, newMember] })
      .catch((e) => e);
    expect(failure).toMatchObject({ type: 'AxlThrottled', nonRetryable: false });
    expect(lab.requestLog.filter((r) => r.operation === 'updateVpnGateway').map((r) => r.status)).toEqual([503]);
    expect(heartbeats).toEqual([{ before: [oldMember] }]);
  });

  it('deleteTrustCertificate refuses while a gateway lists the certificate, then deletes it once', async () => {
    await run(acts.uploadPhoneVpnTrust, { cluster, pem: certs.renewed });
    await run(acts.setGatewayCertificates, { cluster, gateway, certificates: [oldMember, newMember] });
    const inUse = await run(acts.deleteTrustCertificate, { cluster, sha1Base64: old.sha1Base64 }).catch((e) => e);
    expect(inUse).toMatchObject({ type: 'TrustInUse', nonRetryable: true });
    await run(acts.setGatewayCertificates, { cluster, gateway, certificates: [newMember] });
    expect(await run(acts.deleteTrustCertificate, { cluster, sha1Base64: old.sha1Base64 })).toEqual({ deleted: true });
    expect(await run(acts.deleteTrustCertificate, { cluster, sha1Base64: old.sha1Base64 })).toEqual({ deleted: false });
    expect(lab.state().trust.map((t) => t.sha1Base64)).toEqual([renewed.sha1Base64]);
    expect(lab.requestLog.filter((r) => r.operation === 'deleteTrust')).toHaveLength(1);
  });

  it('countScopePhones / listScopePhonesPage: the phones of the common phone profiles, paged by name', async () => {
    expect(await run(acts.countScopePhones, { cluster, commonPhoneProfiles: ['VPN-CPP'] })).toBe(120);
    expect(await run(acts.countScopePhones, { cluster, commonPhoneProfiles: [] })).toBe(0);
    const pages: string[] = [];
    for (let offset = 0; offset < 120; offset += 50)
      pages.push(
        ...(await run(acts.listScopePhonesPage, { cluster, commonPhoneProfiles: ['VPN-CPP'], offset, limit: 50 })),
      );
    expect(pages).toEqual(vpnPhones.map((p) => p.name));
    expect(
      await run(acts.listScopePhonesPage, { cluster, commonPhoneProfiles: ['VPN-CPP'], offset: 100, limit: 50 }),
    ).toHaveLength(20);
  });

  it('applyConfig reports unknown phones as failed, heartbeats progress and resumes after a 503 without repeating a phone', async () => {
    const seen: Array<[string, PhoneAction]> = [];
    lab.onPhoneAction((name, action) => {
      seen.push([name, action]);
      if (seen.length === 3) lab.faults.axlThrottle503 = 1; // the 4th phone meets a write throttle
    });
    const names = [
      ...vpnPhones.slice(0, 3).map((p) => p.name),
      'SEP0000DEADBEEF',
      ...vpnPhones.slice(3, 6).map((p) => p.name),
    ];
    const heartbeats: Array<{ done: number; startedAt: string }> = [];
    const first = new MockActivityEnvironment();
    first.on('heartbeat', (d) => heartbeats.push(d));
    const failure = await first.run(acts.applyConfig, { cluster, names }).catch((e) => e);
    expect(failure).toMatchObject({ type: 'AxlThrottled', nonRetryable: false });
    const last = heartbeats[heartbeats.length - 1];
    expect(last.done).toBe(3);

    const second = new MockActivityEnvironment({ heartbeatDetails: last });
    const result = await inEnv(second, acts.applyConfig, { cluster, names });
    expect(result.applied).toEqual(names.filter((n) => n !== 'SEP0000DEADBEEF'));
    expect(result.failed).toEqual([{ name: 'SEP0000DEADBEEF', reason: expect.stringContaining('5007') }]);
    expect(result.startedAt).toBe(last.startedAt);
    expect(seen.map(([n]) => n)).toEqual(result.applied);
    expect(new Set(seen.map(([, a]) => a))).toEqual(new Set(['apply']));

    const reset = await run(acts.applyConfig, { cluster, names: [names[0]], action: 'reset' });
    expect(reset.applied).toEqual([names[0]]);
    expect(seen[seen.length - 1]).toEqual([names[0], 'reset']);
  });

  it('applyConfig refuses bad names before calling CUCM', async () => {
    const failure = await run(acts.applyConfig, { cluster, names: ["SEP1'; DROP"] }).catch((e) => e);
    expect(failure).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect(lab.requestLog).toEqual([]);
  });

  it('registrationStatus reads RisPort in chunks of 1,000 and reports unknown phones as NotFound', async () => {
    const big = await startCucmLab({ phones: generatePhoneSpecs(1500), autoReregisterMs: 50 });
    try {
      const a = activitiesFor(big);
      big.setRegistration('SEP00AA00000005', { status: 'UnRegistered', statusReason: 9 });
      const names = [...generatePhoneSpecs(1500).map((p) => p.name), 'SEP0000DEADBEEF'];
      const result = await run(a.registrationStatus, { cluster, names });
      expect(result).toHaveLength(1501);
      expect(result[5]).toMatchObject({ name: 'SEP00AA00000005', status: 'UnRegistered', statusReason: 9 });
      expect(result[0]).toMatchObject({ status: 'Registered', statusReason: 0, ipAddress: expect.any(String) });
      expect(result[1500]).toEqual({ name: 'SEP0000DEADBEEF', status: 'NotFound', statusReason: 0, timeStamp: 0 });
      expect(big.requestLog.filter((r) => r.api === 'risport')).toHaveLength(2);
    } finally {
      await big.close();
    }
  });

  it('registrationStatus: the RateControl fault is retryable and a retry resumes after the chunks already read', async () => {
    const big = await startCucmLab({ phones: generatePhoneSpecs(2500), risportQueriesPerMinute: 2 });
    try {
      const a = activitiesFor(big);
      const names = generatePhoneSpecs(2500).map((p) => p.name);
      const heartbeats: Array<{ results: unknown[] }> = [];
      const env = new MockActivityEnvironment();
      env.on('heartbeat', (d) => heartbeats.push(d));
      const failure = await inEnv(env, a.registrationStatus, { cluster, names }).catch((e) => e);
      expect(failure).toMatchObject({ type: 'RisRateLimited', nonRetryable: false });
      expect(failure.message).toContain('Exceeded allowed rate for Reatime information');
      expect(heartbeats[heartbeats.length - 1].results).toHaveLength(2000);
      big.faults.risportQueriesPerMinute = 3;
      const retry = new MockActivityEnvironment({ heartbeatDetails: heartbeats[heartbeats.length - 1] });
      const resumed = await inEnv(retry, a.registrationStatus, { cluster, names });
      expect(resumed.map((r) => r.name)).toEqual(names);
      expect(big.requestLog.filter((r) => r.api === 'risport').map((r) => r.status)).toEqual([200, 200, 500, 200]);
    } finally {
      await big.close();
    }
  });

  it('refuses names outside the inventory and a gateway of another cluster', async () => {
    await expect(
      run(acts.countScopePhones, { cluster: 'nope', commonPhoneProfiles: ['VPN-CPP'] }),
    ).rejects.toMatchObject({ type: 'InventoryError', nonRetryable: true });
    await expect(run(acts.readCucmState, { cluster: 'nope', gateway })).rejects.toMatchObject({
      type: 'InvalidInput',
      nonRetryable: true,
    });
    await expect(run(acts.readCucmState, { cluster, gateway: 'Other-GW' })).rejects.toMatchObject({
      type: 'InventoryError',
      nonRetryable: true,
    });
  });
});

describe('CUCM activities when CUCM goes away', () => {
  it('a network failure is a retryable TransportError that carries no credentials', async () => {
    const lab = await startCucmLab({ phones: generatePhoneSpecs(2) });
    const acts = activitiesFor(lab);
    expect(await run(acts.countScopePhones, { cluster, commonPhoneProfiles: ['VPN-CPP'] })).toBe(2);
    await lab.close();
    const failure = await run(acts.countScopePhones, { cluster, commonPhoneProfiles: ['VPN-CPP'] }).catch((e) => e);
    expect(failure).toMatchObject({ type: 'TransportError', nonRetryable: false });
    const everything = inspect(failure, { depth: 20, showHidden: true });
    expect(everything).not.toContain(lab.credentials.axlPassword);
    expect(everything).not.toContain(
      Buffer.from(`${lab.credentials.axlUser}:${lab.credentials.axlPassword}`).toString('base64'),
    );
  });
});

describe('CUCM activities on other builds', () => {
  it('export-unrestricted CUCM: readCucmState fails with a non-retryable VpnFeatureUnavailable', async () => {
    const lab = await startCucmLab({ exportRestricted: false });
    try {
      const failure = await run(activitiesFor(lab).readCucmState, { cluster, gateway }).catch((e) => e);
      expect(failure).toMatchObject({ type: 'VpnFeatureUnavailable', nonRetryable: true });
      expect(failure.message).toMatch(/export unrestricted/);
    } finally {
      await lab.close();
    }
  });

  it('CUCM 12.5: trust comes from executeSQLQuery and uploads say the API is missing', async () => {
    const lab = await startCucmLab({ axlVersion: '12.5', vpn: { certificates: [certs.old] } });
    try {
      const acts = activitiesFor(lab);
      const state = await run(acts.readCucmState, { cluster, gateway });
      expect(state.trustSource).toBe('sql');
      expect(state.trust).toEqual([
        {
          subjectName: old.subject.rfc2253,
          issuerName: old.issuer.rfc2253,
          serialNumber: old.serialHex,
          sha1Base64: old.sha1Base64,
          commonName: 'vpn.example.com',
        },
      ]);
      expect(state.gateway.certificates[0].sha1Base64).toBe(old.sha1Base64);
      const failure = await run(acts.uploadPhoneVpnTrust, { cluster, pem: certs.renewed }).catch((e) => e);
      expect(failure).toMatchObject({ type: 'CertmgrUnavailable', nonRetryable: true });
      expect(failure.message).toContain('set cert import trust Phone-VPN-trust');
    } finally {
      await lab.close();
    }
  });
});
