/** The ASA activities against the lab (MockActivityEnvironment): each step, idempotency, refusals, faults. */
import forge from 'node-forge';
import { parseCertificate } from '../../../devices/cert';
import { createLabCa, signCsr } from '../../../lab/asa';
import { count, failureOf, LabWithActivities, startLabWithActivities } from './helpers';

const NEW = {
  trustpoint: 'VPN-NEW',
  keyLabel: 'VPN-NEW',
  subjectName: 'CN=vpn.example.com-2025,OU=PhoneVPN',
  fqdn: 'vpn.example.com',
};

describe('self-signed rollover steps', () => {
  let t: LabWithActivities;
  beforeAll(async () => {
    t = await startLabWithActivities();
  });
  afterAll(() => t.close());

  it('readAsaState: version, licence, trustpoints, keys, SSL and the doctor inputs, JSON-safe', async () => {
    const s = await t.run(t.activities.readAsaState, { asa: 'asa1' });
    const lab = t.lab.state();
    expect(s).toMatchObject({
      hostname: 'asa1',
      version: '9.16(2)',
      ecTlsCapable: true,
      phoneLicense: {
        name: 'AnyConnect for Cisco VPN Phone',
        enabled: true,
        line: 'AnyConnect for Cisco VPN Phone : Enabled perpetual',
      },
      premiumPeers: 250,
      iface: 'outside',
      boundTrustpoint: 'VPN-CURRENT',
      keyLabels: ['<Default-RSA-Key>', 'VPN-CURRENT'],
      webvpn: { configured: true, csdEnabled: false, enabledInterfaces: ['outside'] },
      loadBalancing: { configured: false, participate: false },
    });
    expect(s.trustpoints).toEqual([
      {
        name: 'VPN-CURRENT',
        keypair: 'VPN-CURRENT',
        enrollment: 'self',
        fqdn: 'vpn.example.com',
        subjectName: 'CN=vpn.example.com',
        certificate: expect.objectContaining({
          status: 'Available',
          serialHex: lab.trustpoints[0].identity!.serialHex.padStart(8, '0'),
          subject: 'unstructuredName=vpn.example.com,CN=vpn.example.com',
          issuer: 'unstructuredName=vpn.example.com,CN=vpn.example.com',
          notAfter: lab.trustpoints[0].identity!.notAfter,
          keyType: 'RSA',
          keyBits: 2048,
        }),
        boundTo: ['outside'],
      },
    ]);
    expect(s.ssl).toMatchObject({
      phoneCiphersEnabled: true,
      ecdsaCiphersEnabled: true,
      bindings: [{ trustpoint: 'VPN-CURRENT', iface: 'outside' }],
    });
    expect(s.ssl.cipherLines).toContain('ssl cipher tlsv1.2 medium');
    expect(s.tunnelGroups[0]).toMatchObject({ name: 'VPNPhone', authentication: 'certificate', withoutCsd: false });
    expect(s.groupPolicies.map((g) => g.name)).toEqual(['GroupPolicy_VPNPhone']);
    expect(s.defaultGroupPolicy?.attributes).toEqual({
      vpnSimultaneousLogins: 3,
      vpnFilter: null,
      vpnTunnelProtocol: ['ikev1', 'ikev2', 'l2tp-ipsec', 'ssl-client', 'ssl-clientless'],
      groupLock: null,
    });
    expect(s.dapRecords).toEqual([expect.objectContaining({ name: 'DfltAccessPolicy', action: 'continue' })]);
    const json = JSON.stringify(s);
    expect(JSON.parse(json)).toEqual(s);
    for (const secret of [t.lab.credentials.password, t.lab.credentials.enablePassword])
      expect(json).not.toContain(secret);
  });

  it('readAsaState sees every doctor check in its failing state', async () => {
    const bad = await startLabWithActivities({
      phoneLicense: 'disabled',
      phoneCiphersEnabled: false,
      initialTrustpoint: null,
      config: {
        csdEnabled: true,
        loadBalancing: true,
        dapRecords: [{ name: 'DfltAccessPolicy', action: 'terminate' }],
        groupPolicies: [
          { name: 'DfltGrpPolicy', vpnFilter: 'NO-TRAFFIC', groupLock: 'DefaultWEBVPNGroup', vpnSimultaneousLogins: 0 },
          { name: 'GroupPolicy_VPNPhone' },
        ],
      },
    });
    try {
      const s = await bad.run(bad.activities.readAsaState, { asa: 'asa1' });
      expect(s.phoneLicense?.enabled).toBe(false);
      expect(s.ssl.phoneCiphersEnabled).toBe(false);
      expect(s.boundTrustpoint).toBeUndefined();
      expect(s.trustpoints).toEqual([]);
      expect(s.webvpn.csdEnabled).toBe(true);
      expect(s.loadBalancing.participate).toBe(true);
      expect(s.dapRecords[0].action).toBe('terminate');
      expect(s.defaultGroupPolicy?.attributes).toMatchObject({
        vpnFilter: 'NO-TRAFFIC',
        groupLock: 'DefaultWEBVPNGroup',
        vpnSimultaneousLogins: 0,
      });
      expect(s.groupPolicies.find((g) => g.name === 'GroupPolicy_VPNPhone')?.attributes).toEqual({});
    } finally {
      await bad.close();
    }
  });

  it('createKeyAndTrustpoint creates once, then finds its own work', async () => {
    const input = { asa: 'asa1', ...NEW, enrollment: 'self' as const };
    expect(await t.run(t.activities.createKeyAndTrustpoint, input)).toEqual({ created: true });
    expect(await t.run(t.activities.createKeyAndTrustpoint, input)).toEqual({ created: false });
    expect(count(t.lab.commandLog, 'crypto key generate rsa label VPN-NEW modulus 2048')).toBe(1);
    expect(count(t.lab.commandLog, 'crypto ca trustpoint VPN-NEW')).toBe(1);
    expect(t.lab.state().trustpoints.find((tp) => tp.name === 'VPN-NEW')).toMatchObject({
      enrollment: 'self',
      fqdn: 'vpn.example.com',
      subjectName: 'CN=vpn.example.com-2025,OU=PhoneVPN',
      keypair: 'VPN-NEW',
    });
  });

  it('createKeyAndTrustpoint never reuses a name for something else', async () => {
    const other = await failureOf(
      t.run(t.activities.createKeyAndTrustpoint, { asa: 'asa1', ...NEW, subjectName: 'CN=other', enrollment: 'self' }),
    );
    expect(other).toMatchObject({ type: 'AsaStateConflict', nonRetryable: true });
    expect(other.message).toMatch(/subjectName/);
    const key = await failureOf(
      t.run(t.activities.createKeyAndTrustpoint, {
        asa: 'asa1',
        ...NEW,
        trustpoint: 'VPN-X',
        keyLabel: 'VPN-CURRENT',
        enrollment: 'self',
      }),
    );
    expect(key).toMatchObject({ type: 'AsaStateConflict', nonRetryable: true });
    expect(t.lab.commandLog).not.toContain('crypto ca trustpoint VPN-X');
  });

  it('enrollSelfSigned enrolls once', async () => {
    expect(await t.run(t.activities.enrollSelfSigned, { asa: 'asa1', trustpoint: 'VPN-NEW' })).toEqual({
      enrolled: true,
    });
    expect(await t.run(t.activities.enrollSelfSigned, { asa: 'asa1', trustpoint: 'VPN-NEW' })).toEqual({
      enrolled: false,
    });
    expect(count(t.lab.commandLog, 'crypto ca enroll VPN-NEW noconfirm')).toBe(1);
  });

  it('exportIdentityCertificate gives the PEM and every hash form of the enrolled certificate', async () => {
    const e = await t.run(t.activities.exportIdentityCertificate, { asa: 'asa1', trustpoint: 'VPN-NEW' });
    const onLab = t.lab.state().trustpoints.find((tp) => tp.name === 'VPN-NEW')!.identity!;
    expect(e).toMatchObject({
      sha1Base64: onLab.sha1Base64,
      sha1Hex: onLab.sha1Hex,
      serialHex: onLab.serialHex,
      subjectRfc2253: 'unstructuredName=vpn.example.com,CN=vpn.example.com-2025,OU=PhoneVPN',
      issuerRfc2253: 'unstructuredName=vpn.example.com,CN=vpn.example.com-2025,OU=PhoneVPN',
      commonNames: ['vpn.example.com-2025'],
      subjectAltNames: { dns: ['vpn.example.com'], ip: [] },
      keyType: 'RSA',
      keyBits: 2048,
      selfSigned: true,
    });
    expect(parseCertificate(e.pem).sha1Base64).toBe(e.sha1Base64);
  });

  it('removeTrustpoint refuses the trustpoint the interface presents', async () => {
    const f = await failureOf(
      t.run(t.activities.removeTrustpoint, { asa: 'asa1', trustpoint: 'VPN-CURRENT', keyLabel: 'VPN-CURRENT' }),
    );
    expect(f).toMatchObject({ type: 'TrustpointInUse', nonRetryable: true });
    expect(count(t.lab.commandLog, /^no crypto ca trustpoint/)).toBe(0);
    expect(count(t.lab.commandLog, /^crypto key zeroize/)).toBe(0);
  });

  it('bindTrustpoint switches what phones are shown, once', async () => {
    const switches: string[] = [];
    const off = t.lab.onTrustpointSwitch((iface, tp) => switches.push(`${iface}:${tp}`));
    const before = await t.run(t.activities.probeAsPhone, { asa: 'asa1' });
    const exported = await t.run(t.activities.exportIdentityCertificate, { asa: 'asa1', trustpoint: 'VPN-NEW' });
    expect(before.presented.sha1Base64).not.toBe(exported.sha1Base64);
    expect(await t.run(t.activities.bindTrustpoint, { asa: 'asa1', trustpoint: 'VPN-NEW' })).toEqual({
      previous: 'VPN-CURRENT',
      changed: true,
    });
    expect(await t.run(t.activities.bindTrustpoint, { asa: 'asa1', trustpoint: 'VPN-NEW' })).toEqual({
      previous: 'VPN-NEW',
      changed: false,
    });
    off();
    expect(switches).toEqual(['outside:VPN-NEW']);
    expect(count(t.lab.commandLog, 'ssl trust-point VPN-NEW outside')).toBe(1);
    const after = await t.run(t.activities.probeAsPhone, { asa: 'asa1' });
    expect(after).toMatchObject({ as: 'phone', protocol: 'TLSv1.2', cipher: 'AES256-SHA' });
    expect(after.presented.sha1Base64).toBe(exported.sha1Base64);
  });

  it('writeMemory saves the switch; a read-only flash is a non-retryable WriteMemoryFailed', async () => {
    expect(t.lab.state().unsavedChanges).toBe(true);
    expect(await t.run(t.activities.writeMemory, { asa: 'asa1' })).toEqual({ ok: true });
    expect(t.lab.state()).toMatchObject({ unsavedChanges: false, writeMemoryCount: 1 });
    expect(t.lab.state().startupConfig).toContain('ssl trust-point VPN-NEW outside');

    t.lab.faults.writeMemoryFails = true;
    try {
      await t.run(t.activities.bindTrustpoint, { asa: 'asa1', trustpoint: 'VPN-CURRENT' });
      const f = await failureOf(t.run(t.activities.writeMemory, { asa: 'asa1' }));
      expect(f).toMatchObject({ type: 'WriteMemoryFailed', nonRetryable: true });
      expect(f.message).toMatch(/Read-only file system/);
      expect(t.lab.state()).toMatchObject({ unsavedChanges: true, writeMemoryCount: 1 });
      expect(t.lab.state().startupConfig).toContain('ssl trust-point VPN-NEW outside');
    } finally {
      t.lab.faults.writeMemoryFails = false;
    }
    await t.run(t.activities.bindTrustpoint, { asa: 'asa1', trustpoint: 'VPN-NEW' });
  });

  it('removeTrustpoint removes the old trustpoint, then zeroizes its key by label, once', async () => {
    expect(
      await t.run(t.activities.removeTrustpoint, { asa: 'asa1', trustpoint: 'VPN-CURRENT', keyLabel: 'VPN-CURRENT' }),
    ).toEqual({
      removed: true,
    });
    expect(
      await t.run(t.activities.removeTrustpoint, { asa: 'asa1', trustpoint: 'VPN-CURRENT', keyLabel: 'VPN-CURRENT' }),
    ).toEqual({
      removed: false,
    });
    const log = t.lab.commandLog;
    const removed = log.indexOf('no crypto ca trustpoint VPN-CURRENT noconfirm');
    expect(removed).toBeGreaterThan(-1);
    expect(log.indexOf('crypto key zeroize rsa label VPN-CURRENT noconfirm')).toBeGreaterThan(removed);
    expect(count(log, /^crypto key zeroize/)).toBe(1);
    expect(t.lab.state().keys.map((k) => k.label)).toEqual(['<Default-RSA-Key>', 'VPN-NEW']);
  });

  it('heartbeats while a slow device works', async () => {
    const slow = await startLabWithActivities({}, { heartbeatMs: 40 });
    const beats: unknown[] = [];
    slow.env.on('heartbeat', (d: unknown) => beats.push(d));
    slow.lab.faults.slowOutputMs = 25;
    try {
      await slow.run(slow.activities.readAsaState, { asa: 'asa1' });
    } finally {
      await slow.close();
    }
    expect(beats.length).toBeGreaterThan(0);
    expect(beats[0]).toEqual({ step: 'readAsaState' });
  });
});

