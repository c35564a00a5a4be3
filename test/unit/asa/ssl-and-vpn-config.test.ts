import { includesPhoneCipher, suitesOf } from '../../../devices/asa/ciphers';
import { parseShowRunSsl, trustpointForInterface } from '../../../devices/asa/parse/run-ssl';
import { parseShowSsl } from '../../../devices/asa/parse/show-ssl';
import { parseShowRunWebvpn } from '../../../devices/asa/parse/run-webvpn';
import { parseShowRunTunnelGroup } from '../../../devices/asa/parse/run-tunnel-group';
import { effectiveGroupPolicy, parseShowRunGroupPolicy } from '../../../devices/asa/parse/run-group-policy';
import { parseShowRunDap } from '../../../devices/asa/parse/run-dap';
import { parseShowRunLoadBalancing } from '../../../devices/asa/parse/run-load-balancing';
import { parseWriteMemory } from '../../../devices/asa/parse/write-memory';
import { asaFixture, seedBetween } from './fixtures';

describe('show run ssl', () => {
  it('reads the 8.x form with the trust-point on outside (LEX-ASA-FW1)', () => {
    const ssl = parseShowRunSsl(asaFixture('show_run_ssl__LEX-ASA-FW1.txt'));
    expect(ssl).toEqual({
      serverVersion: 'tlsv1-only',
      encryption: ['aes256-sha1', 'aes128-sha1', '3des-sha1'],
      ciphers: [],
      trustpoints: [{ trustpoint: 'vpn.chuck.com-2017', iface: 'outside' }],
      cipherLines: ['ssl encryption aes256-sha1 aes128-sha1 3des-sha1'],
      otherLines: [],
    });
    expect(trustpointForInterface(ssl, 'outside')).toBe('vpn.chuck.com-2017');
    expect(trustpointForInterface(ssl, 'inside')).toBeUndefined();
    expect(includesPhoneCipher(ssl.encryption!)).toBe(true);
  });

  it('reads show run all ssl from the seed doc (8.x defaults, trust-point SSL)', () => {
    const ssl = parseShowRunSsl(seedBetween('ASA5510-F# show run all ssl', 'ssl trust-point SSL outside'));
    expect(ssl.serverVersion).toBe('any');
    expect(ssl.clientVersion).toBe('any');
    expect(ssl.encryption).toEqual(['rc4-sha1', 'aes128-sha1', 'aes256-sha1', '3des-sha1']);
    expect(trustpointForInterface(ssl, 'outside')).toBe('SSL');
  });

  it('reads the 9.x cipher syntax with a quoted custom string, SNI and vpnlb-ip bindings', () => {
    const text = [
      'ssl server-version tlsv1.2',
      'ssl cipher tlsv1.2 custom "AES256-SHA:AES128-SHA:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA"',
      'ssl cipher dtlsv1 medium',
      'ssl dh-group group14',
      'ssl ecdh-group group19',
      'ssl trust-point FALLBACK',
      'ssl trust-point VPN-2025 outside',
      'ssl trust-point LB outside vpnlb-ip',
      'ssl trust-point SNI domain vpn2.example.com',
    ].join('\n');
    const ssl = parseShowRunSsl(text);
    expect(ssl.ciphers).toEqual([
      { version: 'tlsv1.2', level: 'custom', custom: 'AES256-SHA:AES128-SHA:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA' },
      { version: 'dtlsv1', level: 'medium' },
    ]);
    expect(ssl.trustpoints).toEqual([
      { trustpoint: 'FALLBACK' },
      { trustpoint: 'VPN-2025', iface: 'outside' },
      { trustpoint: 'LB', iface: 'outside', vpnlbIp: true },
      { trustpoint: 'SNI', domain: 'vpn2.example.com' },
    ]);
    expect(trustpointForInterface(ssl, 'outside')).toBe('VPN-2025');
    expect(trustpointForInterface(ssl, 'dmz')).toBe('FALLBACK');
    expect(ssl.dhGroup).toBe('group14');
    expect(includesPhoneCipher(suitesOf(ssl.ciphers[0]))).toBe(true);
  });

  it('knows which cipher levels leave the phones without a cipher', () => {
    expect(includesPhoneCipher(suitesOf({ level: 'medium' }))).toBe(true);
    expect(includesPhoneCipher(suitesOf({ level: 'high' }))).toBe(false);
    expect(includesPhoneCipher(suitesOf({ level: 'custom', custom: 'ECDHE-ECDSA-AES256-GCM-SHA384' }))).toBe(false);
    expect(includesPhoneCipher(['rc4-sha1', '3des-sha1'])).toBe(false);
  });
});

