import { parseShowVersion } from '../../../devices/asa/parse/show-version';
import { compareAsaVersions, parseAsaVersion, versionAtLeast } from '../../../devices/asa/version';
import { asaFixture, seedBetween } from './fixtures';

describe('parseShowVersion', () => {
  it('reads an ASAv 9.5 with Smart Licensing (ntc-templates capture 1)', () => {
    const v = parseShowVersion(asaFixture('show_version__ntc_cisco_asa_show_version1.raw'));
    expect(v.version).toBe('9.5(2)204');
    expect(v.deviceManagerVersion).toBe('7.5(2)');
    expect(v.hostname).toBe('asa1');
    expect(v.uptime).toBe('41 days 19 hours');
    expect(v.hardware).toBe('ASAv');
    expect(v.model).toBe('ASAv10');
    expect(v.serialNumber).toBe('9AT1L9EX0DF');
    expect(v.licenseMode).toBe('Smart Licensing');
    expect(v.premiumPeers).toBe(2);
    expect(v.phoneLicense).toEqual({
      name: 'AnyConnect for Cisco VPN Phone',
      line: 'AnyConnect for Cisco VPN Phone : Disabled',
      value: 'Disabled',
      enabled: false,
    });
    expect(v.failover).toEqual({ licensedMode: 'Active/Standby' });
    expect(v.securityContexts).toBe(0);
    expect(v.licenses).toHaveLength(19);
    expect(v.failoverLicenses).toEqual([]);
  });

  it('reads an ASA5516 in a failover cluster with perpetual terms (ntc-templates capture 3)', () => {
    const v = parseShowVersion(asaFixture('show_version__ntc_cisco_asa_show_version3.raw'));
    expect(v.version).toBe('9.9(2)32');
    expect(v.hostname).toBe('ASA2');
    expect(v.failover).toEqual({ licensedMode: 'Active/Active', clusterUptime: '87 days 15 hours' });
    expect(v.premiumPeers).toBe(4);
    expect(v.securityContexts).toBe(2);
    expect(v.phoneLicense?.enabled).toBe(false);
    expect(v.phoneLicense?.line).toBe('AnyConnect for Cisco VPN Phone : Disabled perpetual');
    expect(v.licenses.find((l) => l.feature === 'Total VPN Peers')).toEqual({
      feature: 'Total VPN Peers',
      value: '300',
      term: 'perpetual',
    });
    // The failover-cluster section is kept apart: it licenses 8 premium peers, the unit itself 4.
    expect(v.failoverLicenses.find((l) => l.feature === 'AnyConnect Premium Peers')?.value).toBe('8');
  });

  it('reads the 8.0 "Linksys phone" licence name quoted in the seed doc', () => {
    const v = parseShowVersion(seedBetween('Software Version 8.0(5)', 'This platform has a Base license.'));
    expect(v.version).toBe('8.0(5)');
    expect(v.phoneLicense).toEqual({
      name: 'AnyConnect for Linksys phone',
      line: 'AnyConnect for Linksys phone : Disabled',
      value: 'Disabled',
      enabled: false,
    });
    expect(v.premiumPeers).toBeUndefined();
  });

  it('reads the 8.2+ "Cisco VPN Phone" licence with squeezed columns from the seed doc', () => {
    const v = parseShowVersion(seedBetween('ASA5520-C(config)# show ver', 'VPN Plus license.'));
    expect(v.version).toBe('9.1(1)');
    expect(v.premiumPeers).toBe(2);
    expect(v.phoneLicense).toMatchObject({ name: 'AnyConnect for Cisco VPN Phone', value: 'Disabled', enabled: false });
    expect(v.licenses.find((l) => l.feature === 'AnyConnect Essentials')).toEqual({
      feature: 'AnyConnect Essentials',
      value: 'Disabled',
      term: 'perpetual',
    });
  });

  it('reports an enabled phone licence', () => {
    const v = parseShowVersion(
      'Cisco Adaptive Security Appliance Software Version 9.16(2)\n\nLicensed features for this platform:\n' +
        'AnyConnect for Cisco VPN Phone    : Enabled        perpetual\n',
    );
    expect(v.phoneLicense?.enabled).toBe(true);
  });
});

describe('ASA versions', () => {
  it('parses and compares release trains numerically', () => {
    expect(parseAsaVersion('9.5(2)204')).toEqual({
      major: 9,
      minor: 5,
      maintenance: 2,
      interim: 204,
      text: '9.5(2)204',
    });
    expect(compareAsaVersions('9.16(2)', '9.4(1)')).toBeGreaterThan(0);
    expect(compareAsaVersions('9.4(1)', '9.4(1)')).toBe(0);
    expect(compareAsaVersions('9.1(1)', '9.4(1)')).toBeLessThan(0);
    expect(versionAtLeast('9.4(1)200', '9.4(1)')).toBe(true);
    expect(versionAtLeast('9.3(3)', '9.4(1)')).toBe(false);
    expect(versionAtLeast('garbage', '9.4(1)')).toBe(false);
  });
});
