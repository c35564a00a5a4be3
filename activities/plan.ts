/**
 * The rollover plan: read-only facts gathered by the device activities, judged here into findings
 * (blocker / warn / info). Blockers make the plan gate refuse approval. Pure; runs on the workflow's task queue.
 */
import { hostIdMatches } from '../devices/cert';
import type { CertSummary, Finding } from '../workflows/rollover-types';

export interface ProbeFacts {
  sha1Base64?: string;
  keyType?: string;
  subjectRfc2253?: string;
  error?: string;
}

export interface PlanFacts {
  now: string;
  asa: {
    name: string;
    version?: string;
    phoneLicenseEnabled?: boolean;
    phoneLicenseLine?: string;
    iface: string;
    boundTrustpoint?: string;
    trustpoints: string[];
    keyLabels: string[];
    phoneCiphersEnabled?: boolean;
    loadBalancing?: boolean;
  };
  oldCert?: CertSummary & { keyType?: string };
  phoneProbe: ProbeFacts;
  ecProbe: ProbeFacts;
  cucm: {
    gatewayUrl: string;
    gatewayCertificates: Array<{ issuerName: string; serialNumber: string; sha1Base64?: string }>;
    trust: Array<{
      subjectName: string;
      issuerName: string;
      serialNumber: string;
      sha1Base64: string;
      commonName?: string;
    }>;
    hostIdCheck?: boolean;
    authMethod?: string;
    commonPhoneProfiles: string[];
  };
  inScope: number;
  sample: { checked: number; verified: number; detail: string };
  requested: { subjectName?: string; fqdn?: string; certificateMode: 'self-signed' | 'csr' };
  /** The trustpoint name the workflow chose (deterministic for this run). */
  trustpoint: string;
}

export interface PlanResult {
  findings: Finding[];
  subjectName: string;
  fqdn: string;
  vpnUrlHost: string;
  blockers: string[];
}

const MAX_GATEWAY_CERTIFICATES = 10;
const DAY_MS = 86_400_000;
const PHONE_CIPHER_FIX = 'ssl cipher tlsv1.2 custom "AES256-SHA:AES128-SHA:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA"';

/** `CN=a,CN=b,OU=x` → ['a','b'] (quoted values unquoted). */
export function commonNamesOf(subjectName: string): string[] {
  const names: string[] = [];
  const re = /(?:^|,)\s*CN=("([^"]*)"|[^,]*)/gi;
  for (let m = re.exec(subjectName); m; m = re.exec(subjectName)) names.push((m[2] ?? m[1]).trim());
  return names;
}

