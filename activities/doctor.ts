/**
 * The doctor: every check of Cisco TAC's "Troubleshoot AnyConnect VPN Phone" guide, judged from read-only facts
 * into one finding per check, each with the evidence it saw and the fix the guide gives. Pure; runs on the
 * workflow's task queue.
 */
import { hostIdMatches } from '../devices/cert';
import type { AsaState } from '../devices/asa/state';
import { effectiveGroupPolicy, GroupPolicy } from '../devices/asa/parse/run-group-policy';
import type { TunnelGroup } from '../devices/asa/parse/run-tunnel-group';
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

export interface DoctorFacts {
  now: string;
  asaName: string;
  asa: AsaState;
  phoneProbe: { presented?: PresentedCert; error?: string };
  ecProbe: { presented?: PresentedCert; error?: string };
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
const PHONE_CIPHER_FIX = 'ssl cipher tlsv1.2 custom "AES256-SHA:AES128-SHA:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA"';

function ok(check: string, title: string, message: string, evidence?: string): DoctorFinding {
  return { check, title, severity: 'ok', message, evidence };
}

function urlHost(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname : '';
  } catch {
    return '';
  }
}

function sameUrl(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\/+$/, '') === b.toLowerCase().replace(/\/+$/, '');
}

function versionAtLeast(version: string | undefined, want: [number, number, number]): boolean {
  const m = /^(\d+)\.(\d+)\((\d+)/.exec(version ?? '');
  if (!m) return false;
  const v = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (let i = 0; i < 3; i++) if (v[i] !== want[i]) return v[i] > want[i];
  return true;
}

/** The connection profile phones use: the one whose group-url is the VPN gateway URL. */
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

function licenceCheck(f: DoctorFacts): DoctorFinding {
  const title = 'ASA licence for VPN phones';
  const lic = f.asa.phoneLicense;
  const fix =
    'Install the "AnyConnect for Cisco VPN Phone" licence (ASA 8.0: "AnyConnect for Linksys phone") and AnyConnect Premium peers; check with show version';
  if (!lic)
    return {
      check: 'licence',
      title,
      severity: 'warn',
      message: 'show version prints no VPN phone licence line (smart licensing?): check the entitlement',
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
      message: 'no AnyConnect Premium peers licensed',
      evidence: lic.line,
      fix,
    };
  }
  return ok(
    'licence',
    title,
    `${lic.name} enabled; AnyConnect Premium peers: ${f.asa.premiumPeers ?? 'not shown'}`,
    lic.line,
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

function boundCertificateCheck(f: DoctorFacts): DoctorFinding {
  const title = 'Certificate on the phone interface, in Phone-VPN-trust and on the VPN gateway';
  const check = 'bound-certificate';
  const p = f.phoneProbe.presented;
  if (!f.asa.boundTrustpoint) {
    return {
      check,
      title,
      severity: 'blocker',
      message: `no ssl trust-point on ${f.asa.iface}: phones see the ASA's temporary self-signed certificate`,
      fix: `ssl trust-point <trustpoint> ${f.asa.iface}`,
    };
  }
  if (!p)
    return {
      check,
      title,
      severity: 'warn',
      message: `could not see the presented certificate: ${f.phoneProbe.error}`,
    };
  const left = Date.parse(p.notAfter) - Date.parse(f.now);
  const cucm = f.cucm.state;
  // In root-CA trust mode CUCM trusts (and the gateway lists) the issuing CA rather than the leaf.
  const trusted = new Set(
    cucm?.trust
      .filter((t) => t.sha1Base64 === p.sha1Base64 || (!p.selfSigned && t.subjectName === p.issuerRfc2253))
      .map((t) => t.sha1Base64),
  );
  const inTrust = trusted.size > 0;
  const onGateway = cucm?.gateway.certificates.some((c) => c.sha1Base64 !== undefined && trusted.has(c.sha1Base64));
  const evidence = `trustpoint ${f.asa.boundTrustpoint}, SHA-1 ${p.sha1Hex} (certHash ${p.sha1Base64}), notAfter ${p.notAfter}`;
  if (left <= 0) {
    return {
      check,
      title,
      severity: 'blocker',
      message: 'the certificate phones are shown has expired',
      evidence,
      fix: 'Renew now; phones that cannot connect need an alternate TFTP server to fetch the new config',
    };
  }
  if (cucm && (!inTrust || !onGateway)) {
    return {
      check,
      title,
      severity: 'blocker',
      message: `the presented certificate is ${inTrust ? '' : 'not in Phone-VPN-trust'}${!inTrust && !onGateway ? ' and ' : ''}${onGateway ? '' : `not on VPN gateway ${cucm.gateway.name}`}: phones reject it`,
      evidence,
      fix: `crypto ca export ${f.asa.boundTrustpoint} identity-certificate; Cisco Unified OS Administration > Security > Certificate Management > Upload Certificate/Certificate chain (Phone-VPN-trust); Cisco Unified CM Administration > Advanced Features > VPN > VPN Gateway: move it to "Certificates in VPN Gateway"; Apply Config`,
    };
  }
  if (left < 30 * DAY) {
    return {
      check,
      title,
      severity: 'warn',
      message: `the certificate expires in ${Math.floor(left / DAY)} days: start a rollover`,
      evidence,
      fix: 'certroll start --gateway <gateway>',
    };
  }
  return ok(
    check,
    title,
    `presented certificate is in Phone-VPN-trust and on the gateway; ${Math.floor(left / DAY)} days left`,
    evidence,
  );
}

function ecdsaCheck(f: DoctorFacts): DoctorFinding {
  const title = 'ECDSA certificate shown to EC-capable phones (ASA 9.4(1)+)';
  const phone = f.phoneProbe.presented;
  const ec = f.ecProbe.presented;
  if (!versionAtLeast(f.asa.version, [9, 4, 1]))
    return {
      check: 'ecdsa',
      title,
      severity: 'info',
      message: `ASA ${f.asa.version ?? '?'} predates EC ciphers for SSL`,
    };
  if (phone && ec && ec.sha1Base64 !== phone.sha1Base64) {
    return {
      check: 'ecdsa',
      title,
      severity: 'blocker',
      message: `an EC client is shown a different ${ec.keyType} certificate (${ec.subjectRfc2253}): newer phones negotiate EC suites and fail the hash check`,
      evidence: `EC client: ${ec.sha1Base64}; phone ciphers: ${phone.sha1Base64}`,
      fix: PHONE_CIPHER_FIX,
    };
  }
  return ok(
    'ecdsa',
    title,
    'EC clients and phones are shown the same certificate',
    ec ? `${ec.keyType} ${ec.sha1Base64}` : f.ecProbe.error,
  );
}

function phoneCipherCheck(f: DoctorFacts): DoctorFinding {
  const title = 'Phone ciphers (AES256-SHA / AES128-SHA) enabled';
  if (f.phoneProbe.error || !f.asa.ssl.phoneCiphersEnabled) {
    return {
      check: 'phone-ciphers',
      title,
      severity: 'blocker',
      message: `a handshake offering only AES256-SHA and AES128-SHA ${f.phoneProbe.error ? `failed: ${f.phoneProbe.error}` : 'is not possible with the configured ciphers'}`,
      evidence: f.asa.ssl.cipherLines.join('; ') || undefined,
      fix: PHONE_CIPHER_FIX,
    };
  }
  return ok('phone-ciphers', title, 'the ASA negotiates a phone cipher', f.asa.ssl.cipherLines.join('; ') || undefined);
}

function hashMatchCheck(f: DoctorFacts): DoctorFinding {
  const title = "Phone configs carry the presented certificate's hash";
  const c = f.configs;
  if (!c || c.checked === 0)
    return { check: 'config-hash', title, severity: 'info', message: 'no phone config was read' };
  const bad = c.checked - c.verified - c.encrypted;
  if (bad > 0) {
    return {
      check: 'config-hash',
      title,
      severity: 'blocker',
      message: `${bad} of ${c.checked} phone configs read over TFTP do not carry the certificate the ASA presents`,
      evidence: c.examples.join('; '),
      fix: 'Put the presented certificate on the VPN gateway (Phone-VPN-trust first), then Apply Config; compare with certroll phone-config --tftp <tftp> --mac <MAC> --expect <hash>',
    };
  }
  return ok(
    'config-hash',
    title,
    `${c.verified} of ${c.checked} configs carry the hash${c.encrypted ? `; ${c.encrypted} encrypted (cannot be read over TFTP)` : ''}`,
  );
}

function loadBalancingCheck(f: DoctorFacts): DoctorFinding {
  const title = 'VPN load balancing (not supported for phones)';
  const lb = f.asa.loadBalancing;
  if (lb.configured && lb.participate) {
    return {
      check: 'load-balancing',
      title,
      severity: 'warn',
      message: 'VPN load balancing is on: a redirect to another ASA shows phones a certificate they were not given',
      evidence: 'vpn load-balancing / participate',
      fix: 'vpn load-balancing → no participate (or give phones a URL that does not redirect)',
    };
  }
  return ok('load-balancing', title, 'VPN load balancing is off');
}

function csdCheck(f: DoctorFacts, tg: TunnelGroup | undefined): DoctorFinding {
  const title = 'Cisco Secure Desktop (phones cannot run CSD)';
  if (f.asa.webvpn.csdEnabled && !tg?.withoutCsd) {
    return {
      check: 'csd',
      title,
      severity: 'blocker',
      message: `csd enable is set globally and the phone connection profile ${tg?.name ?? '(not found)'} has no without-csd`,
      evidence: 'webvpn / csd enable',
      fix: `tunnel-group ${tg?.name ?? '<phone-tunnel-group>'} webvpn-attributes\n without-csd`,
    };
  }
  return ok('csd', title, f.asa.webvpn.csdEnabled ? `CSD on, but ${tg?.name} has without-csd` : 'CSD is not enabled');
}

function dapCheck(f: DoctorFacts): DoctorFinding {
  const title = 'Dynamic access policies';
  const dflt = f.asa.dapRecords.find((r) => r.name === 'DfltAccessPolicy');
  const continuing = f.asa.dapRecords.filter((r) => r.name !== 'DfltAccessPolicy' && r.action === 'continue');
  if (dflt?.action === 'terminate' && continuing.length === 0) {
    return {
      check: 'dap',
      title,
      severity: 'blocker',
      message: 'DfltAccessPolicy terminates and no DAP record lets phone sessions continue (%ASA-5-734002)',
      evidence: 'dynamic-access-policy-record DfltAccessPolicy / action terminate',
      fix: 'Create a DAP record for VPN phones (e.g. matching the phone connection profile) with action continue',
    };
  }
  return ok(
    'dap',
    title,
    dflt?.action === 'terminate'
      ? `DfltAccessPolicy terminates; ${continuing.map((r) => r.name).join(', ')} continue`
      : 'DfltAccessPolicy does not terminate',
  );
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
      fix: `group-policy ${name} attributes\n vpn-tunnel-protocol ssl-client\n group-lock value ${tg?.name ?? '<phone-tunnel-group>'}\n vpn-simultaneous-logins 3\n vpn-filter none`,
    };
  }
  return ok('group-policy', title, `phone group-policy ${name} allows ssl-client, no blocking inheritance`);
}

