/**
 * Every `show` the lab answers, generated from its state in the shapes of domain.md §1 and the fixtures
 * (two-space fields, four-space name lines, lower-case serials, `end   date`, one-space config sub-lines).
 */
import { createHash } from 'node:crypto';
import { formatAsaDate } from '../../devices/asa/parse/asa-date';
import { suitesOf } from '../../devices/asa/ciphers';
import { AsaLabState, LabCert, LabTrustpoint } from './state';
import { LabGroupPolicy } from './types';

export type Mode = 'user' | 'privileged' | 'config' | 'config-ca-trustpoint' | 'config-ca-crl';

export function promptText(state: AsaLabState, mode: Mode): string {
  const k = state.knobs;
  const qualifier = {
    plain: '',
    failover: `/${k.failoverState}`,
    'failover-priority': `/pri/${k.failoverState}`,
    context: `/${k.contextName}`,
  }[k.promptForm];
  const modePart = mode === 'user' || mode === 'privileged' ? '' : `(${mode})`;
  return `${state.hostname}${qualifier}${modePart}${mode === 'user' ? '>' : '#'} `;
}

export function showVersion(state: AsaLabState): string {
  const phone =
    state.phoneLicense === 'linksys-8.0'
      ? 'AnyConnect for Linksys phone      : Enabled        perpetual'
      : `AnyConnect for Cisco VPN Phone    : ${state.phoneLicense === 'enabled' ? 'Enabled ' : 'Disabled'}       perpetual`;
  const failover = state.knobs.promptForm.startsWith('failover');
  return [
    `Cisco Adaptive Security Appliance Software Version ${state.version}`,
    'Device Manager Version 7.16(1)',
    '',
    'Compiled on Tue 17-Aug-21 16:32 GMT by builders',
    'System image file is "boot:/asa-lab-smp-k8.bin"',
    'Config file at boot was "startup-config"',
    '',
    `${state.hostname} up 12 days 3 hours`,
    ...(failover ? ['failover cluster up 12 days 3 hours'] : []),
    '',
    'Hardware:   ASAv, 2048 MB RAM, CPU Xeon E5 series 2200 MHz,',
    'Model Id:   ASAv10',
    '',
    'Licensed features for this platform:',
    'Maximum Physical Interfaces       : 10             perpetual',
    'Maximum VLANs                     : 50             perpetual',
    'Inside Hosts                      : Unlimited      perpetual',
    'Failover                          : Active/Standby perpetual',
    'Encryption-DES                    : Enabled        perpetual',
    'Encryption-3DES-AES               : Enabled        perpetual',
    `Security Contexts                 : ${state.knobs.promptForm === 'context' ? '2 ' : '0 '}             perpetual`,
    `AnyConnect Premium Peers          : ${String(state.premiumPeers).padEnd(15)}perpetual`,
    'AnyConnect Essentials             : Disabled       perpetual',
    'Other VPN Peers                   : 250            perpetual',
    'Total VPN Peers                   : 250            perpetual',
    'AnyConnect for Mobile             : Disabled       perpetual',
    phone,
    'Advanced Endpoint Assessment      : Disabled       perpetual',
    'Shared License                    : Disabled       perpetual',
    'Total TLS Proxy Sessions          : 2              perpetual',
    'Botnet Traffic Filter             : Enabled        perpetual',
    `VPN Load Balancing                : Enabled        perpetual`,
    '',
    'Serial Number: 9A1LAB0ASA1',
    '',
    'Image type          : Release',
    'Key version         : A',
    '',
    'Configuration has not been modified since last system restart.',
  ].join('\n');
}

