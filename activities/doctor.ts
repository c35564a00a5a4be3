/**
 * The doctor: every check of Cisco TAC's "Troubleshoot AnyConnect VPN Phone" guide, judged from read-only facts
 * into one finding per check, each with the evidence it saw and the fix the guide gives. Pure; runs on the
 * workflow's task queue.
 */
import { hostIdMatches } from '../devices/cert';
import type { AsaState } from '../devices/asa/state';
import { effectiveGroupPolicy, GroupPolicy, GroupPolicyAttributes } from '../devices/asa/parse/run-group-policy';
import type { TunnelGroup } from '../devices/asa/parse/run-tunnel-group';
import { EC_TLS_SINCE, parseAsaVersion, versionAtLeast } from '../devices/asa/version';
import type { CucmState } from './cucm';
import { defaultSubjectName } from './plan';
import type { Severity } from '../workflows/rollover-types';

export interface DoctorFinding {
  check: string;
  title: string;
  severity: Severity;
  message: string;
  evidence?: string;
  fix?: string;
}

export interface PresentedCert {
  sha1Base64: string;
  sha1Hex: string;
  keyType: string;
  subjectRfc2253: string;
  issuerRfc2253: string;
  commonNames: string[];
  subjectAltNames: { dns: string[]; ip: string[] };
  notAfter: string;
  selfSigned: boolean;
}

/** What one TLS probe saw: the presented leaf, or why there was none. */
export interface ProbeFacts {
  presented?: PresentedCert;
  error?: string;
  /** The failure type when known (`TlsHandshakeRefused`: the ASA answered with an alert; `TransportError`: no answer). */
  errorType?: string;
}

export interface DoctorFacts {
  now: string;
  asaName: string;
  asa: AsaState;
  phoneProbe: ProbeFacts;
  ecProbe: ProbeFacts;
  cucm: { state?: CucmState; error?: { type: string; message: string } };
  configs?: { checked: number; verified: number; stale: number; encrypted: number; other: number; examples: string[] };
}

export interface DoctorReport {
  asa: string;
  gateway?: string;
  findings: DoctorFinding[];
  counts: Record<Severity, number>;
}

const DAY = 86_400_000;
/** 9.x (domain.md §1.8, seed doc's ECDSA section): RSA suites only, the phones' two among them. */
export const PHONE_CIPHER_FIX_9X =
  'ssl cipher tlsv1.2 custom "AES256-SHA:AES128-SHA:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA"';
/** 8.x has no `ssl cipher`; its `ssl encryption` list names the phones' two suites (seed doc, `show run all ssl`). */
export const PHONE_CIPHER_FIX_8X = 'ssl encryption aes256-sha1 aes128-sha1';
/** The seed's procedure for phones that can no longer reach the VPN (alternate TFTP on the phone itself). */
const ALTERNATE_TFTP =
  'Settings > Network Configuration > IPv4 Configuration > Alternate TFTP: Yes (press **# if the option is locked), Save, then TFTP Server 1';

function ok(check: string, title: string, message: string, evidence?: string): DoctorFinding {
  return evidence === undefined
    ? { check, title, severity: 'ok', message }
    : { check, title, severity: 'ok', message, evidence };
}

function urlHost(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname : '';
  } catch {
    return '';
  }
}

function isIpHost(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

function sameUrl(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\/+$/, '') === b.toLowerCase().replace(/\/+$/, '');
}

/**
 * The phone-cipher command in the syntax this ASA speaks: the one its running config already uses, else by release
 * (`ssl cipher` replaced `ssl encryption` in 9.3(2); an unreadable version gets the modern form).
 */
export function phoneCipherFix(asa: Pick<AsaState, 'version' | 'ssl'>): string {
  if (asa.ssl.cipherLines.some((l) => l.startsWith('ssl cipher '))) return PHONE_CIPHER_FIX_9X;
  if (asa.ssl.cipherLines.some((l) => l.startsWith('ssl encryption '))) return PHONE_CIPHER_FIX_8X;
  const legacy = parseAsaVersion(asa.version ?? '') !== undefined && !versionAtLeast(asa.version ?? '', '9.3(2)');
  return legacy ? PHONE_CIPHER_FIX_8X : PHONE_CIPHER_FIX_9X;
}

