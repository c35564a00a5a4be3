/**
 * The doctor against the lab, every check of the TAC guide in its passing and failing state. Each lab below puts a
 * group of checks into one state through the simulators' own configuration (what `show run` prints, what AXL
 * returns, what the TLS listener presents). States no lab knob reaches (a probe that gets no answer, a common phone
 * profile without a VPN profile, an 8.x cipher syntax) are judged from the healthy lab's own facts, changed in one
 * field.
 */
import { randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  assessDoctor,
  DoctorFacts,
  DoctorReport,
  PHONE_CIPHER_FIX_8X,
  PHONE_CIPHER_FIX_9X,
} from '../../activities/doctor';
import type { LabOptions } from '../../lab';
import { createLabCa } from '../../lab/asa';
import { generatePhoneSpecs } from '../../lab/cucm';
import { doctorWorkflow } from '../../workflows/doctor';
import { createTestCa, createTestCsr } from '../support/pki';
import { rolloverRig } from '../support/rollover-harness';
import { connectTestTemporal, TestTemporal } from '../support/temporal';

describe('certroll doctor: every check in pass and fail', () => {
  let t: TestTemporal;
  beforeAll(async () => {
    t = await connectTestTemporal();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Run the doctor workflow against a lab; also return the facts it judged (the assessDoctor activity's input). */
  async function doctorRun(
    labOptions: LabOptions,
    prepare?: (lab: Awaited<ReturnType<typeof rolloverRig>>['lab']) => Promise<void> | void,
  ): Promise<{ report: DoctorReport; facts: DoctorFacts; gateway: string }> {
    const rig = await rolloverRig(t, {
      phones: 6,
      currentNotAfter: new Date(Date.now() + 200 * 86_400_000),
      ...labOptions,
    });
    const workflowId = `doctor/${rig.input.asa}/${randomUUID()}`;
    try {
      await prepare?.(rig.lab);
      const report = await rig.workers.runUntil(() =>
        t.client.workflow.execute(doctorWorkflow, {
          workflowId,
          taskQueue: rig.taskQueue,
          args: [{ asa: rig.input.asa, cluster: rig.input.cluster, gateway: rig.input.gateway }],
        }),
      );
      const history = await t.client.workflow.getHandle(workflowId).fetchHistory();
      const scheduled = history.events?.find(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'assessDoctor',
      );
      const payload = scheduled?.activityTaskScheduledEventAttributes?.input?.payloads?.[0];
      if (!payload) throw new Error('the doctor workflow scheduled no assessDoctor activity');
      return { report, facts: defaultPayloadConverter.fromPayload<DoctorFacts>(payload), gateway: rig.input.gateway };
    } finally {
      await rig.close();
    }
  }

  async function doctor(
    labOptions: LabOptions,
    prepare?: (lab: Awaited<ReturnType<typeof rolloverRig>>['lab']) => Promise<void> | void,
  ): Promise<DoctorReport> {
    return (await doctorRun(labOptions, prepare)).report;
  }

  const severity = (r: DoctorReport, check: string) => r.findings.find((f) => f.check === check)?.severity;
  const finding = (r: DoctorReport, check: string) => {
    const f = r.findings.find((x) => x.check === check);
    if (!f) throw new Error(`no ${check} finding in ${r.findings.map((x) => x.check).join(', ')}`);
    return f;
  };
  const DAY = 86_400_000;

  // The healthy lab runs once: its report is checked below and its facts feed the judged-only cases.
  let healthy: Awaited<ReturnType<typeof doctorRun>>;
  beforeAll(async () => {
    healthy = await doctorRun({});
  });
  const healthyFacts = (): DoctorFacts => structuredClone(healthy.facts);

  it('a healthy lab passes every check (the default CN naming is the one warning)', () => {
    const r = healthy.report;
    expect(r.findings.map((f) => f.check)).toEqual([
      'licence',
      'cucm-export-restricted',
      'bound-certificate',
      'ecdsa',
      'phone-ciphers',
      'config-hash',
      'load-balancing',
      'csd',
      'dap',
      'group-policy',
      'common-phone-profiles',
      'host-id',
      'same-cn',
      'root-ca-trust',
    ]);
    const notOk = r.findings.filter((f) => f.severity !== 'ok').map((f) => `${f.check}:${f.severity}`);
    expect(notOk).toEqual(['same-cn:warn']);
    expect(r.findings.find((f) => f.check === 'config-hash')?.message).toMatch(/^6 of 6 configs carry the hash/);
    // Evidence is what the doctor read, as the device prints it.
    expect(finding(r, 'group-policy').evidence).toBe(
      [
        'tunnel-group VPNPhone general-attributes',
        ' default-group-policy GroupPolicy_VPNPhone',
        'group-policy GroupPolicy_VPNPhone attributes',
        ' vpn-tunnel-protocol ssl-client',
        ' group-lock value VPNPhone',
        ' vpn-simultaneous-logins 3',
        ' vpn-filter none',
      ].join('\n'),
    );
    expect(finding(r, 'common-phone-profiles').evidence).toBe(
      'VPN-CPP: VPN Group PhoneVPN-Group, VPN Profile PhoneVPN-Profile',
    );
    expect(finding(r, 'dap').evidence).toBe('dynamic-access-policy-record DfltAccessPolicy');
    expect(finding(r, 'licence').evidence).toMatch(/^AnyConnect for Cisco VPN Phone +: Enabled/);
  });

  it('ASA configuration the guide warns about: licence, ECDSA, load balancing, CSD, DAP, inherited group-policy', async () => {
    const r = await doctor({
      asa: {
        phoneLicense: 'disabled',
        ecdsaQuirk: true,
        config: {
          loadBalancing: true,
          csdEnabled: true,
          dapRecords: [{ name: 'DfltAccessPolicy', action: 'terminate' }],
          groupPolicies: [
            {
              name: 'DfltGrpPolicy',
              vpnTunnelProtocol: ['ikev1', 'ikev2', 'l2tp-ipsec', 'ssl-clientless'],
              vpnSimultaneousLogins: 0,
              groupLock: 'DefaultWEBVPNGroup',
              vpnFilter: 'NO-TRAFFIC',
            },
            { name: 'GroupPolicy_VPNPhone' },
          ],
        },
      },
    });
    expect(severity(r, 'licence')).toBe('blocker');
    expect(severity(r, 'ecdsa')).toBe('blocker');
    expect(r.findings.find((f) => f.check === 'ecdsa')?.fix).toBe(
      'ssl cipher tlsv1.2 custom "AES256-SHA:AES128-SHA:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA"',
    );
    expect(severity(r, 'load-balancing')).toBe('warn');
    expect(severity(r, 'csd')).toBe('blocker');
    expect(r.findings.find((f) => f.check === 'csd')?.fix).toContain('without-csd');
    expect(severity(r, 'dap')).toBe('blocker');
    const gp = r.findings.find((f) => f.check === 'group-policy')!;
    expect(gp.severity).toBe('blocker');
    expect(gp.message).toMatch(/lacks ssl-client \(inherited\)/);
    expect(gp.message).toMatch(/vpn-simultaneous-logins 0 \(inherited\)/);
    expect(gp.message).toMatch(/group-lock value DefaultWEBVPNGroup/);
    expect(gp.evidence).toBe(
      [
        'tunnel-group VPNPhone general-attributes',
        ' default-group-policy GroupPolicy_VPNPhone',
        'group-policy DfltGrpPolicy attributes',
        ' vpn-tunnel-protocol ikev1 ikev2 l2tp-ipsec ssl-clientless',
        ' group-lock value DefaultWEBVPNGroup',
        ' vpn-simultaneous-logins 0',
        ' vpn-filter value NO-TRAFFIC',
      ].join('\n'),
    );
    expect(finding(r, 'load-balancing').evidence).toBe(
      [
        'vpn load-balancing',
        ' priority 10',
        ' cluster ip address 192.0.2.100',
        ' cluster encryption',
        ' participate',
        ' interface lbpublic outside',
        ' interface lbprivate inside',
        ' cluster key *****',
      ].join('\n'),
    );
    expect(finding(r, 'csd').evidence).toBe(
      [
        'webvpn',
        ' csd enable',
        'tunnel-group VPNPhone webvpn-attributes',
        ' authentication certificate',
        ' group-url https://vpn.lab.certroll.test/VPNPhone enable',
      ].join('\n'),
    );
    expect(finding(r, 'dap').evidence).toBe('dynamic-access-policy-record DfltAccessPolicy\n action terminate');
  });

  it('phone ciphers disabled on the ASA: the refused phone handshake is the cipher blocker, and ECDSA cannot compare', async () => {
    const r = await doctor({ asa: { phoneCiphersEnabled: false } });
    const ciphers = finding(r, 'phone-ciphers');
    expect(ciphers.severity).toBe('blocker');
    expect(ciphers.fix).toBe(PHONE_CIPHER_FIX_9X);
    expect(ciphers.evidence).toMatch(
      /^ssl cipher default medium\n(.*\n)*ssl cipher tlsv1\.2 high\n(.*\n)*phone probe: .*refused the handshake offering AES256-SHA:AES128-SHA: handshake_failure$/,
    );
    const ecdsa = finding(r, 'ecdsa');
    expect(`${ecdsa.severity}: ${ecdsa.message}`).toMatch(
      /^warn: cannot compare what EC clients and phones are shown: phone probe: .*refused the handshake/,
    );
  });

  it('the presented certificate is not on the gateway: phone configs carry another hash', async () => {
    const other = createTestCa('Other CA', 1024).sign(createTestCsr('vpn-other.example.com').csrPem);
    const r = await doctor({}, (lab) => {
      lab.cucm.seedTrustCertificate(other);
      lab.cucm.setGatewayCertificatesDirect([other]);
    });
    const bound = finding(r, 'bound-certificate');
    expect(`${bound.severity}: ${bound.message}`).toMatch(
      /^blocker: the presented certificate is not on VPN gateway GW-/,
    );
    // Already in Phone-VPN-trust: the fix starts at the gateway page.
    expect(bound.fix).toMatch(
      /^Cisco Unified CM Administration > Advanced Features > VPN > VPN Gateway \(GW-\w+\): move the certificate to "Certificates in VPN Gateway", Save; Apply Config to the phones$/,
    );
    const hash = finding(r, 'config-hash');
    expect(hash.severity).toBe('blocker');
    expect(hash.fix).toContain('Cisco Unified CM Administration > Advanced Features > VPN > VPN Gateway');
  });

  it('an expired certificate on a 9.1 ASA without Premium peers; DfltAccessPolicy terminates but the phone record continues; an IP-address URL', async () => {
    const { report: r, gateway } = await doctorRun({
      currentNotAfter: new Date(Date.now() - 3 * DAY),
      asa: {
        version: '9.1(1)',
        premiumPeers: 0,
        config: {
          dapRecords: [
            { name: 'DfltAccessPolicy', action: 'terminate' },
            { name: 'VPNPhone', action: 'continue', priority: 1 },
          ],
        },
      },
      cucm: { vpn: { url: 'https://192.0.2.10/VPNPhone' } },
    });
    const licence = finding(r, 'licence');
    expect(`${licence.severity}: ${licence.message}`).toMatch(/^blocker: no AnyConnect Premium peers licensed/);
    expect(licence.evidence).toMatch(/\nAnyConnect Premium Peers : 0$/);

    const ecdsa = finding(r, 'ecdsa');
    expect(`${ecdsa.severity}: ${ecdsa.message}`).toBe('info: ASA 9.1(1) predates EC ciphers for SSL (9.4(1))');
    expect(ecdsa.evidence).toBe('Cisco Adaptive Security Appliance Software Version 9.1(1)');

    const bound = finding(r, 'bound-certificate');
    expect(`${bound.severity}: ${bound.message}`).toMatch(
      /^blocker: the certificate phones are shown expired 3 days ago/,
    );
    expect(bound.fix).toContain(`certroll start --gateway ${gateway}`);
    expect(bound.fix).toContain(
      'Settings > Network Configuration > IPv4 Configuration > Alternate TFTP: Yes (press **# if the option is locked), Save, then TFTP Server 1',
    );

    const dap = finding(r, 'dap');
    expect(`${dap.severity}: ${dap.message}`).toBe('ok: DfltAccessPolicy terminates; VPNPhone continue');
    expect(dap.evidence).toBe(
      'dynamic-access-policy-record DfltAccessPolicy\n action terminate\ndynamic-access-policy-record VPNPhone\n priority 1',
    );

    const hostId = finding(r, 'host-id');
    expect(`${hostId.severity}: ${hostId.message}`).toMatch(
      /^blocker: host-ID check is on and URL host 192\.0\.2\.10 is an IP address/,
    );
    expect(hostId.fix).toMatch(
      /^Cisco Unified CM Administration > Advanced Features > VPN > VPN Profile \(PhoneVPN-Profile\): clear "Enable Host ID Check", Save, Apply Config; or .*VPN Gateway URL with the FQDN/,
    );
  });

  it('under 30 days left; CSD on globally with without-csd on the phone profile', async () => {
    const { report: r, gateway } = await doctorRun({
      currentNotAfter: new Date(Date.now() + 10 * DAY),
      asa: {
        config: {
          csdEnabled: true,
          tunnelGroups: [
            {
              name: 'VPNPhone',
              groupPolicy: 'GroupPolicy_VPNPhone',
              groupUrls: ['https://vpn.lab.certroll.test/VPNPhone'],
              withoutCsd: true,
              authentication: 'certificate',
            },
          ],
        },
      },
    });
    const bound = finding(r, 'bound-certificate');
    expect(`${bound.severity}: ${bound.message}`).toBe('warn: the certificate expires in 9 days: start a rollover');
    expect(bound.fix).toBe(`certroll start --gateway ${gateway}`);
    const csd = finding(r, 'csd');
    expect(`${csd.severity}: ${csd.message}`).toBe('ok: CSD on, but VPNPhone has without-csd');
    expect(csd.evidence).toMatch(/^webvpn\n csd enable\ntunnel-group VPNPhone webvpn-attributes\n.*\n without-csd$/s);
  });

  it("no ssl trust-point (the ASA's temporary self-signed certificate); a vpn-filter on the phone policy", async () => {
    const r = await doctor({
      asa: {
        initialTrustpoint: null,
        config: {
          groupPolicies: [
            { name: 'DfltGrpPolicy' },
            {
              name: 'GroupPolicy_VPNPhone',
              vpnTunnelProtocol: ['ssl-client'],
              groupLock: 'VPNPhone',
              vpnSimultaneousLogins: 3,
              vpnFilter: 'PHONES-ONLY',
            },
          ],
        },
      },
    });
    const bound = finding(r, 'bound-certificate');
    expect(`${bound.severity}: ${bound.message}`).toBe(
      "blocker: no ssl trust-point on outside: phones see the ASA's temporary self-signed certificate",
    );
    expect(bound.evidence).toMatch(
      /^show run ssl: no ssl trust-point line\npresented: unstructuredName=asa-\w+,CN=ASA Temporary Self Signed Certificate, SHA-1 [0-9A-F:]{59} \(certHash [A-Za-z0-9+/]{27}=\)$/,
    );
    expect(bound.fix).toMatch(/^ssl trust-point <trustpoint> outside — once that certificate is in Phone-VPN-trust/);
    const gp = finding(r, 'group-policy');
    expect(`${gp.severity}: ${gp.message}`).toBe(
      'warn: phone group-policy GroupPolicy_VPNPhone: vpn-filter value PHONES-ONLY (policy)',
    );
    expect(gp.evidence).toContain('group-policy GroupPolicy_VPNPhone attributes\n');
    expect(gp.evidence).toContain('\n vpn-filter value PHONES-ONLY');
  });

  it('a wildcard certificate CUCM would not take: not in Phone-VPN-trust, configs without its hash, host-ID check fails', async () => {
    const r = await doctor({
      asa: {
        initialTrustpoint: {
          name: 'VPN-WILDCARD',
          cn: '*.lab.certroll.test',
          notAfter: new Date(Date.now() + 200 * DAY),
        },
      },
      cucm: { vpn: { certificates: [] } },
    });
    const bound = finding(r, 'bound-certificate');
    expect(`${bound.severity}: ${bound.message}`).toMatch(
      /^blocker: the presented certificate is not in Phone-VPN-trust and not on VPN gateway GW-\w+: phones reject it$/,
    );
    expect(bound.fix).toMatch(
      /^crypto ca export VPN-WILDCARD identity-certificate; Cisco Unified OS Administration > Security > Certificate Management > Upload Certificate\/Certificate chain \(Certificate Purpose: Phone-VPN-trust\); Cisco Unified CM Administration > Advanced Features > VPN > VPN Gateway/,
    );
    const hash = finding(r, 'config-hash');
    expect(hash.severity).toBe('blocker');
    expect(hash.fix).toContain('crypto ca export VPN-WILDCARD identity-certificate');
    const hostId = finding(r, 'host-id');
    expect(`${hostId.severity}: ${hostId.message}`).toMatch(/wildcard/);
    expect(hostId.fix).toContain(
      'Cisco Unified CM Administration > Advanced Features > VPN > VPN Profile (PhoneVPN-Profile): clear "Enable Host ID Check"',
    );
  });

  it('host-ID check on with a URL host the certificate does not name; no common phone profile carries VPN', async () => {
    const mismatch = await doctor({ cucm: { vpn: { url: 'https://phones.example.net/VPNPhone' } } });
    expect(severity(mismatch, 'host-id')).toBe('blocker');
    const noCpp = await doctor({
      cucm: {
        vpn: { commonPhoneProfiles: [] },
        phones: generatePhoneSpecs(6, { commonPhoneConfigName: 'Standard Common Phone Profile' }),
      },
    });
    expect(severity(noCpp, 'common-phone-profiles')).toBe('blocker');
  });

  it('export-unrestricted CUCM: no VPN features', async () => {
    const r = await doctor({ cucm: { exportRestricted: false } });
    expect(severity(r, 'cucm-export-restricted')).toBe('blocker');
  });

  it('root-CA trust mode: CUCM trusts the issuing CA, so a renewal from the same CA needs no CUCM change', async () => {
    const ca = await createLabCa('Example Root CA');
    const r = await doctor({ issuingCa: ca });
    expect(severity(r, 'root-ca-trust')).toBe('info');
    expect(r.findings.find((f) => f.check === 'root-ca-trust')?.message).toMatch(
      /Example Root CA.*needs no CUCM change/,
    );
    const bound = r.findings.find((f) => f.check === 'bound-certificate')!;
    expect(`${bound.severity}: ${bound.message}`).toMatch(/^ok: /);
    expect(severity(r, 'config-hash')).toBe('ok');
  });

  it('a CN apart from the URL host (host in the SAN) makes the next renewal safe', async () => {
    const r = await doctor({
      asa: {
        initialTrustpoint: { name: 'VPN-CURRENT', cn: 'vpn.lab.certroll.test-20251127', fqdn: 'vpn.lab.certroll.test' },
      },
    });
    expect(severity(r, 'same-cn')).toBe('ok');
    expect(severity(r, 'host-id')).toBe('ok');
  });
  describe("judged from the healthy lab's facts with one field changed (states no lab knob reaches)", () => {
    it('a phone probe that gets no answer is a warning naming the error, not a cipher blocker', () => {
      const f = healthyFacts();
      const error = 'TLS probe to 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1';
      f.phoneProbe = { error };
      f.ecProbe = { error };
      const r = assessDoctor(f);
      const ciphers = finding(r, 'phone-ciphers');
      expect(`${ciphers.severity}: ${ciphers.message}`).toBe(
        `warn: the configuration enables a phone cipher, but the handshake as a phone could not be tried: ${error}`,
      );
      expect(ciphers.fix).toBeUndefined();
      const ecdsa = finding(r, 'ecdsa');
      expect(`${ecdsa.severity}: ${ecdsa.message}`).toBe(
        `warn: cannot compare what EC clients and phones are shown: phone probe: ${error}; EC client probe: ${error}`,
      );
      expect(severity(r, 'bound-certificate')).toBe('warn');
    });

    it('a failed EC probe alone is a warning naming it, never "the same certificate"', () => {
      const f = healthyFacts();
      const error = 'TLS probe to 127.0.0.1:8443: no certificate within 10000 ms';
      f.ecProbe = { error, errorType: 'TransportError' };
      const r = assessDoctor(f);
      const ecdsa = finding(r, 'ecdsa');
      expect(`${ecdsa.severity}: ${ecdsa.message}`).toBe(
        `warn: cannot compare what EC clients and phones are shown: EC client probe: ${error}`,
      );
      expect(severity(r, 'phone-ciphers')).toBe('ok');
    });

    it('a refused phone handshake is a cipher blocker even when the configuration looks right', () => {
      const f = healthyFacts();
      f.phoneProbe = {
        error: '127.0.0.1:8443 refused the handshake offering AES256-SHA:AES128-SHA: handshake_failure',
        errorType: 'TlsHandshakeRefused',
      };
      const r = assessDoctor(f);
      expect(severity(r, 'phone-ciphers')).toBe('blocker');
      expect(finding(r, 'phone-ciphers').fix).toBe(PHONE_CIPHER_FIX_9X);
    });

    it("the phone-cipher fix speaks the ASA's syntax: its running config's, else ssl encryption before 9.3(2)", () => {
      const eight = healthyFacts();
      eight.asa.version = '8.0(5)';
      eight.asa.ssl.phoneCiphersEnabled = false;
      eight.asa.ssl.cipherLines = ['ssl encryption rc4-sha1 3des-sha1'];
      const r8 = assessDoctor(eight);
      expect(finding(r8, 'phone-ciphers').fix).toBe(PHONE_CIPHER_FIX_8X);
      expect(PHONE_CIPHER_FIX_8X).toBe('ssl encryption aes256-sha1 aes128-sha1');
      expect(finding(r8, 'phone-ciphers').evidence).toBe('ssl encryption rc4-sha1 3des-sha1');
      expect(severity(r8, 'ecdsa')).toBe('info');

      const nine = healthyFacts();
      nine.asa.version = '9.1(1)';
      nine.asa.ssl.phoneCiphersEnabled = false;
      expect(finding(assessDoctor(nine), 'phone-ciphers').fix).toBe(
        'ssl cipher tlsv1.2 custom "AES256-SHA:AES128-SHA:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA"',
      );

      // No cipher line in the running config: the release decides (`ssl cipher` arrived in 9.3(2)).
      const byRelease = (version: string) => {
        const f = healthyFacts();
        f.asa.version = version;
        f.asa.ssl.phoneCiphersEnabled = false;
        f.asa.ssl.cipherLines = [];
        return finding(assessDoctor(f), 'phone-ciphers').fix;
      };
      expect(byRelease('9.2(4)')).toBe(PHONE_CIPHER_FIX_8X);
      expect(byRelease('9.3(2)')).toBe(PHONE_CIPHER_FIX_9X);
    });

    it('a common phone profile with a VPN group but no VPN profile is a warning with the CUCM menu path', () => {
      const f = healthyFacts();
      const cpp = f.cucm.state!.commonPhoneProfiles[0];
      delete cpp.vpnProfileName;
      const r = assessDoctor(f);
      const c = finding(r, 'common-phone-profiles');
      expect(`${c.severity}: ${c.message}`).toBe(
        'warn: VPN-CPP set a VPN group but no VPN profile (enterprise VPN feature defaults apply)',
      );
      expect(c.evidence).toBe('VPN-CPP: VPN Group PhoneVPN-Group, VPN Profile (not set)');
      expect(c.fix).toBe(
        'Cisco Unified CM Administration > Device > Device Settings > Common Phone Profile (VPN-CPP): set the VPN Profile (VPN Information), Save, Apply Config',
      );
    });
  });
});