describe('show ssl', () => {
  it('reads the 8.x form quoted in the seed doc', () => {
    const ssl = parseShowSsl(seedBetween('ASA5510-F# show ssl', 'Certificate authentication is not enabled'));
    expect(ssl).toEqual({
      accept: 'SSLv2, SSLv3 or TLSv1 and negotiate to SSLv3 or TLSv1',
      start: 'SSLv3 and negotiate to SSLv3 or TLSv1',
      enabledCiphers: [{ version: 'all', ciphers: ['rc4-sha1', 'aes128-sha1', 'aes256-sha1', '3des-sha1'] }],
      disabledCiphers: ['des-sha1', 'rc4-md5', 'dhe-aes128-sha1', 'dhe-aes256-sha1', 'null-sha1'],
      trustpoints: [{ iface: 'outside', trustpoint: 'SSL' }],
      selfSigned: [],
      certificateAuthentication: false,
    });
    expect(includesPhoneCipher(ssl.enabledCiphers[0].ciphers)).toBe(true);
  });

  it('reads per-version cipher lists and self-signed lines (9.x form)', () => {
    const text = [
      'Accept connections using TLSv1.2 and negotiate to TLSv1.2',
      'Start connections using TLSv1.2 and negotiate to TLSv1.2',
      'Enabled cipher order:',
      '  default: ECDHE-ECDSA-AES256-GCM-SHA384:AES256-SHA',
      '  tlsv1.2: AES256-SHA:AES128-SHA',
      'Disabled ciphers: DES-CBC3-SHA',
      'SSL trust-points:',
      '  Self-signed (RSA 2048 bits RSA-SHA256) certificate available',
      '  Self-signed (EC 256 bits ecdsa-with-SHA256) certificate available',
      '  outside interface: VPN-2025',
      'Certificate authentication is not enabled',
    ].join('\n');
    const ssl = parseShowSsl(text);
    expect(ssl.enabledCiphers).toEqual([
      { version: 'default', ciphers: ['ECDHE-ECDSA-AES256-GCM-SHA384', 'AES256-SHA'] },
      { version: 'tlsv1.2', ciphers: ['AES256-SHA', 'AES128-SHA'] },
    ]);
    expect(ssl.selfSigned).toHaveLength(2);
    expect(ssl.trustpoints).toEqual([{ iface: 'outside', trustpoint: 'VPN-2025' }]);
  });
});