/** Whether a probe failure is the ASA refusing the offered suites (an alert) rather than no answer at all. */
function refusedHandshake(p: ProbeFacts): boolean {
  return p.errorType !== undefined
    ? p.errorType === 'TlsHandshakeRefused'
    : / refused the handshake offering /.test(p.error ?? '');
}

/** The phone connection profile phones use: the one whose group-url is the VPN gateway URL. */
export function phoneTunnelGroup(asa: AsaState, gatewayUrl: string | undefined): TunnelGroup | undefined {
  if (gatewayUrl) {
    const byUrl = asa.tunnelGroups.find((tg) => tg.groupUrls.some((u) => u.enabled && sameUrl(u.url, gatewayUrl)));
    if (byUrl) return byUrl;
  }
  return (
    asa.tunnelGroups.find((tg) => /certificate/.test(tg.authentication ?? '')) ??
    asa.tunnelGroups.find((tg) => tg.name === 'DefaultWEBVPNGroup')
  );
}

/**
 * Getting the presented certificate to the phones (seed doc, "ASA SSL certificate renewal" steps 2-5): export it,
 * upload it as Phone-VPN-trust (unless it is there already), list it on the VPN gateway, push the config.
 */
function gatewayFix(trustpoint: string, gateway: string, inTrust: boolean): string {
  return [
    ...(inTrust
      ? []
      : [
          `crypto ca export ${trustpoint} identity-certificate`,
          'Cisco Unified OS Administration > Security > Certificate Management > Upload Certificate/Certificate chain (Certificate Purpose: Phone-VPN-trust)',
        ]),
    `Cisco Unified CM Administration > Advanced Features > VPN > VPN Gateway (${gateway}): move the certificate to "Certificates in VPN Gateway", Save`,
    'Apply Config to the phones',
  ].join('; ');
}

function licenceCheck(f: DoctorFacts): DoctorFinding {
  const title = 'ASA licence for VPN phones';
  const lic = f.asa.phoneLicense;
  const fix =
    'Install the "AnyConnect for Cisco VPN Phone" licence (ASA 8.0: "AnyConnect for Linksys phone") and AnyConnect Premium peers; check with show version';
  const peersLine = f.asa.premiumPeers === undefined ? undefined : `AnyConnect Premium Peers : ${f.asa.premiumPeers}`;
  if (!lic)
    return {
      check: 'licence',
      title,
      severity: 'warn',
      message: 'show version prints no VPN phone licence line (smart licensing?): check the entitlement',
      ...(peersLine ? { evidence: peersLine } : {}),
      fix,
    };
  if (!lic.enabled)
    return {
      check: 'licence',
      title,
      severity: 'blocker',
      message: `${lic.name} is not enabled`,
      evidence: lic.line,
      fix,
    };
  if (f.asa.premiumPeers === 0) {
    return {
      check: 'licence',
      title,
      severity: 'blocker',
      message: 'no AnyConnect Premium peers licensed: every phone is an AnyConnect peer',
      evidence: [lic.line, peersLine].join('\n'),
      fix: 'Add AnyConnect Premium (SSL VPN) peers to the ASA licence for the phones; check with show version',
    };
  }
  return ok(
    'licence',
    title,
    `${lic.name} enabled; AnyConnect Premium peers: ${f.asa.premiumPeers ?? 'not shown'}`,
    [lic.line, peersLine].filter(Boolean).join('\n'),
  );
}

function cucmBuildCheck(f: DoctorFacts): DoctorFinding {
  const title = 'CUCM export-restricted build (VPN features)';
  if (f.cucm.error?.type === 'VpnFeatureUnavailable') {
    return {
      check: 'cucm-export-restricted',
      title,
      severity: 'blocker',
      message: 'CUCM has no VPN features: phone VPN needs the US export-restricted build',
      evidence: f.cucm.error.message,
      fix: 'Deploy the export-restricted CUCM build (an export-unrestricted cluster cannot be converted back)',
    };
  }
  if (!f.cucm.state) {
    return {
      check: 'cucm-export-restricted',
      title,
      severity: 'warn',
      message: `CUCM could not be read: ${f.cucm.error?.message ?? 'unknown error'}`,
    };
  }
  return ok('cucm-export-restricted', title, `CUCM ${f.cucm.state.version} serves the VPN configuration`);
}