describe('CSR rollover steps', () => {
  let t: LabWithActivities;
  const CSR = {
    trustpoint: 'VPN-CSR',
    keyLabel: 'VPN-CSR',
    subjectName: 'CN=vpn.example.com-csr,OU=PhoneVPN,O="Example, Inc."',
    fqdn: 'vpn.example.com',
  };
  beforeAll(async () => {
    t = await startLabWithActivities();
    await t.run(t.activities.createKeyAndTrustpoint, { asa: 'asa1', ...CSR, enrollment: 'terminal' });
  });
  afterAll(() => t.close());

  it('createCsr returns the request for the trustpoint key with the subject and FQDN SAN', async () => {
    const { csrPem } = await t.run(t.activities.createCsr, { asa: 'asa1', trustpoint: 'VPN-CSR' });
    const csr = forge.pki.certificationRequestFromPem(csrPem);
    expect(csr.verify()).toBe(true);
    expect(csr.subject.getField('CN').value).toBe('vpn.example.com-csr');
    expect(csr.subject.getField('O').value).toBe('Example, Inc.');
    const ext = csr.getAttribute({ name: 'extensionRequest' }) as {
      extensions: { name: string; altNames?: { value: string }[] }[];
    };
    expect(ext.extensions.find((e) => e.name === 'subjectAltName')?.altNames?.map((a) => a.value)).toEqual([
      'vpn.example.com',
    ]);
    expect(t.lab.state().trustpoints.find((tp) => tp.name === 'VPN-CSR')?.pendingCsr).toBe(true);
    const wrongMode = await failureOf(t.run(t.activities.enrollSelfSigned, { asa: 'asa1', trustpoint: 'VPN-CSR' }));
    expect(wrongMode).toMatchObject({ type: 'AsaStateConflict', nonRetryable: true });
  });

  it('importSignedCertificate authenticates the CA and imports, surviving a dropped connection, once', async () => {
    const { csrPem } = await t.run(t.activities.createCsr, { asa: 'asa1', trustpoint: 'VPN-CSR' });
    const ca = await createLabCa('Example Issuing CA');
    const certificatePem = signCsr(ca, csrPem);
    const input = { asa: 'asa1', trustpoint: 'VPN-CSR', certificatePem, caPems: [ca.pem] };

    // Unrelated CA: refused before anything changes.
    const other = await createLabCa('Someone Else CA');
    const before = t.lab.commandLog.length;
    const wrongCa = await failureOf(t.run(t.activities.importSignedCertificate, { ...input, caPems: [other.pem] }));
    expect(wrongCa).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect(t.lab.commandLog.length).toBe(before);

    t.lab.faults.dropOnCommand = /^crypto ca import/;
    const dropped = await failureOf(t.run(t.activities.importSignedCertificate, input));
    expect(dropped).toMatchObject({ type: 'TransportError', nonRetryable: false });
    t.lab.faults.dropOnCommand = undefined;

    expect(await t.run(t.activities.importSignedCertificate, input)).toEqual({ imported: false });
    expect(await t.run(t.activities.importSignedCertificate, input)).toEqual({ imported: false });
    expect(count(t.lab.commandLog, 'crypto ca authenticate VPN-CSR')).toBe(1);
    expect(count(t.lab.commandLog, 'crypto ca import VPN-CSR certificate')).toBe(1);
    // Pasted lines and dialog answers are not commands.
    expect(t.lab.commandLog.some((l) => l.includes('BEGIN CERTIFICATE') || l === 'quit' || l === 'yes')).toBe(false);

    const exported = await t.run(t.activities.exportIdentityCertificate, { asa: 'asa1', trustpoint: 'VPN-CSR' });
    expect(exported.issuerRfc2253).toBe('CN=Example Issuing CA,O=certroll lab');
    expect(exported.sha1Base64).toBe(parseCertificate(certificatePem).sha1Base64);
    const state = await t.run(t.activities.readAsaState, { asa: 'asa1' });
    expect(state.trustpoints.find((tp) => tp.name === 'VPN-CSR')?.caCertificate?.subject).toBe(
      'CN=Example Issuing CA,O=certroll lab',
    );

    const again = await failureOf(t.run(t.activities.createCsr, { asa: 'asa1', trustpoint: 'VPN-CSR' }));
    expect(again).toMatchObject({ type: 'AsaStateConflict' });

    // Bound, the interface sends the identity certificate and its CA.
    await t.run(t.activities.bindTrustpoint, { asa: 'asa1', trustpoint: 'VPN-CSR' });
    const probe = await t.run(t.activities.probeAsPhone, { asa: 'asa1' });
    expect(probe.chainLength).toBe(2);
    expect(probe.presented.sha1Base64).toBe(exported.sha1Base64);
    expect(probe.chain[1].sha1Base64).toBe(parseCertificate(ca.pem).sha1Base64);
  });

  it('refuses a certificate issued for another key', async () => {
    await t.run(t.activities.createKeyAndTrustpoint, {
      asa: 'asa1',
      ...CSR,
      trustpoint: 'VPN-CSR2',
      keyLabel: 'VPN-CSR2',
      enrollment: 'terminal',
    });
    const otherLab = await startLabWithActivities();
    try {
      await otherLab.run(otherLab.activities.createKeyAndTrustpoint, { asa: 'asa1', ...CSR, enrollment: 'terminal' });
      const { csrPem } = await otherLab.run(otherLab.activities.createCsr, { asa: 'asa1', trustpoint: 'VPN-CSR' });
      const ca = await createLabCa();
      const f = await failureOf(
        t.run(t.activities.importSignedCertificate, {
          asa: 'asa1',
          trustpoint: 'VPN-CSR2',
          certificatePem: signCsr(ca, csrPem),
          caPems: [ca.pem],
        }),
      );
      expect(f).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
      expect(f.message).toMatch(/not for key pair VPN-CSR2/);
      expect(t.lab.commandLog).not.toContain('crypto ca import VPN-CSR2 certificate');
    } finally {
      await otherLab.close();
    }
  });
});