function certificateBlock(header: string, cert: LabCert, usage: string, trustpoints: string[]): string[] {
  const c = cert.info;
  const serial = c.serialHex.length % 2 ? `0${c.serialHex}` : c.serialHex;
  return [
    header,
    '  Status: Available',
    `  Certificate Serial Number: ${serial}`,
    `  Certificate Usage: ${usage}`,
    `  Public Key Type: ${c.keyType} (${c.keyBits} bits)`,
    `  Signature Algorithm: ${c.keyType === 'EC' ? 'SHA256 with ECDSA' : 'SHA256 with RSA Encryption'}`,
    '  Issuer Name: ',
    ...c.issuer.asaLines.map((l) => `    ${l}`),
    '  Subject Name:',
    ...c.subject.asaLines.map((l) => `    ${l}`),
    '  Validity Date: ',
    `    start date: ${formatAsaDate(new Date(c.notBefore))}`,
    `    end   date: ${formatAsaDate(new Date(c.notAfter))}`,
    '  Storage: config',
    `  Associated Trustpoints: ${trustpoints.join(' ')} `,
    '',
  ];
}

/** CA certificates first, then the identity certificate, per trustpoint (as the cert_asa_install capture shows). */
export function showCryptoCaCertificates(state: AsaLabState, only?: string): string {
  const lines: string[] = [];
  for (const tp of state.trustpoints.values()) {
    if (only !== undefined && tp.name !== only) continue;
    if (tp.ca) lines.push(...certificateBlock('CA Certificate', tp.ca, 'Signature', [tp.name]));
    if (tp.identity) lines.push(...certificateBlock('Certificate', tp.identity, 'General Purpose', [tp.name]));
  }
  return lines.join('\n');
}

export function showCryptoCaTrustpoints(state: AsaLabState, only?: string): string {
  const lines: string[] = [];
  for (const tp of state.trustpoints.values()) {
    if (only !== undefined && tp.name !== only) continue;
    lines.push(`Trustpoint ${tp.name}:`);
    const shown = tp.ca ?? tp.identity;
    if (shown) {
      lines.push('    Subject Name:', ...shown.info.subject.asaLines.map((l) => `    ${l}`));
      lines.push(`          Serial Number: ${shown.info.serialHex}`, '    Certificate configured.');
    } else {
      lines.push('    Not authenticated.');
    }
  }
  return lines.join('\n');
}

export function runTrustpoint(tp: LabTrustpoint): string[] {
  const lines = [`crypto ca trustpoint ${tp.name}`];
  if (tp.enrollment) lines.push(` enrollment ${tp.enrollment}`);
  if (tp.fqdn === null) lines.push(' fqdn none');
  else if (tp.fqdn) lines.push(` fqdn ${tp.fqdn}`);
  if (tp.subjectName) lines.push(` subject-name ${tp.subjectName}`);
  if (tp.keypair) lines.push(` keypair ${tp.keypair}`);
  if (tp.crlConfigure) lines.push(' crl configure');
  return lines;
}

function hexLines(pem: string): string[] {
  const hex = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('hex');
  return (hex.match(/.{1,64}/g) ?? []).map((row) => `    ${row.match(/.{1,8}/g)!.join(' ')}`);
}

export function runCertificateChain(tp: LabTrustpoint): string[] {
  if (!tp.ca && !tp.identity) return [];
  const lines = [`crypto ca certificate chain ${tp.name}`];
  if (tp.identity) lines.push(` certificate ${tp.identity.info.serialHex}`, ...hexLines(tp.identity.pem), '  quit');
  if (tp.ca) lines.push(` certificate ca ${tp.ca.info.serialHex}`, ...hexLines(tp.ca.pem), '  quit');
  return lines;
}

export function runCryptoCa(state: AsaLabState, what: 'trustpoint' | 'certificate' | 'both', only?: string): string {
  const lines: string[] = [];
  const tps = [...state.trustpoints.values()].filter((tp) => only === undefined || tp.name === only);
  if (what !== 'certificate') for (const tp of tps) lines.push(...runTrustpoint(tp));
  if (what !== 'trustpoint') for (const tp of tps) lines.push(...runCertificateChain(tp));
  return lines.join('\n');
}