function sslBindingLines(asa: AsaState): string[] {
  return asa.ssl.bindings.map(
    (b) =>
      `ssl trust-point ${b.trustpoint}${b.iface ? ` ${b.iface}` : ''}${b.domain ? ` domain ${b.domain}` : ''}${b.vpnlbIp ? ' vpnlb-ip' : ''}`,
  );
}

function boundCertificateCheck(f: DoctorFacts): DoctorFinding {
  const title = 'Certificate on the phone interface, in Phone-VPN-trust and on the VPN gateway';
  const check = 'bound-certificate';
  const p = f.phoneProbe.presented;
  const cucm = f.cucm.state;
  const gateway = cucm?.gateway.name ?? '<gateway>';
  if (!f.asa.boundTrustpoint) {
    const withCert = f.asa.trustpoints.filter((t) => t.certificate).map((t) => t.name);
    const bindings = sslBindingLines(f.asa);
    return {
      check,
      title,
      severity: 'blocker',
      message: `no ssl trust-point on ${f.asa.iface}: phones see the ASA's temporary self-signed certificate`,
      evidence: [
        bindings.length > 0 ? bindings.join('\n') : `show run ssl: no ssl trust-point line`,
        ...(p ? [`presented: ${p.subjectRfc2253}, SHA-1 ${p.sha1Hex} (certHash ${p.sha1Base64})`] : []),
      ].join('\n'),
      fix:
        `ssl trust-point ${withCert.length === 1 ? withCert[0] : '<trustpoint>'} ${f.asa.iface}` +
        (withCert.length > 1 ? ` (trustpoints with an identity certificate: ${withCert.join(', ')})` : '') +
        ' — once that certificate is in Phone-VPN-trust and on the VPN gateway and the phones have the new config',
    };
  }
  if (!p)
    return {
      check,
      title,
      severity: 'warn',
      message: `could not see the presented certificate: ${f.phoneProbe.error}`,
      evidence: `ssl trust-point ${f.asa.boundTrustpoint} ${f.asa.iface}`,
    };
  const left = Date.parse(p.notAfter) - Date.parse(f.now);
  // In root-CA trust mode CUCM trusts (and the gateway lists) the issuing CA rather than the leaf.
  const trusted = new Set(
    cucm?.trust
      .filter((t) => t.sha1Base64 === p.sha1Base64 || (!p.selfSigned && t.subjectName === p.issuerRfc2253))
      .map((t) => t.sha1Base64),
  );
  const inTrust = trusted.size > 0;
  const onGateway = cucm?.gateway.certificates.some((c) => c.sha1Base64 !== undefined && trusted.has(c.sha1Base64));
  const evidence = `ssl trust-point ${f.asa.boundTrustpoint} ${f.asa.iface}; presented SHA-1 ${p.sha1Hex} (certHash ${p.sha1Base64}), notAfter ${p.notAfter}`;
  if (left <= 0) {
    return {
      check,
      title,
      severity: 'blocker',
      message: `the certificate phones are shown expired ${Math.floor(-left / DAY)} days ago: phones cannot build the tunnel, so they cannot fetch a new config through it`,
      evidence,
      fix:
        `Renew and roll over now: certroll start --gateway ${gateway}. Phones that cannot connect fetch the new config ` +
        `from a TFTP server reachable without the VPN (e.g. a port forward on the ASA to the internal TFTP server): on ` +
        `each phone ${ALTERNATE_TFTP} = that server's public address`,
    };
  }
  if (cucm && (!inTrust || !onGateway)) {
    return {
      check,
      title,
      severity: 'blocker',
      message: `the presented certificate is ${inTrust ? '' : 'not in Phone-VPN-trust'}${!inTrust && !onGateway ? ' and ' : ''}${onGateway ? '' : `not on VPN gateway ${cucm.gateway.name}`}: phones reject it`,
      evidence,
      fix: gatewayFix(f.asa.boundTrustpoint, cucm.gateway.name, inTrust),
    };
  }
  if (left < 30 * DAY) {
    return {
      check,
      title,
      severity: 'warn',
      message: `the certificate expires in ${Math.floor(left / DAY)} days: start a rollover`,
      evidence,
      fix: `certroll start --gateway ${gateway}`,
    };
  }
  return ok(
    check,
    title,
    `presented certificate is in Phone-VPN-trust and on the gateway; ${Math.floor(left / DAY)} days left`,
    evidence,
  );
}