describe('a connection dropped mid-command, then retried', () => {
  let t: LabWithActivities;
  beforeAll(async () => {
    t = await startLabWithActivities();
  });
  afterAll(() => t.close());
  afterEach(() => {
    t.lab.faults.dropOnCommand = undefined;
  });

  async function dropThenRetry<R>(pattern: RegExp, step: () => Promise<R>): Promise<R> {
    t.lab.faults.dropOnCommand = pattern;
    const f = await failureOf(step());
    expect(f).toMatchObject({ type: 'TransportError', nonRetryable: false });
    t.lab.faults.dropOnCommand = undefined;
    return step();
  }

  it('leaves exactly one key and one trustpoint (drop after the key was generated)', async () => {
    const input = { asa: 'asa1', ...NEW, trustpoint: 'TP-A', keyLabel: 'KEY-A', enrollment: 'self' as const };
    expect(
      await dropThenRetry(/^crypto key generate/, () => t.run(t.activities.createKeyAndTrustpoint, input)),
    ).toEqual({ created: true });
    expect(count(t.lab.commandLog, /^crypto key generate rsa label KEY-A/)).toBe(1);
    expect(count(t.lab.commandLog, 'crypto ca trustpoint TP-A')).toBe(1);
    expect(t.lab.state().trustpoints.filter((tp) => tp.name === 'TP-A')).toHaveLength(1);
  });

  it('finishes a trustpoint cut off in the middle of its definition without a second key', async () => {
    const input = { asa: 'asa1', ...NEW, trustpoint: 'TP-B', keyLabel: 'KEY-B', enrollment: 'self' as const };
    expect(await dropThenRetry(/^subject-name/, () => t.run(t.activities.createKeyAndTrustpoint, input))).toEqual({
      created: true,
    });
    expect(count(t.lab.commandLog, /^crypto key generate rsa label KEY-B/)).toBe(1);
    expect(t.lab.state().trustpoints.find((tp) => tp.name === 'TP-B')).toMatchObject({
      enrollment: 'self',
      subjectName: NEW.subjectName,
      keypair: 'KEY-B',
    });
  });

  it('enrolls and switches once', async () => {
    expect(
      await dropThenRetry(/^crypto ca enroll/, () =>
        t.run(t.activities.enrollSelfSigned, { asa: 'asa1', trustpoint: 'TP-A' }),
      ),
    ).toEqual({
      enrolled: false,
    });
    expect(count(t.lab.commandLog, /^crypto ca enroll TP-A/)).toBe(1);
    expect(
      await dropThenRetry(/^ssl trust-point/, () =>
        t.run(t.activities.bindTrustpoint, { asa: 'asa1', trustpoint: 'TP-A' }),
      ),
    ).toEqual({
      previous: 'TP-A',
      changed: false,
    });
    expect(count(t.lab.commandLog, 'ssl trust-point TP-A outside')).toBe(1);
  });
});

