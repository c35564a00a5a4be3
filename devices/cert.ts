/**
 * Certificate facts in every form the rollover compares: the phone's certHash (base64 SHA-1 of the DER), the
 * browser's colon-hex fingerprint, CUCM's RFC 2253 issuer string and lower-hex serial, the ASA's `cn=` lines.
 * Pure functions; shared by devices/, activities/ and the lab.
 */
import { createHash, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { InvalidInput } from './errors';

export interface Rdn {
  /** Short name as OpenSSL prints it (CN, OU, O, L, ST, C, emailAddress, unstructuredName…) or the dotted OID. */
  key: string;
  value: string;
}

export interface DistinguishedName {
  /** Attributes in certificate (ASN.1) order, multi-valued RDNs flattened. */
  rdns: Rdn[];
  /** RFC 2253, reverse order, as CUCM stores issuername/subjectname and `openssl -nameopt RFC2253` prints. */
  rfc2253: string;
  /** OpenSSL's default one-line form: `C = US, O = Example, CN = vpn.example.com`. */
  openssl: string;
  /** What `show crypto ca certificates` prints: one `cn=value` line per attribute, most specific first. */
  asaLines: string[];
}

export interface CertHashes {
  /** SHA-1 as browsers show it: upper-case hex pairs joined by colons. */
  sha1Hex: string;
  /** base64 SHA-1 of the DER: the `certHashN` value in a phone's config and CUCM's certificatehashmap.hash. */
  sha1Base64: string;
  sha256Hex: string;
}

export interface CertInfo extends CertHashes {
  pem: string;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  /** Serial in lower-case hex without separators or sign byte, as CUCM's DB and AXL store it. */
  serialHex: string;
  serialDecimal: string;
  notBefore: string;
  notAfter: string;
  keyType: 'RSA' | 'EC' | 'DSA' | 'Ed25519' | 'other';
  keyBits: number | undefined;
  subjectAltNames: { dns: string[]; ip: string[] };
  commonNames: string[];
  selfSigned: boolean;
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '1.2.840.113549.1.9.2': 'unstructuredName',
  '1.2.840.113549.1.9.8': 'unstructuredAddress',
};

/** How the ASA names each attribute in `show crypto ca certificates` (lower case; see domain.md §1.6). */
const ASA_NAMES: Record<string, string> = {
  CN: 'cn',
  OU: 'ou',
  O: 'o',
  L: 'l',
  ST: 'st',
  C: 'c',
  emailAddress: 'ea',
  unstructuredName: 'hostname',
  unstructuredAddress: 'ipaddress',
  serialNumber: 'serialnumber',
};

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** Accept PEM text (first certificate) or DER bytes; return the DER. */
export function toDer(input: string | Buffer): Buffer {
  if (Buffer.isBuffer(input)) {
    const text = input.toString('latin1');
    if (text.includes('-----BEGIN CERTIFICATE-----')) return toDer(text);
    return input;
  }
  const m = PEM_BLOCK.exec(input);
  if (!m) throw new InvalidInput('not a PEM certificate: no BEGIN/END CERTIFICATE block');
  const body = m[0].replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new InvalidInput('not a PEM certificate: body is not base64');
  return Buffer.from(body, 'base64');
}

export function derToPem(der: Buffer): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** Every PEM certificate block in a text, in order (chains, ASA output with several certificates). */
export function splitPemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((p) => `${p}\n`) ?? [];
}

export function hashesOfDer(der: Buffer): CertHashes {
  const sha1 = createHash('sha1').update(der).digest();
  return {
    sha1Hex: colonHex(sha1),
    sha1Base64: sha1.toString('base64'),
    sha256Hex: colonHex(createHash('sha256').update(der).digest()),
  };
}

function colonHex(buf: Buffer): string {
  return buf.toString('hex').toUpperCase().match(/../g)!.join(':');
}