function commonPhoneProfileCheck(f: DoctorFacts): DoctorFinding {
  const title = 'Common phone profiles carry the VPN group and profile';
  const cucm = f.cucm.state;
  if (!cucm) return { check: 'common-phone-profiles', title, severity: 'warn', message: 'CUCM could not be read' };
  if (cucm.commonPhoneProfiles.length === 0) {
    return {
      check: 'common-phone-profiles',
      title,
      severity: 'blocker',
      message: `no common phone profile uses a VPN group containing gateway ${cucm.gateway.name}: no phone gets the VPN configuration`,
      fix: 'Device > Device Settings > Common Phone Profile: set VPN Group and VPN Profile; Device > Phone: assign that profile',
    };
  }
  const noProfile = cucm.commonPhoneProfiles.filter((c) => !c.vpnProfileName);
  if (noProfile.length > 0) {
    return {
      check: 'common-phone-profiles',
      title,
      severity: 'warn',
      message: `${noProfile.map((c) => c.name).join(', ')} set a VPN group but no VPN profile (enterprise VPN feature defaults apply)`,
      fix: 'Device > Device Settings > Common Phone Profile: set the VPN Profile',
    };
  }
  return ok(
    'common-phone-profiles',
    title,
    cucm.commonPhoneProfiles.map((c) => `${c.name} → ${c.vpnGroupName}/${c.vpnProfileName}`).join(', '),
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
  if (!r.match) {
    return {
      check: 'host-id',
      title,
      severity: 'blocker',
      message: `host-ID check is on and ${r.reason} (phone log: "hostIDCheck failed!!")`,
      evidence: `URL ${cucm.gateway.url}; certificate CN ${p.commonNames.join(', ')}, SAN ${p.subjectAltNames.dns.join(', ') || 'none'}`,
      fix: 'Use a certificate whose CN/SAN is the URL host (no wildcard, no IP), or clear Enable Host ID Check in the VPN profile',
    };
  }
  return ok('host-id', title, r.reason);
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
