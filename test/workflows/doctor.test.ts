/**
 * The doctor against the lab, every check of the TAC guide in its passing and failing state. Each lab below puts a
 * group of checks into one state through the simulators' own configuration (what `show run` prints, what AXL
 * returns, what the TLS listener presents).
 */
import { randomUUID } from 'node:crypto';
import type { DoctorReport } from '../../activities/doctor';
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

  async function doctor(
    labOptions: LabOptions,
    prepare?: (lab: Awaited<ReturnType<typeof rolloverRig>>['lab']) => Promise<void> | void,
  ) {
    const rig = await rolloverRig(t, {
      phones: 6,
      currentNotAfter: new Date(Date.now() + 200 * 86_400_000),
      ...labOptions,
    });
    try {
      await prepare?.(rig.lab);
      return await rig.workers.runUntil(() =>
        t.client.workflow.execute(doctorWorkflow, {
          workflowId: `doctor/${rig.input.asa}/${randomUUID()}`,
          taskQueue: rig.taskQueue,
          args: [{ asa: rig.input.asa, cluster: rig.input.cluster, gateway: rig.input.gateway }],
        }),
      );
    } finally {
      await rig.close();
    }
  }

  const severity = (r: DoctorReport, check: string) => r.findings.find((f) => f.check === check)?.severity;

  it('a healthy lab passes every check (the default CN naming is the one warning)', async () => {
    const r = await doctor({});
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
  });

  it('phone ciphers disabled on the ASA', async () => {
    const r = await doctor({ asa: { phoneCiphersEnabled: false } });
    expect(severity(r, 'phone-ciphers')).toBe('blocker');
  });

  it('the presented certificate is not on the gateway: phone configs carry another hash', async () => {
    const other = createTestCa('Other CA', 1024).sign(createTestCsr('vpn-other.example.com').csrPem);
    const r = await doctor({}, (lab) => {
      lab.cucm.seedTrustCertificate(other);
      lab.cucm.setGatewayCertificatesDirect([other]);
    });
    expect(severity(r, 'bound-certificate')).toBe('blocker');
    expect(severity(r, 'config-hash')).toBe('blocker');
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
    const r = await doctor(
      {
        asa: {
          initialTrustpoint: {
            name: 'VPN-CURRENT',
            cn: 'vpn.lab.certroll.test',
            fqdn: 'vpn.lab.certroll.test',
            signedBy: ca,
            notAfter: new Date(Date.now() + 200 * 86_400_000),
          },
        },
      },
      (lab) => {
        lab.cucm.seedTrustCertificate(ca.pem);
        lab.cucm.setGatewayCertificatesDirect([ca.pem]);
      },
    );
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
});