function escapeRfc2253(value: string): string {
  let out = value.replace(/([,+"\\<>;])/g, '\\$1');
  if (/^[ #]/.test(out)) out = `\\${out}`;
  if (/ $/.test(out)) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function asn1String(node: forge.asn1.Asn1): string {
  const raw = node.value as string;
  switch (node.type) {
    case forge.asn1.Type.UTF8:
      return forge.util.decodeUtf8(raw);
    case forge.asn1.Type.BMPSTRING: {
      let s = '';
      for (let i = 0; i + 1 < raw.length; i += 2)
        s += String.fromCharCode((raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1));
      return s;
    }
    default:
      return raw;
  }
}

function parseName(seq: forge.asn1.Asn1): Rdn[] {
  const rdns: Rdn[] = [];
  for (const set of seq.value as forge.asn1.Asn1[]) {
    for (const atv of set.value as forge.asn1.Asn1[]) {
      const [oidNode, valueNode] = atv.value as forge.asn1.Asn1[];
      const oid = forge.asn1.derToOid(oidNode.value as string);
      rdns.push({ key: SHORT_NAMES[oid] ?? oid, value: asn1String(valueNode) });
    }
  }
  return rdns;
}

export function describeName(rdns: Rdn[]): DistinguishedName {
  return {
    rdns,
    rfc2253: [...rdns]
      .reverse()
      .map((r) => `${r.key}=${escapeRfc2253(r.value)}`)
      .join(','),
    openssl: rdns.map((r) => `${r.key} = ${r.value}`).join(', '),
    asaLines: [...rdns].reverse().map((r) => `${ASA_NAMES[r.key] ?? r.key.toLowerCase()}=${r.value}`),
  };
}

/** Issuer, serial and subject straight from the DER, for any key type (node-forge's high level API is RSA-only). */
function parseTbs(der: Buffer): { issuer: Rdn[]; subject: Rdn[]; serialHex: string } {
  const cert = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  const tbs = (cert.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
  // An explicit [0] version tag is optional (v1 certificates omit it).
  const offset = tbs[0].tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const serialBytes = Buffer.from(tbs[offset].value as string, 'binary');
  let hex = serialBytes.toString('hex').replace(/^(00)+(?=.)/, '');
  if (hex === '') hex = '0';
  return { serialHex: hex, issuer: parseName(tbs[offset + 2]), subject: parseName(tbs[offset + 4]) };
}

function parseAltNames(x509: X509Certificate): { dns: string[]; ip: string[] } {
  const dns: string[] = [];
  const ip: string[] = [];
  for (const part of (x509.subjectAltName ?? '').split(/,\s*/)) {
    const m = /^(DNS|IP Address):(.+)$/.exec(part.trim());
    if (m?.[1] === 'DNS') dns.push(m[2]);
    if (m?.[1] === 'IP Address') ip.push(m[2]);
  }
  return { dns, ip };
}

function keyFacts(x509: X509Certificate): { keyType: CertInfo['keyType']; keyBits: number | undefined } {
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { keyType: 'RSA', keyBits: details.modulusLength };
    case 'ec': {
      const curveBits: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };
      return { keyType: 'EC', keyBits: curveBits[details.namedCurve ?? ''] };
    }
    case 'dsa':
      return { keyType: 'DSA', keyBits: details.modulusLength };
    case 'ed25519':
      return { keyType: 'Ed25519', keyBits: 256 };
    default:
      return { keyType: 'other', keyBits: undefined };
  }
}

/** Parse a certificate given as PEM text or DER bytes. Throws InvalidInput when it is not one. */
export function parseCertificate(input: string | Buffer): CertInfo {
  const der = toDer(input);
  let x509: X509Certificate;
  let tbs: ReturnType<typeof parseTbs>;
  try {
    x509 = new X509Certificate(der);
    tbs = parseTbs(der);
  } catch (err) {
    throw new InvalidInput(`not a valid X.509 certificate: ${(err as Error).message}`);
  }
  const subject = describeName(tbs.subject);
  const issuer = describeName(tbs.issuer);
  return {
    pem: derToPem(der),
    ...hashesOfDer(der),
    subject,
    issuer,
    serialHex: tbs.serialHex,
    serialDecimal: BigInt(`0x${tbs.serialHex}`).toString(10),
    notBefore: new Date(x509.validFrom).toISOString(),
    notAfter: new Date(x509.validTo).toISOString(),
    ...keyFacts(x509),
    subjectAltNames: parseAltNames(x509),
    commonNames: tbs.subject.filter((r) => r.key === 'CN').map((r) => r.value),
    selfSigned: subject.rfc2253 === issuer.rfc2253 && x509.checkIssued(x509),
  };
}

/** Serials compare as numbers: `00fa91…` (ASA) and `fa91…` (CUCM) are the same certificate serial. */
export function sameSerial(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^0-9a-f]/g, '')
      .replace(/^0+(?=.)/, '');
  return norm(a) === norm(b);
}

export type HashForm = 'hex' | 'base64';

/**
 * Convert a SHA-1 given in either form (colon/space/plain hex, or base64) to both: the seed's "decode the hash"
 * step. Throws InvalidInput when the text is neither a 20-byte hex nor a 20-byte base64 value.
 */
export function sha1Forms(text: string): { sha1Hex: string; sha1Base64: string; input: HashForm } {
  const trimmed = text.trim();
  const hex = trimmed.replace(/[:\s-]/g, '');
  if (/^[0-9a-fA-F]{40}$/.test(hex)) {
    const buf = Buffer.from(hex, 'hex');
    return { sha1Hex: colonHex(buf), sha1Base64: buf.toString('base64'), input: 'hex' };
  }
  if (/^[A-Za-z0-9+/]{27}=$/.test(trimmed)) {
    const buf = Buffer.from(trimmed, 'base64');
    if (buf.length === 20) return { sha1Hex: colonHex(buf), sha1Base64: buf.toString('base64'), input: 'base64' };
  }
  throw new InvalidInput('not a SHA-1 hash: expected 40 hex digits (colons allowed) or 28 base64 characters');
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export interface HostIdResult {
  match: boolean;
  reason: string;
}

/**
 * The phone's host-ID check (VPN profile "Enable Host ID Check"): the URL host must be an FQDN equal to a CN or
 * a DNS SAN of the presented certificate. Wildcards never match ("Generic third level wildcards are not allowed")
 * and an IP-address URL always fails (Cisco 115785; seed phone log "hostIDCheck failed!!").
 */
export function hostIdMatches(urlHost: string, cert: Pick<CertInfo, 'commonNames' | 'subjectAltNames'>): HostIdResult {
  const host = urlHost.toLowerCase().replace(/\.$/, '');
  if (IPV4.test(host) || host.includes(':')) {
    return { match: false, reason: `URL host ${urlHost} is an IP address; host-ID check needs an FQDN` };
  }
  const names = [...cert.commonNames, ...cert.subjectAltNames.dns].map((n) => n.toLowerCase().replace(/\.$/, ''));
  if (names.includes(host)) return { match: true, reason: `${urlHost} matches the certificate's CN/SAN` };
  if (names.some((n) => n.startsWith('*.') && host.endsWith(n.slice(1)))) {
    return { match: false, reason: `only a wildcard name covers ${urlHost}; phones refuse wildcards` };
  }
  return { match: false, reason: `${urlHost} is not among the certificate's CN/SAN (${names.join(', ') || 'none'})` };
}

/** The facts of a certificate the rollover stores and compares: every hash form, names, serial, validity, key. */
export interface CertificateFacts {
  pem: string;
  sha1Base64: string;
  sha1Hex: string;
  sha256Hex: string;
  serialHex: string;
  serialDecimal: string;
  issuerRfc2253: string;
  subjectRfc2253: string;
  commonNames: string[];
  subjectAltNames: { dns: string[]; ip: string[] };
  notBefore: string;
  notAfter: string;
  keyType: CertInfo['keyType'];
  keyBits?: number;
  selfSigned: boolean;
}

export function certificateFacts(info: CertInfo): CertificateFacts {
  const facts: CertificateFacts = {
    pem: info.pem,
    sha1Base64: info.sha1Base64,
    sha1Hex: info.sha1Hex,
    sha256Hex: info.sha256Hex,
    serialHex: info.serialHex,
    serialDecimal: info.serialDecimal,
    issuerRfc2253: info.issuer.rfc2253,
    subjectRfc2253: info.subject.rfc2253,
    commonNames: info.commonNames,
    subjectAltNames: info.subjectAltNames,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    keyType: info.keyType,
    selfSigned: info.selfSigned,
  };
  if (info.keyBits !== undefined) facts.keyBits = info.keyBits;
  return facts;
}