export function showCryptoKeyMypubkey(state: AsaLabState): string {
  const lines: string[] = [];
  for (const key of state.keys.values()) {
    if (key.pair.type !== 'rsa') continue;
    const hex = key.pair.spkiDer.toString('hex');
    lines.push(
      `Key pair was generated at: ${formatAsaDate(key.generatedAt)}`,
      `Key name: ${key.label}`,
      'Usage: General Purpose Key',
      `Modulus Size (bits): ${key.pair.bits}`,
      'Storage: config',
      'Key Data:',
      '',
      ...(hex.match(/.{1,64}/g) ?? []).map((row) => `  ${row.match(/.{1,8}/g)!.join(' ')}`),
    );
  }
  return lines.join('\n');
}

export function runSsl(state: AsaLabState, all: boolean): string {
  const lines: string[] = [];
  const s = state.ssl;
  if (all || s.serverVersion !== 'tlsv1.2') lines.push(`ssl server-version ${s.serverVersion}`);
  if (all) lines.push(`ssl client-version ${s.clientVersion}`);
  const versions = all ? ['default', 'tlsv1', 'tlsv1.1', 'tlsv1.2', 'dtlsv1'] : [...s.ciphers.keys()];
  for (const version of versions) {
    const setting = s.ciphers.get(version) ?? { level: 'medium' };
    if (!all && setting.level === 'medium' && version === 'tlsv1.2') continue;
    lines.push(`ssl cipher ${version} ${setting.level === 'custom' ? `custom "${setting.custom}"` : setting.level}`);
  }
  if (all) lines.push('ssl dh-group group14', 'ssl ecdh-group group19', 'ssl certificate-authentication fca-timeout 2');
  for (const b of s.bindings) {
    lines.push(
      `ssl trust-point ${b.trustpoint}${b.iface ? ` ${b.iface}` : ''}${b.domain ? ` domain ${b.domain}` : ''}`,
    );
  }
  return lines.join('\n');
}

/** 9.x shape [I]: one enabled-cipher list per protocol version, then trust-points. */
export function showSsl(state: AsaLabState): string {
  const versionList = (v: string) => suitesOf(state.ssl.ciphers.get(v) ?? { level: 'medium' }).join(':');
  const lines = [
    `Accept connections using ${state.ssl.serverVersion.toUpperCase().replace('TLSV', 'TLSv')} or greater and negotiate to TLSv1.2`,
    `Start connections using ${state.ssl.clientVersion.toUpperCase().replace('TLSV', 'TLSv')} and negotiate to TLSv1.2`,
    'Enabled cipher order:',
    `  default: ${versionList('default')}`,
    `  tlsv1.2: ${suitesOf(state.tls12Ciphers()).join(':')}`,
    'Disabled ciphers: NULL-SHA:RC4-MD5:RC4-SHA:DES-CBC-SHA',
    'SSL trust-points:',
    '  Self-signed (RSA 2048 bits RSA-SHA256) certificate available',
  ];
  if (state.ecdsaQuirk) lines.push('  Self-signed (EC 256 bits ecdsa-with-SHA256) certificate available');
  for (const b of state.ssl.bindings) if (b.iface) lines.push(`  ${b.iface} interface: ${b.trustpoint}`);
  lines.push('Certificate authentication is not enabled');
  return lines.join('\n');
}

export function runWebvpn(state: AsaLabState): string {
  const lines = ['webvpn', ` enable ${state.iface}`];
  if (state.knobs.csdEnabled) lines.push(' csd image disk0:/csd_3.6.6210-k9.pkg', ' csd enable');
  lines.push(' anyconnect image disk0:/anyconnect-win-4.10.07073-webdeploy-k9.pkg 1', ' anyconnect enable');
  return lines.join('\n');
}

export function runTunnelGroups(state: AsaLabState, only?: string): string {
  const lines: string[] = [];
  for (const tg of state.knobs.tunnelGroups) {
    if (only !== undefined && tg.name !== only) continue;
    lines.push(`tunnel-group ${tg.name} type remote-access`, `tunnel-group ${tg.name} general-attributes`);
    if (tg.groupPolicy) lines.push(` default-group-policy ${tg.groupPolicy}`);
    lines.push(`tunnel-group ${tg.name} webvpn-attributes`, ` authentication ${tg.authentication}`);
    for (const url of tg.groupUrls) lines.push(` group-url ${url} enable`);
    if (tg.withoutCsd) lines.push(' without-csd');
  }
  return lines.join('\n');
}