describe('webvpn, tunnel groups, group policies, DAP, load balancing', () => {
  it('sees CSD enabled globally in the seed doc capture', () => {
    const w = parseShowRunWebvpn(seedBetween('ASA5510-F# show run webvpn', 'anyconnect enable'));
    expect(w).toMatchObject({
      configured: true,
      enabledInterfaces: ['outside'],
      csdImage: 'disk0:/csd_3.6.6210-k9.pkg',
      csdEnabled: true,
      anyconnectImages: ['disk0:/anyconnect-win-3.1.00495-k9.pkg'],
      anyconnectEnabled: true,
    });
    expect(parseShowRunWebvpn('webvpn\n enable outside\n anyconnect enable\n').csdEnabled).toBe(false);
    expect(parseShowRunWebvpn('').configured).toBe(false);
  });

  it('reads the seed doc tunnel group with without-csd and certificate authentication', () => {
    const { tunnelGroups } = parseShowRunTunnelGroup(
      seedBetween('tunnel-group VPNPhone webvpn-attributes', 'without-csd'),
    );
    expect(tunnelGroups).toEqual([
      {
        name: 'VPNPhone',
        authentication: 'certificate',
        groupUrls: [{ url: 'https://asa5520-c.cisco.com/VPNPhone', enabled: true }],
        groupAliases: [],
        withoutCsd: true,
        otherLines: [],
      },
    ]);
  });

  it("merges a tunnel group's type, general and webvpn attribute blocks", () => {
    const text = [
      'tunnel-group VPNPhone type remote-access',
      'tunnel-group VPNPhone general-attributes',
      ' default-group-policy GroupPolicy_VPNPhone',
      'tunnel-group VPNPhone webvpn-attributes',
      ' authentication aaa certificate',
      ' group-alias VPNPhone enable',
      'tunnel-group Other type remote-access',
    ].join('\n');
    const { tunnelGroups } = parseShowRunTunnelGroup(text);
    expect(tunnelGroups.map((t) => t.name)).toEqual(['VPNPhone', 'Other']);
    expect(tunnelGroups[0]).toMatchObject({
      type: 'remote-access',
      defaultGroupPolicy: 'GroupPolicy_VPNPhone',
      authentication: 'aaa certificate',
      groupAliases: [{ alias: 'VPNPhone', enabled: true }],
      withoutCsd: false,
    });
  });

  it('reads the seed doc group policies and resolves inheritance from DfltGrpPolicy', () => {
    const dflt = parseShowRunGroupPolicy(
      seedBetween('group-policy DfltGrpPolicy attributes', 'vpn-filter value NO-TRAFFIC'),
    ).groupPolicies[0];
    expect(dflt.attributes).toEqual({
      vpnSimultaneousLogins: 0,
      vpnTunnelProtocol: ['ikev1', 'ikev2', 'l2tp-ipsec', 'ssl-clientless'],
      groupLock: 'DefaultWEBVPNGroup',
      vpnFilter: 'NO-TRAFFIC',
    });
    const phone = parseShowRunGroupPolicy(
      seedBetween('group-policy GroupPolicy_VPNPhone attributes', 'default-domain value cisco.com'),
    ).groupPolicies[0];
    expect(phone.attributes).toEqual({});
    const eff = effectiveGroupPolicy(phone, dflt);
    expect(eff.sources).toEqual({
      vpnTunnelProtocol: 'inherited',
      groupLock: 'inherited',
      vpnSimultaneousLogins: 'inherited',
      vpnFilter: 'inherited',
    });
    expect(eff.attributes.vpnFilter).toBe('NO-TRAFFIC');

    const fixed = parseShowRunGroupPolicy(
      seedBetween('group-policy GroupPolicy_VPNPhone internal', 'default-domain value cisco.com'),
    ).groupPolicies[0];
    expect(fixed.kind).toBe('internal');
    expect(fixed.attributes).toEqual({
      vpnSimultaneousLogins: 3,
      vpnTunnelProtocol: ['ssl-client'],
      groupLock: 'VPNPhone',
      vpnFilter: null,
    });
    expect(effectiveGroupPolicy(fixed, dflt).sources.vpnFilter).toBe('policy');
  });

  it('reads show run all group-policy from the seed doc', () => {
    const { groupPolicies } = parseShowRunGroupPolicy(
      seedBetween(
        'ASA5510-F# sh run all group-policy DfltGrpPolicy',
        'vpn-tunnel-protocol ikev1 ikev2 l2tp-ipsec ssl-client ssl-clientless',
        0,
      ),
    );
    expect(groupPolicies).toHaveLength(1);
    expect(groupPolicies[0]).toMatchObject({
      name: 'DfltGrpPolicy',
      kind: 'internal',
      attributes: {
        vpnSimultaneousLogins: 3,
        vpnFilter: null,
        vpnTunnelProtocol: ['ikev1', 'ikev2', 'l2tp-ipsec', 'ssl-client', 'ssl-clientless'],
      },
    });
  });

  it('reads DAP records with the default and explicit actions', () => {
    const text = [
      'dynamic-access-policy-record DfltAccessPolicy',
      ' user-message "Access denied"',
      ' action terminate',
      'dynamic-access-policy-record VPNPhone',
      ' description "IP phones"',
      ' priority 10',
    ].join('\n');
    expect(parseShowRunDap(text).records).toEqual([
      {
        name: 'DfltAccessPolicy',
        action: 'terminate',
        actionConfigured: true,
        userMessage: 'Access denied',
        networkAcls: [],
        otherLines: [],
      },
      {
        name: 'VPNPhone',
        action: 'continue',
        actionConfigured: false,
        description: 'IP phones',
        priority: 10,
        networkAcls: [],
        otherLines: [],
      },
    ]);
  });

  it('reads vpn load-balancing and whether this ASA participates', () => {
    const text = [
      'vpn load-balancing',
      ' priority 10',
      ' cluster key *****',
      ' cluster ip address 192.0.2.10',
      ' cluster encryption',
      ' participate',
      ' interface lbpublic outside',
      ' interface lbprivate inside',
    ].join('\n');
    expect(parseShowRunLoadBalancing(text)).toEqual({
      configured: true,
      participate: true,
      priority: 10,
      clusterIp: '192.0.2.10',
      clusterEncryption: true,
      redirectFqdn: false,
      interfaces: { lbpublic: 'outside', lbprivate: 'inside' },
      otherLines: ['cluster key *****'],
    });
    expect(parseShowRunLoadBalancing('').participate).toBe(false);
  });
});

describe('write memory', () => {
  it('reads [OK] with checksum and size (asa12345)', () => {
    expect(parseWriteMemory(asaFixture('write_memory__asa12345.txt'))).toEqual({
      ok: true,
      cryptochecksum: '4b86b1e4 2e731d6b 9d1fc491 a5eae0f3',
      bytes: 6854,
      seconds: 1.2,
      errors: [],
    });
  });

  it('treats read-only flash as a failure even when other lines look normal', () => {
    const text = [
      'Building configuration...',
      'Cryptochecksum: 1a2b3c4d 5e6f7a8b 9c0d1e2f 3a4b5c6d',
      '%Error opening disk0:/.private/startup-config (Read-only file system)',
      'Error executing command',
      '[FAILED]',
    ].join('\n');
    const w = parseWriteMemory(text);
    expect(w.ok).toBe(false);
    expect(w.errors).toEqual([
      '%Error opening disk0:/.private/startup-config (Read-only file system)',
      'Error executing command',
      '[FAILED]',
    ]);
  });

  it('is not ok without [OK]', () => {
    expect(parseWriteMemory('Building configuration...\n').ok).toBe(false);
  });
});