function probeErrors(f: DoctorFacts): string {
  return [
    ...(f.phoneProbe.error ? [`phone probe: ${f.phoneProbe.error}`] : []),
    ...(f.ecProbe.error ? [`EC client probe: ${f.ecProbe.error}`] : []),
  ].join('; ');
}

function ecdsaCheck(f: DoctorFacts): DoctorFinding {
  const title = 'ECDSA certificate shown to EC-capable phones (ASA 9.4(1)+)';
  const phone = f.phoneProbe.presented;
  const ec = f.ecProbe.presented;
  if (!versionAtLeast(f.asa.version ?? '', EC_TLS_SINCE))
    return {
      check: 'ecdsa',
      title,
      severity: 'info',
      message: `ASA ${f.asa.version ?? '?'} predates EC ciphers for SSL (${EC_TLS_SINCE})`,
      evidence: `Cisco Adaptive Security Appliance Software Version ${f.asa.version ?? '?'}`,
    };
  if (!phone || !ec) {
    return {
      check: 'ecdsa',
      title,
      severity: 'warn',
      message: `cannot compare what EC clients and phones are shown: ${probeErrors(f)}`,
      evidence: probeErrors(f),
    };
  }
  if (ec.sha1Base64 !== phone.sha1Base64) {
    return {
      check: 'ecdsa',
      title,
      severity: 'blocker',
      message: `an EC client is shown a different ${ec.keyType} certificate (${ec.subjectRfc2253}): newer phones negotiate EC suites and fail the hash check`,
      evidence: `EC client: ${ec.keyType} ${ec.sha1Base64}; phone ciphers: ${phone.keyType} ${phone.sha1Base64}`,
      fix: PHONE_CIPHER_FIX_9X,
    };
  }
  return ok('ecdsa', title, 'EC clients and phones are shown the same certificate', `${ec.keyType} ${ec.sha1Base64}`);
}

function phoneCipherCheck(f: DoctorFacts): DoctorFinding {
  const title = 'Phone ciphers (AES256-SHA / AES128-SHA) enabled';
  const configured =
    f.asa.ssl.cipherLines.join('\n') ||
    `no ssl cipher/encryption line (defaults); TLS 1.2 suites enabled: ${f.asa.ssl.enabledCiphers.join(':') || 'none'}`;
  const refused = f.phoneProbe.error !== undefined && refusedHandshake(f.phoneProbe);
  if (!f.asa.ssl.phoneCiphersEnabled || refused) {
    return {
      check: 'phone-ciphers',
      title,
      severity: 'blocker',
      message: `a handshake offering only AES256-SHA and AES128-SHA ${refused ? `was refused: ${f.phoneProbe.error}` : 'is not possible with the configured ciphers'}`,
      evidence: [configured, ...(f.phoneProbe.error ? [`phone probe: ${f.phoneProbe.error}`] : [])].join('\n'),
      fix: phoneCipherFix(f.asa),
    };
  }
  if (f.phoneProbe.error) {
    return {
      check: 'phone-ciphers',
      title,
      severity: 'warn',
      message: `the configuration enables a phone cipher, but the handshake as a phone could not be tried: ${f.phoneProbe.error}`,
      evidence: [configured, `phone probe: ${f.phoneProbe.error}`].join('\n'),
    };
  }
  return ok('phone-ciphers', title, `the ASA negotiates a phone cipher`, configured);
}