describe('CLI injection corpus: refused before anything is sent', () => {
  let t: LabWithActivities;
  beforeAll(async () => {
    t = await startLabWithActivities();
  });
  afterAll(() => t.close());

  const base = {
    asa: 'asa1',
    trustpoint: 'TP',
    keyLabel: 'KEY',
    subjectName: 'CN=vpn.example.com',
    fqdn: 'vpn.example.com',
    enrollment: 'self' as const,
  };
  const nasty = ['TP\nwrite erase', 'TP;reload', 'TP"', 'TP\r\nreload', 'x'.repeat(300), 'tëst', 'TP\u001b', ''];
  const cases: [string, () => Promise<unknown>][] = [
    ...nasty.map((v): [string, () => Promise<unknown>] => [
      `trustpoint ${JSON.stringify(v)}`,
      () => t.run(t.activities.createKeyAndTrustpoint, { ...base, trustpoint: v }),
    ]),
    ...nasty.map((v): [string, () => Promise<unknown>] => [
      `key label ${JSON.stringify(v)}`,
      () => t.run(t.activities.removeTrustpoint, { asa: 'asa1', trustpoint: 'TP', keyLabel: v }),
    ]),
    ...[
      'CN=a\nwrite erase',
      'CN=a;reload',
      'CN=a"b',
      'CN=ünïcode',
      `CN=${'a'.repeat(500)}`,
      'CN=a\u0000',
      'OU=no-cn',
    ].map((v): [string, () => Promise<unknown>] => [
      `subject ${JSON.stringify(v)}`,
      () => t.run(t.activities.createKeyAndTrustpoint, { ...base, subjectName: v }),
    ]),
    [
      'fqdn with newline',
      () => t.run(t.activities.createKeyAndTrustpoint, { ...base, fqdn: 'vpn.example.com\nreload' }),
    ],
    ['wildcard fqdn', () => t.run(t.activities.createKeyAndTrustpoint, { ...base, fqdn: '*.example.com' })],
    ['unknown enrollment', () => t.run(t.activities.createKeyAndTrustpoint, { ...base, enrollment: 'url' as 'self' })],
    [
      'bind with newline',
      () => t.run(t.activities.bindTrustpoint, { asa: 'asa1', trustpoint: 'TP\nno ssl trust-point X outside' }),
    ],
    ['export with unicode', () => t.run(t.activities.exportIdentityCertificate, { asa: 'asa1', trustpoint: 'ТР' })],
    [
      'garbage certificate',
      () =>
        t.run(t.activities.importSignedCertificate, {
          asa: 'asa1',
          trustpoint: 'TP',
          certificatePem: 'quit\nreload',
          caPems: ['x'],
        }),
    ],
    ['unknown ASA', () => t.run(t.activities.readAsaState, { asa: 'asa2' })],
    [
      'missing field',
      () => t.run(t.activities.enrollSelfSigned, { asa: 'asa1' } as { asa: string; trustpoint: string }),
    ],
  ];

  it.each(cases)('%s', async (_label, call) => {
    const f = await failureOf(call());
    expect(f).toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    expect(t.lab.commandLog).toEqual([]);
  });
});