function versionAtLeast(version: string | undefined, major: number, minor: number, maint: number): boolean {
  const m = /^(\d+)\.(\d+)\((\d+)/.exec(version ?? '');
  if (!m) return false;
  const v = [Number(m[1]), Number(m[2]), Number(m[3])];
  const want = [major, minor, maint];
  for (let i = 0; i < 3; i++) if (v[i] !== want[i]) return v[i] > want[i];
  return true;
}

function urlHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function yyyymmdd(iso: string): string {
  return iso.slice(0, 10).replace(/-/g, '');
}

/**
 * A new subject whose CN differs from every Phone-VPN-trust entry (CUCM keys trust certificates by CN: a same-CN
 * upload would replace the old certificate, CSCuh19734) while the FQDN stays in the SAN for the host-ID check.
 */
export function defaultSubjectName(host: string, now: string): string {
  return `CN=${host}-${yyyymmdd(now)},OU=PhoneVPN`;
}

function licenceFindings(f: PlanFacts): Finding[] {
  if (f.asa.phoneLicenseEnabled === false) {
    return [
      {
        check: 'asa-phone-licence',
        severity: 'blocker',
        message: `ASA ${f.asa.name} has no AnyConnect for Cisco VPN Phone licence`,
        evidence: f.asa.phoneLicenseLine,
        fix: 'Install the "AnyConnect for Cisco VPN Phone" licence (8.0: "AnyConnect for Linksys phone") and AnyConnect Premium peers',
      },
    ];
  }
  return [
    {
      check: 'asa-phone-licence',
      severity: 'ok',
      message: 'VPN phone licence present',
      evidence: f.asa.phoneLicenseLine,
    },
  ];
}

function currentCertificateFindings(f: PlanFacts): Finding[] {
  const out: Finding[] = [];
  if (!f.asa.boundTrustpoint || !f.oldCert) {
    out.push({
      check: 'current-trustpoint',
      severity: 'blocker',
      message: `no trustpoint is bound to interface ${f.asa.iface}: nothing to roll over from`,
      fix: `ssl trust-point <trustpoint> ${f.asa.iface}`,
    });
    return out;
  }
  const left = Date.parse(f.oldCert.notAfter) - Date.parse(f.now);
  if (left <= 0) {
    out.push({
      check: 'current-certificate-expiry',
      severity: 'blocker',
      message: `the certificate on ${f.asa.iface} expired ${f.oldCert.notAfter}: phones cannot build the tunnel to fetch a new config`,
      fix: 'Point the phones at a reachable alternate TFTP server (seed: "Alternate TFTP"), then roll over',
    });
  } else {
    out.push({
      check: 'current-certificate-expiry',
      severity: left < 7 * DAY_MS ? 'warn' : 'info',
      message: `current certificate (trustpoint ${f.asa.boundTrustpoint}) expires ${f.oldCert.notAfter}, in ${Math.floor(left / DAY_MS)} days; the switch must happen before then`,
      evidence: `${f.oldCert.subjectRfc2253} serial ${f.oldCert.serialHex} SHA-1 ${f.oldCert.sha1Hex}`,
    });
  }
  return out;
}

function probeFindings(f: PlanFacts): Finding[] {
  const out: Finding[] = [];
  if (f.phoneProbe.error || !f.phoneProbe.sha1Base64) {
    out.push({
      check: 'phone-ciphers',
      severity: 'blocker',
      message: `a TLS handshake offering only the phone ciphers (AES256-SHA, AES128-SHA) failed: ${f.phoneProbe.error ?? 'no certificate'}`,
      fix: PHONE_CIPHER_FIX,
    });
    return out;
  }
  out.push({
    check: 'phone-ciphers',
    severity: 'ok',
    message: 'the ASA accepts the phone ciphers (AES256-SHA/AES128-SHA)',
  });
  if (f.oldCert && f.phoneProbe.sha1Base64 !== f.oldCert.sha1Base64) {
    out.push({
      check: 'presented-certificate',
      severity: 'warn',
      message: `phones are shown a certificate (${f.phoneProbe.sha1Base64}) that is not trustpoint ${f.asa.boundTrustpoint}'s (${f.oldCert.sha1Base64})`,
    });
  }
  const listed = new Set(f.cucm.gatewayCertificates.map((c) => c.sha1Base64).filter(Boolean));
  if (listed.size > 0 && !listed.has(f.phoneProbe.sha1Base64)) {
    out.push({
      check: 'drift',
      severity: 'warn',
      message: `the ASA presents ${f.phoneProbe.sha1Base64}, which VPN gateway does not list: phones are probably failing today`,
    });
  }
  const ecDiffers = f.ecProbe.sha1Base64 && f.ecProbe.sha1Base64 !== f.phoneProbe.sha1Base64;
  if (ecDiffers && versionAtLeast(f.asa.version, 9, 4, 1)) {
    out.push({
      check: 'ecdsa-certificate',
      severity: 'warn',
      message: `EC-capable clients are shown a different (${f.ecProbe.keyType ?? 'EC'}) certificate: newer phones will fail the hash check`,
      evidence: `EC client saw ${f.ecProbe.sha1Base64}, phone ciphers saw ${f.phoneProbe.sha1Base64}`,
      fix: PHONE_CIPHER_FIX,
    });
  }
  return out;
}

function gatewayFindings(f: PlanFacts): Finding[] {
  const count = f.cucm.gatewayCertificates.length;
  if (count >= MAX_GATEWAY_CERTIFICATES) {
    return [
      {
        check: 'gateway-capacity',
        severity: 'blocker',
        message: `the VPN gateway already lists ${count} certificates, CUCM's maximum: remove an unused one first`,
        fix: 'CUCM Administration > Advanced Features > VPN > VPN Gateway: move an unused certificate out',
      },
    ];
  }
  return [
    {
      check: 'gateway-capacity',
      severity: 'ok',
      message: `the VPN gateway lists ${count} certificate(s); room for the new one`,
    },
  ];
}

function sameCnFindings(f: PlanFacts, subjectName: string): Finding[] {
  const newCns = commonNamesOf(subjectName).map((c) => c.toLowerCase());
  const clash = f.cucm.trust.filter((t) => {
    const cn = (t.commonName ?? commonNamesOf(t.subjectName)[0] ?? '').toLowerCase();
    return cn !== '' && newCns.includes(cn);
  });
  if (clash.length > 0) {
    return [
      {
        check: 'same-cn-overwrite',
        severity: 'blocker',
        message: `the new certificate's CN (${newCns.join(', ')}) equals that of Phone-VPN-trust certificate(s) ${clash.map((c) => c.sha1Base64).join(', ')}: uploading it would replace the old one (CSCuh19734) and strand phones before the switch`,
        evidence: clash.map((c) => c.subjectName).join('; '),
        fix: 'Choose a subject whose CN differs (keep the FQDN in the SAN via --fqdn), e.g. the default CN=<host>-<date>',
      },
    ];
  }
  return [{ check: 'same-cn-overwrite', severity: 'ok', message: 'no Phone-VPN-trust certificate shares the new CN' }];
}

function hostIdFindings(f: PlanFacts, subjectName: string, fqdn: string, host: string): Finding[] {
  if (!f.cucm.hostIdCheck) {
    return [{ check: 'host-id-check', severity: 'info', message: 'host-ID check is off in the VPN profile' }];
  }
  const result = hostIdMatches(host, {
    commonNames: commonNamesOf(subjectName),
    subjectAltNames: { dns: [fqdn], ip: [] },
  });
  return [
    {
      check: 'host-id-check',
      severity: result.match ? 'ok' : 'blocker',
      message: `host-ID check is on; new certificate: ${result.reason}`,
      evidence: `URL ${f.cucm.gatewayUrl}, subject ${subjectName}, SAN DNS:${fqdn}`,
      fix: result.match ? undefined : `Use the URL host ${host} as CN or --fqdn (SAN), never a wildcard or an IP`,
    },
  ];
}

function scopeFindings(f: PlanFacts): Finding[] {
  const out: Finding[] = [];
  out.push({
    check: 'phones-in-scope',
    severity: f.inScope === 0 ? 'warn' : 'info',
    message: `${f.inScope} phone(s) in scope through common phone profile(s) ${f.cucm.commonPhoneProfiles.join(', ') || '(none)'}`,
  });
  if (f.sample.checked > 0) {
    out.push({
      check: 'sample-configs',
      severity: f.sample.verified === f.sample.checked ? 'ok' : 'warn',
      message: `${f.sample.verified} of ${f.sample.checked} sampled phone configs carry today's certificate hash`,
      evidence: f.sample.detail,
    });
  }
  if (f.cucm.authMethod && f.cucm.authMethod !== 'Certificate') {
    out.push({
      check: 'auth-method',
      severity: 'warn',
      message: `the VPN profile authenticates with "${f.cucm.authMethod}": after Apply Config those phones wait for a user to log in again`,
    });
  }
  if (f.asa.loadBalancing) {
    out.push({
      check: 'load-balancing',
      severity: 'warn',
      message: 'VPN load balancing is enabled on the ASA: it is not supported for VPN phones',
      fix: 'no vpn load-balancing (or exclude the phone tunnel group)',
    });
  }
  return out;
}

function rootCaFindings(f: PlanFacts): Finding[] {
  if (!f.oldCert) return [];
  const issuerTrusted = f.cucm.trust.some(
    (t) => t.subjectName === f.oldCert!.issuerRfc2253 && t.sha1Base64 !== f.oldCert!.sha1Base64,
  );
  if (issuerTrusted && f.oldCert.issuerRfc2253 !== f.oldCert.subjectRfc2253) {
    return [
      {
        check: 'root-ca-trust',
        severity: 'info',
        message: `Phone-VPN-trust holds the issuing CA (${f.oldCert.issuerRfc2253}): a renewal signed by the same CA needs no CUCM change`,
      },
    ];
  }
  return [];
}

/** Judge the plan: findings plus the subject and FQDN the new certificate will carry. */
export function assessRolloverPlan(f: PlanFacts): PlanResult {
  const host = urlHost(f.cucm.gatewayUrl);
  const fqdn = f.requested.fqdn ?? host;
  const subjectName = f.requested.subjectName ?? defaultSubjectName(host || f.asa.name, f.now);
  const findings: Finding[] = [
    ...licenceFindings(f),
    ...currentCertificateFindings(f),
    ...probeFindings(f),
    ...gatewayFindings(f),
    ...sameCnFindings(f, subjectName),
    ...hostIdFindings(f, subjectName, fqdn, host),
    ...scopeFindings(f),
    ...rootCaFindings(f),
    {
      check: 'new-certificate',
      severity: 'info',
      message: `new trustpoint ${f.trustpoint} (${f.requested.certificateMode}), subject ${subjectName}, FQDN/SAN ${fqdn}, RSA 2048`,
    },
  ];
  return {
    findings,
    subjectName,
    fqdn,
    vpnUrlHost: host,
    blockers: findings.filter((x) => x.severity === 'blocker').map((x) => x.message),
  };
}

export function createPlanActivities() {
  return {
    async assessRolloverPlan(facts: PlanFacts): Promise<PlanResult> {
      return assessRolloverPlan(facts);
    },
  };
}

export type PlanActivities = ReturnType<typeof createPlanActivities>;