function hashMatchCheck(f: DoctorFacts): DoctorFinding {
  const title = "Phone configs carry the presented certificate's hash";
  const c = f.configs;
  if (!c || c.checked === 0)
    return { check: 'config-hash', title, severity: 'info', message: 'no phone config was read' };
  const bad = c.checked - c.verified - c.encrypted;
  if (bad > 0) {
    const inTrust = f.cucm.state?.trust.some((t) => t.sha1Base64 === f.phoneProbe.presented?.sha1Base64) ?? false;
    return {
      check: 'config-hash',
      title,
      severity: 'blocker',
      message: `${bad} of ${c.checked} phone configs read over TFTP do not carry the certificate the ASA presents`,
      evidence: c.examples.join('\n'),
      fix:
        `${gatewayFix(f.asa.boundTrustpoint ?? '<trustpoint>', f.cucm.state?.gateway.name ?? '<gateway>', inTrust)}; ` +
        'compare with certroll phone-config --tftp <tftp> --mac <MAC> --expect <hash>',
    };
  }
  return ok(
    'config-hash',
    title,
    `${c.verified} of ${c.checked} configs carry the hash${c.encrypted ? `; ${c.encrypted} encrypted (cannot be read over TFTP)` : ''}`,
  );
}

function loadBalancingLines(f: DoctorFacts): string[] {
  const lb = f.asa.loadBalancing;
  if (!lb.configured) return [];
  return [
    'vpn load-balancing',
    ...(lb.priority !== undefined ? [` priority ${lb.priority}`] : []),
    ...(lb.clusterIp ? [` cluster ip address ${lb.clusterIp}`] : []),
    ...(lb.clusterEncryption ? [' cluster encryption'] : []),
    ...(lb.participate ? [' participate'] : []),
    ...(lb.redirectFqdn ? [' redirect-fqdn enable'] : []),
    ...Object.entries(lb.interfaces).map(([k, v]) => ` interface ${k} ${v}`),
    ...lb.otherLines.map((l) => ` ${l}`),
  ];
}

function loadBalancingCheck(f: DoctorFacts): DoctorFinding {
  const title = 'VPN load balancing (not supported for phones)';
  const lb = f.asa.loadBalancing;
  const lines = loadBalancingLines(f).join('\n') || undefined;
  if (lb.configured && lb.participate) {
    return {
      check: 'load-balancing',
      title,
      severity: 'warn',
      message: 'VPN load balancing is on: a redirect to another ASA shows phones a certificate they were not given',
      evidence: lines,
      fix: 'vpn load-balancing\n no participate\n(or give phones a URL that does not redirect)',
    };
  }
  return ok(
    'load-balancing',
    title,
    lb.configured ? 'vpn load-balancing is configured, but this ASA does not participate' : 'VPN load balancing is off',
    lines,
  );
}

function tunnelGroupWebvpnLines(tg: TunnelGroup): string[] {
  return [
    `tunnel-group ${tg.name} webvpn-attributes`,
    ...(tg.authentication ? [` authentication ${tg.authentication}`] : []),
    ...tg.groupUrls.map((u) => ` group-url ${u.url}${u.enabled ? ' enable' : ''}`),
    ...(tg.withoutCsd ? [' without-csd'] : []),
  ];
}

function csdCheck(f: DoctorFacts, tg: TunnelGroup | undefined): DoctorFinding {
  const title = 'Cisco Secure Desktop (phones cannot run CSD)';
  const evidence = [
    ...(f.asa.webvpn.csdEnabled ? ['webvpn', ' csd enable'] : []),
    ...(tg ? tunnelGroupWebvpnLines(tg) : []),
  ].join('\n');
  if (f.asa.webvpn.csdEnabled && !tg?.withoutCsd) {
    return {
      check: 'csd',
      title,
      severity: 'blocker',
      message: `csd enable is set globally and the phone connection profile ${tg?.name ?? '(not found)'} has no without-csd`,
      evidence,
      fix: `tunnel-group ${tg?.name ?? '<phone-tunnel-group>'} webvpn-attributes\n without-csd`,
    };
  }
  return ok(
    'csd',
    title,
    f.asa.webvpn.csdEnabled ? `CSD on, but ${tg?.name} has without-csd` : 'CSD is not enabled',
    f.asa.webvpn.csdEnabled ? evidence : undefined,
  );
}

