/**
 * Phone-VPN-trust naming rules, shared by the activities (to see a collision coming) and the lab (to enforce it).
 * CUCM keeps one trust certificate per name and derives the file name from the CN (Cisco 210541; 14SU2 Security
 * Guide): a newer certificate with the same name silently replaces the old one (CSCuh19734), an older one is refused.
 * Which CN CUCM uses when a subject has several is not documented [I]: we take the first CN of the stored RFC 2253
 * subject (the most specific one), consistently everywhere.
 */
import { CertInfo, parseCertificate } from '../cert';

/** A Phone-VPN-trust certificate as readCucmState reports it. */
export interface CucmTrustEntry {
  /** RFC 2253, as CUCM stores subjectname. */
  subjectName: string;
  issuerName: string;
  /** Lower-case hex. */
  serialNumber: string;
  /** base64 SHA-1 of the DER: the certHash phones receive. */
  sha1Base64: string;
  notBefore?: string;
  notAfter?: string;
  /** The CN CUCM names the entry by. */
  commonName?: string;
  /** The store's file name (`<CN>.pem`). */
  certificateName?: string;
}

/** The CN CUCM keys a trust entry by: the first CN in RFC 2253 (most-specific-first) order. */
export function trustCommonName(subject: CertInfo['subject']): string | undefined {
  return [...subject.rdns].reverse().find((r) => r.key === 'CN')?.value;
}

/** `<CN>.pem` with characters a file name cannot hold replaced (no CN: the serial). */
export function trustCertificateName(cert: Pick<CertInfo, 'subject' | 'serialHex'>): string {
  const base = trustCommonName(cert.subject) ?? cert.serialHex;
  return `${base.replace(/[^A-Za-z0-9._()*-]/g, '_')}.pem`;
}

export function trustEntryOf(cert: CertInfo, certificateName?: string): CucmTrustEntry {
  return {
    subjectName: cert.subject.rfc2253,
    issuerName: cert.issuer.rfc2253,
    serialNumber: cert.serialHex,
    sha1Base64: cert.sha1Base64,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    commonName: trustCommonName(cert.subject),
    certificateName: certificateName ?? trustCertificateName(cert),
  };
}

export interface TrustOverwrite {
  /** The entry that shares the new certificate's name. */
  existing: CucmTrustEntry;
  commonName: string;
  /** What CUCM would do with the upload: replace the old certificate (newer notBefore) or refuse it. */
  cucmWould: 'replace' | 'refuse' | 'replace-or-refuse';
  message: string;
}

function nameKey(entry: CucmTrustEntry): string | undefined {
  const cn = entry.commonName ?? /(?:^|,)CN=((?:\\.|[^,])*)/.exec(entry.subjectName)?.[1]?.replace(/\\(.)/g, '$1');
  return cn?.toLowerCase();
}

/**
 * Would uploading `newCert` replace (or be refused because of) a different Phone-VPN-trust certificate with the same
 * name? Pure: the plan phase calls it with readCucmState's trust list before anything is touched.
 */
export function trustOverwriteRisk(trust: CucmTrustEntry[], newCert: string | CertInfo): TrustOverwrite | undefined {
  const cert = typeof newCert === 'string' ? parseCertificate(newCert) : newCert;
  const cn = trustCommonName(cert.subject);
  if (!cn) return undefined;
  const existing = trust.find((t) => t.sha1Base64 !== cert.sha1Base64 && nameKey(t) === cn.toLowerCase());
  if (!existing) return undefined;
  const cucmWould = !existing.notBefore
    ? 'replace-or-refuse'
    : Date.parse(cert.notBefore) > Date.parse(existing.notBefore)
      ? 'replace'
      : 'refuse';
  const consequence =
    cucmWould === 'refuse'
      ? 'CUCM would refuse it (the existing one is not older)'
      : 'CUCM would silently replace the old certificate (CSCuh19734), dropping its hash from phone configs before the ASA switches';
  return {
    existing,
    commonName: cn,
    cucmWould,
    message: `Phone-VPN-trust already holds a different certificate named "${cn}" (serial ${existing.serialNumber}, certHash ${existing.sha1Base64}): ${consequence}. Give the new certificate a different CN (keep the FQDN in the SAN).`,
  };
}