const FACTORY: Required<Omit<LabGroupPolicy, 'name'>> = {
  vpnTunnelProtocol: ['ikev1', 'ikev2', 'l2tp-ipsec', 'ssl-client', 'ssl-clientless'],
  vpnSimultaneousLogins: 3,
  vpnFilter: null,
  groupLock: null,
};

function policyLines(gp: LabGroupPolicy, all: boolean): string[] {
  const dflt = gp.name === 'DfltGrpPolicy';
  // Only DfltGrpPolicy falls back to factory values; other policies inherit from it and print only what they set.
  const value = <K extends keyof typeof FACTORY>(k: K) =>
    gp[k] !== undefined ? gp[k] : all && dflt ? FACTORY[k] : undefined;
  const shown = <K extends keyof typeof FACTORY>(k: K) =>
    value(k) !== undefined && (all || !dflt || JSON.stringify(value(k)) !== JSON.stringify(FACTORY[k]));
  const lines: string[] = [];
  if (all && dflt) lines.push(' banner none', ' wins-server none', ' dns-server none');
  if (shown('vpnSimultaneousLogins')) lines.push(` vpn-simultaneous-logins ${value('vpnSimultaneousLogins')}`);
  if (all && dflt) lines.push(' vpn-idle-timeout 30', ' vpn-session-timeout none');
  if (shown('vpnFilter'))
    lines.push(` vpn-filter ${value('vpnFilter') === null ? 'none' : `value ${value('vpnFilter')}`}`);
  if (all && dflt) lines.push(' ipv6-vpn-filter none');
  if (shown('vpnTunnelProtocol'))
    lines.push(` vpn-tunnel-protocol ${(value('vpnTunnelProtocol') as string[]).join(' ')}`);
  if (shown('groupLock'))
    lines.push(` group-lock ${value('groupLock') === null ? 'none' : `value ${value('groupLock')}`}`);
  return lines;
}

export function runGroupPolicies(state: AsaLabState, all: boolean, only?: string): string {
  const lines: string[] = [];
  for (const gp of state.knobs.groupPolicies) {
    if (only !== undefined && gp.name !== only) continue;
    const body = policyLines(gp, all);
    if (gp.name !== 'DfltGrpPolicy' || all) lines.push(`group-policy ${gp.name} internal`);
    if (body.length > 0) lines.push(`group-policy ${gp.name} attributes`, ...body);
  }
  return lines.join('\n');
}

export function runDap(state: AsaLabState, only?: string): string {
  const lines: string[] = [];
  for (const r of state.knobs.dapRecords) {
    if (only !== undefined && r.name !== only) continue;
    lines.push(`dynamic-access-policy-record ${r.name}`);
    if (r.description) lines.push(` description "${r.description}"`);
    if (r.priority !== undefined) lines.push(` priority ${r.priority}`);
    if (r.action !== 'continue') lines.push(` action ${r.action}`);
  }
  return lines.join('\n');
}

export function runLoadBalancing(state: AsaLabState): string {
  if (!state.knobs.loadBalancing) return '';
  return [
    'vpn load-balancing',
    ' priority 10',
    ' cluster key *****',
    ' cluster ip address 192.0.2.100',
    ' cluster encryption',
    ' participate',
    ` interface lbpublic ${state.iface}`,
    ' interface lbprivate inside',
  ].join('\n');
}

/** The parts of the running configuration the lab models, in `show running-config` order. */
export function runningConfig(state: AsaLabState): string {
  const parts = [
    `: Saved\n:\nASA Version ${state.version}\n!\nhostname ${state.hostname}`,
    runCryptoCa(state, 'both'),
    runWebvpn(state),
    runGroupPolicies(state, false),
    runDap(state),
    runTunnelGroups(state),
    runSsl(state, false),
    runLoadBalancing(state),
  ];
  return `${parts.filter(Boolean).join('\n!\n')}\n: end`;
}

export function cryptochecksum(config: string): string {
  return createHash('md5').update(config).digest('hex').match(/.{8}/g)!.join(' ');
}