function dapLines(f: DoctorFacts): string[] {
  return f.asa.dapRecords.flatMap((r) => [
    `dynamic-access-policy-record ${r.name}`,
    ...(r.description !== undefined ? [` description "${r.description}"`] : []),
    ...(r.priority !== undefined ? [` priority ${r.priority}`] : []),
    ...(r.actionConfigured ? [` action ${r.action}`] : []),
  ]);
}

function dapCheck(f: DoctorFacts): DoctorFinding {
  const title = 'Dynamic access policies';
  const dflt = f.asa.dapRecords.find((r) => r.name === 'DfltAccessPolicy');
  const continuing = f.asa.dapRecords.filter((r) => r.name !== 'DfltAccessPolicy' && r.action === 'continue');
  const evidence = dapLines(f).join('\n') || undefined;
  if (dflt?.action === 'terminate' && continuing.length === 0) {
    return {
      check: 'dap',
      title,
      severity: 'blocker',
      message: 'DfltAccessPolicy terminates and no DAP record lets phone sessions continue (%ASA-5-734002)',
      evidence,
      fix: 'Create a DAP record for VPN phones (e.g. matching the phone connection profile) with action continue',
    };
  }
  return ok(
    'dap',
    title,
    dflt?.action === 'terminate'
      ? `DfltAccessPolicy terminates; ${continuing.map((r) => r.name).join(', ')} continue`
      : 'DfltAccessPolicy does not terminate',
    evidence,
  );
}

function attributeLine(key: keyof GroupPolicyAttributes, a: GroupPolicyAttributes): string {
  switch (key) {
    case 'vpnTunnelProtocol':
      return `vpn-tunnel-protocol ${(a.vpnTunnelProtocol ?? []).join(' ')}`;
    case 'groupLock':
      return a.groupLock === null ? 'group-lock none' : `group-lock value ${a.groupLock}`;
    case 'vpnSimultaneousLogins':
      return `vpn-simultaneous-logins ${a.vpnSimultaneousLogins}`;
    case 'vpnFilter':
      return a.vpnFilter === null ? 'vpn-filter none' : `vpn-filter value ${a.vpnFilter}`;
  }
}

function groupPolicyCheck(f: DoctorFacts, tg: TunnelGroup | undefined): DoctorFinding {
  const title = 'Group-policy attributes inherited from DfltGrpPolicy';
  const name = tg?.defaultGroupPolicy ?? 'DfltGrpPolicy';
  const policy: GroupPolicy = f.asa.groupPolicies.find((g) => g.name === name) ?? {
    name,
    attributes: {},
    otherLines: [],
  };
  const { attributes: a, sources } = effectiveGroupPolicy(policy, f.asa.defaultGroupPolicy);
  // The lines in effect, under the policy each comes from (the phone policy's own, or DfltGrpPolicy's).
  const keys = (Object.keys(sources) as (keyof GroupPolicyAttributes)[]).filter((k) => sources[k] !== 'unset');
  const evidence = [
    ...(tg?.defaultGroupPolicy ? [`tunnel-group ${tg.name} general-attributes`, ` default-group-policy ${name}`] : []),
    ...(['policy', 'inherited'] as const).flatMap((source) => {
      const own = keys.filter((k) => sources[k] === source);
      return own.length === 0
        ? []
        : [
            `group-policy ${source === 'policy' ? name : 'DfltGrpPolicy'} attributes`,
            ...own.map((k) => ` ${attributeLine(k, a)}`),
          ];
    }),
  ].join('\n');
  const problems: string[] = [];
  if (a.vpnTunnelProtocol && !a.vpnTunnelProtocol.includes('ssl-client'))
    problems.push(
      `vpn-tunnel-protocol ${a.vpnTunnelProtocol.join(' ')} lacks ssl-client (${sources.vpnTunnelProtocol})`,
    );
  if (a.groupLock && tg && a.groupLock !== tg.name)
    problems.push(`group-lock value ${a.groupLock} locks phones out of ${tg.name} (${sources.groupLock})`);
  if (a.vpnSimultaneousLogins === 0) problems.push(`vpn-simultaneous-logins 0 (${sources.vpnSimultaneousLogins})`);
  if (a.vpnFilter) problems.push(`vpn-filter value ${a.vpnFilter} (${sources.vpnFilter})`);
  if (problems.length > 0) {
    return {
      check: 'group-policy',
      title,
      severity: problems.every((p) => p.startsWith('vpn-filter')) ? 'warn' : 'blocker',
      message: `phone group-policy ${name}: ${problems.join('; ')}`,
      evidence,
      fix: `group-policy ${name} attributes\n vpn-tunnel-protocol ssl-client\n group-lock value ${tg?.name ?? '<phone-tunnel-group>'}\n vpn-simultaneous-logins 3\n vpn-filter none`,
    };
  }
  return ok('group-policy', title, `phone group-policy ${name} allows ssl-client, no blocking inheritance`, evidence);
}

