import { assessRolloverPlan, commonNamesOf, defaultSubjectName, PlanFacts } from '../../../activities/plan';

const NOW = '2026-11-27T10:00:00.000Z';
const OLD = {
  sha1Base64: 'b2xkLWNlcnQtaGFzaC1leGFtcGxlMTI=',
  sha1Hex: 'AA:BB',
  serialHex: '4b1d2c3e',
  issuerRfc2253: 'OU=PhoneVPN-2024,CN=vpn.example.com',
  subjectRfc2253: 'OU=PhoneVPN-2024,CN=vpn.example.com',
  commonNames: ['vpn.example.com'],
  notBefore: '2025-12-01T00:00:00.000Z',
  notAfter: '2026-12-20T00:00:00.000Z',
};

function facts(overrides: Partial<PlanFacts> = {}): PlanFacts {
  return {
    now: NOW,
    asa: {
      name: 'asa1',
      version: '9.16(2)',
      phoneLicenseEnabled: true,
      phoneLicenseLine: 'AnyConnect for Cisco VPN Phone    : Enabled        perpetual',
      iface: 'outside',
      boundTrustpoint: 'VPN-2024',
      trustpoints: ['VPN-2024'],
      keyLabels: ['VPN-2024'],
      phoneCiphersEnabled: true,
      loadBalancing: false,
    },
    oldCert: OLD,
    phoneProbe: { sha1Base64: OLD.sha1Base64, keyType: 'RSA' },
    ecProbe: { sha1Base64: OLD.sha1Base64, keyType: 'RSA' },
    cucm: {
      gatewayUrl: 'https://vpn.example.com/PhoneVPN',
      gatewayCertificates: [{ issuerName: OLD.issuerRfc2253, serialNumber: OLD.serialHex, sha1Base64: OLD.sha1Base64 }],
      trust: [
        {
          subjectName: OLD.subjectRfc2253,
          issuerName: OLD.issuerRfc2253,
          serialNumber: OLD.serialHex,
          sha1Base64: OLD.sha1Base64,
        },
      ],
      hostIdCheck: true,
      authMethod: 'Certificate',
      commonPhoneProfiles: ['VPN-CPP'],
    },
    inScope: 50,
    sample: { checked: 10, verified: 10, detail: 'verified 10' },
    requested: { certificateMode: 'self-signed' },
    trustpoint: 'CR-20261127-ab12',
    ...overrides,
  };
}

const blockers = (f: PlanFacts) =>
  assessRolloverPlan(f)
    .findings.filter((x) => x.severity === 'blocker')
    .map((x) => x.check);

describe('rollover plan assessment', () => {
  it('plans a new CN that cannot collide in Phone-VPN-trust, with the URL host in the SAN', () => {
    const r = assessRolloverPlan(facts());
    expect(r.subjectName).toBe(defaultSubjectName('vpn.example.com', NOW));
    expect(r.subjectName).toBe('CN=vpn.example.com-20261127,OU=PhoneVPN');
    expect(r.fqdn).toBe('vpn.example.com');
    expect(r.blockers).toEqual([]);
    expect(r.findings.find((f) => f.check === 'host-id-check')?.severity).toBe('ok');
  });

  it('blocks a same-CN upload (CSCuh19734)', () => {
    const r = assessRolloverPlan(
      facts({ requested: { certificateMode: 'self-signed', subjectName: 'CN=vpn.example.com,OU=PhoneVPN-2026' } }),
    );
    expect(r.blockers.join()).toMatch(/CSCuh19734/);
    expect(
      blockers(facts({ requested: { certificateMode: 'self-signed', subjectName: 'CN=VPN.example.com' } })),
    ).toContain('same-cn-overwrite');
  });

  it('blocks when the host-ID check would fail: IP URL, wildcard, other name', () => {
    const ipUrl = facts({ cucm: { ...facts().cucm, gatewayUrl: 'https://192.0.2.10/PhoneVPN' } });
    expect(blockers(ipUrl)).toContain('host-id-check');
    const wildcard = facts({
      requested: { certificateMode: 'csr', subjectName: 'CN=*.example.com', fqdn: 'portal.example.com' },
    });
    expect(blockers(wildcard)).toContain('host-id-check');
    const off = facts({
      cucm: { ...facts().cucm, hostIdCheck: false },
      requested: { certificateMode: 'csr', subjectName: 'CN=x', fqdn: 'y.example.com' },
    });
    expect(blockers(off)).not.toContain('host-id-check');
  });

  it('blocks without the VPN phone licence, without a bound trustpoint, with an expired certificate', () => {
    expect(blockers(facts({ asa: { ...facts().asa, phoneLicenseEnabled: false } }))).toContain('asa-phone-licence');
    expect(blockers(facts({ asa: { ...facts().asa, boundTrustpoint: undefined }, oldCert: undefined }))).toContain(
      'current-trustpoint',
    );
    expect(blockers(facts({ oldCert: { ...OLD, notAfter: '2026-11-01T00:00:00.000Z' } }))).toContain(
      'current-certificate-expiry',
    );
  });

  it('blocks when the phone ciphers are refused, and when the gateway is full', () => {
    expect(blockers(facts({ phoneProbe: { error: 'no shared cipher' } }))).toContain('phone-ciphers');
    const full = Array.from({ length: 10 }, (_, i) => ({ issuerName: `CN=c${i}`, serialNumber: `${i}` }));
    expect(blockers(facts({ cucm: { ...facts().cucm, gatewayCertificates: full } }))).toContain('gateway-capacity');
  });

  it('warns about the 9.4+ ECDSA trap only on 9.4(1) and later', () => {
    const ec = { sha1Base64: 'ZWMtc2VsZi1zaWduZWQtaGFzaC0xMjM0NTY=', keyType: 'EC' };
    const warn = assessRolloverPlan(facts({ ecProbe: ec })).findings.find((f) => f.check === 'ecdsa-certificate');
    expect(warn?.severity).toBe('warn');
    expect(warn?.fix).toContain('ssl cipher tlsv1.2 custom');
    const old = assessRolloverPlan(facts({ ecProbe: ec, asa: { ...facts().asa, version: '9.2(4)' } }));
    expect(old.findings.find((f) => f.check === 'ecdsa-certificate')).toBeUndefined();
  });

  it('reads CNs from ASA subject-names, quoted or not', () => {
    expect(commonNamesOf('CN=vpn.example.com,CN=192.0.2.1,OU=x')).toEqual(['vpn.example.com', '192.0.2.1']);
    expect(commonNamesOf('O="chuck, Inc.",CN="a,b"')).toEqual(['a,b']);
  });
});