const CPP_MENU = 'Cisco Unified CM Administration > Device > Device Settings > Common Phone Profile';

function commonPhoneProfileCheck(f: DoctorFacts): DoctorFinding {
  const title = 'Common phone profiles carry the VPN group and profile';
  const cucm = f.cucm.state;
  if (!cucm) return { check: 'common-phone-profiles', title, severity: 'warn', message: 'CUCM could not be read' };
  const describe = (c: CucmState['commonPhoneProfiles'][number]) =>
    `${c.name}: VPN Group ${c.vpnGroupName}, VPN Profile ${c.vpnProfileName ?? '(not set)'}`;
  if (cucm.commonPhoneProfiles.length === 0) {
    return {
      check: 'common-phone-profiles',
      title,
      severity: 'blocker',
      message: `no common phone profile uses a VPN group containing gateway ${cucm.gateway.name}: no phone gets the VPN configuration`,
      evidence:
        cucm.groups.length > 0
          ? cucm.groups
              .map((g) => `VPN Group ${g.name}: ${g.gateways.join(', ')}; no common phone profile uses it`)
              .join('\n')
          : `no VPN group contains gateway ${cucm.gateway.name}`,
      fix: `${CPP_MENU}: set VPN Group and VPN Profile (VPN Information), Save, Apply Config; Device > Phone: assign that Common Phone Profile`,
    };
  }
  const noProfile = cucm.commonPhoneProfiles.filter((c) => !c.vpnProfileName);
  if (noProfile.length > 0) {
    return {
      check: 'common-phone-profiles',
      title,
      severity: 'warn',
      message: `${noProfile.map((c) => c.name).join(', ')} set a VPN group but no VPN profile (enterprise VPN feature defaults apply)`,
      evidence: noProfile.map(describe).join('\n'),
      fix: `${CPP_MENU} (${noProfile.map((c) => c.name).join(', ')}): set the VPN Profile (VPN Information), Save, Apply Config`,
    };
  }
  return ok(
    'common-phone-profiles',
    title,
    cucm.commonPhoneProfiles.map((c) => `${c.name} → ${c.vpnGroupName}/${c.vpnProfileName}`).join(', '),
    cucm.commonPhoneProfiles.map(describe).join('\n'),
  );
}

function hostIdCheck(f: DoctorFacts): DoctorFinding {
  const title = 'Host ID check (URL host vs certificate CN/SAN)';
  const cucm = f.cucm.state;
  const p = f.phoneProbe.presented;
  if (!cucm?.profile?.hostIdCheck)
    return { check: 'host-id', title, severity: 'info', message: 'host-ID check is off in the VPN profile' };
  if (!p)
    return {
      check: 'host-id',
      title,
      severity: 'warn',
      message: 'host-ID check is on, but the presented certificate could not be read',
    };
  const host = urlHost(cucm.gateway.url);
  const r = hostIdMatches(host, p);
  const evidence = `VPN Gateway URL ${cucm.gateway.url}; certificate CN ${p.commonNames.join(', ') || 'none'}, SAN ${p.subjectAltNames.dns.join(', ') || 'none'}`;
  if (!r.match) {
    const profile = `Cisco Unified CM Administration > Advanced Features > VPN > VPN Profile (${cucm.profile.name}): clear "Enable Host ID Check", Save, Apply Config`;
    return {
      check: 'host-id',
      title,
      severity: 'blocker',
      message: `host-ID check is on and ${r.reason} (phone log: "hostIDCheck failed!!")`,
      evidence,
      fix: isIpHost(host)
        ? `${profile}; or Cisco Unified CM Administration > Advanced Features > VPN > VPN Gateway (${cucm.gateway.name}): a VPN Gateway URL with the FQDN the certificate names`
        : `${profile}; or present a certificate whose CN or SAN is ${host} (no wildcard)`,
    };
  }
  return ok('host-id', title, r.reason, evidence);
}

/**
 * CUCM keeps one Phone-VPN-trust entry per CN and replaces it when a newer certificate with that CN is uploaded.
 * A presented certificate whose CN is the gateway URL host invites a renewal with the same CN — the overwrite that
 * strands phones before the switch. Naming the CN apart (the host in the SAN) keeps the next renewal safe.
 */
function sameCnCheck(f: DoctorFacts): DoctorFinding {
  const title = 'Same-CN overwrite risk at the next renewal (CSCuh19734)';
  const cucm = f.cucm.state;
  const p = f.phoneProbe.presented;
  if (!cucm || !p) return { check: 'same-cn', title, severity: 'info', message: 'not enough data' };
  const host = urlHost(cucm.gateway.url).toLowerCase();
  const entry = cucm.trust.find((t) => t.sha1Base64 === p.sha1Base64);
  const cn = (entry?.commonName ?? p.commonNames[0] ?? '').toLowerCase();
  if (entry && cn === host) {
    return {
      check: 'same-cn',
      title,
      severity: 'warn',
      message: `the Phone-VPN-trust entry is named by CN=${cn}, the URL host: a renewal that keeps this CN replaces it in CUCM and strands phones before the switch`,
      evidence: entry.subjectName,
      fix: `Renew with another CN and the FQDN in the SAN: certroll plans ${defaultSubjectName(host, f.now)} with fqdn ${host}`,
    };
  }
  return ok(
    'same-cn',
    title,
    `the trust entry is named CN=${cn}, not the URL host: the next renewal can take a new CN with ${host} in the SAN`,
  );
}

function rootCaCheck(f: DoctorFacts): DoctorFinding {
  const title = 'Phone-VPN-trust holds the CA (root-CA trust mode)';
  const cucm = f.cucm.state;
  const p = f.phoneProbe.presented;
  if (!cucm || !p) return { check: 'root-ca-trust', title, severity: 'info', message: 'not enough data' };
  if (!p.selfSigned && cucm.trust.some((t) => t.subjectName === p.issuerRfc2253)) {
    return {
      check: 'root-ca-trust',
      title,
      severity: 'info',
      message: `Phone-VPN-trust holds the issuer ${p.issuerRfc2253}: a renewal from the same CA needs no CUCM change`,
    };
  }
  return ok(
    'root-ca-trust',
    title,
    'leaf trust: each renewal needs the new certificate on the gateway (what certroll rolls over)',
  );
}

export function assessDoctor(f: DoctorFacts): DoctorReport {
  const tg = phoneTunnelGroup(f.asa, f.cucm.state?.gateway.url);
  const findings = [
    licenceCheck(f),
    cucmBuildCheck(f),
    boundCertificateCheck(f),
    ecdsaCheck(f),
    phoneCipherCheck(f),
    hashMatchCheck(f),
    loadBalancingCheck(f),
    csdCheck(f, tg),
    dapCheck(f),
    groupPolicyCheck(f, tg),
    commonPhoneProfileCheck(f),
    hostIdCheck(f),
    sameCnCheck(f),
    rootCaCheck(f),
  ];
  const counts: Record<Severity, number> = { blocker: 0, warn: 0, info: 0, ok: 0 };
  for (const x of findings) counts[x.severity]++;
  return { asa: f.asaName, gateway: f.cucm.state?.gateway.name, findings, counts };
}

export function createDoctorActivities() {
  return {
    async assessDoctor(facts: DoctorFacts): Promise<DoctorReport> {
      return assessDoctor(facts);
    },
  };
}

export type DoctorActivities = ReturnType<typeof createDoctorActivities>;
