/**
 * Certificates for the lab: the CUCM lab's own CA and Tomcat certificate, the TFTP signer for .sgn files, and
 * ASA-style identity certificates for tests (self-signed, chosen CN/OU, chosen validity). Keys come from
 * node:crypto (fast, native); node-forge assembles and signs the X.509 structure.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';

export interface LabKey {
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface LabCertificate {
  pem: string;
  key: LabKey;
}

export interface CertificateSpec {
  /** Subject attributes in certificate (ASN.1) order, e.g. [{ key: 'CN', value: 'vpn.example.com' }]. */
  subject: Array<{ key: string; value: string }>;
  notBefore?: Date;
  notAfter?: Date;
  /** Lower-case hex without sign byte; random when absent. */
  serialHex?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  isCa?: boolean;
  /** Signed by this CA; self-signed when absent. */
  issuer?: LabCertificate;
  /** Reuse a key (tests create many certificates; RSA generation is the slow part). */
  key?: LabKey;
  keyBits?: number;
}

export function generateRsaKey(bits = 2048): LabKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function randomSerialHex(): string {
  const bytes = randomBytes(8);
  bytes[0] &= 0x7f; // positive INTEGER without a sign byte
  if (bytes[0] === 0) bytes[0] = 0x11;
  return bytes.toString('hex');
}

const FORGE_SHORT_NAMES = new Set(['CN', 'C', 'L', 'ST', 'O', 'OU', 'E']);

function forgeAttributes(rdns: Array<{ key: string; value: string }>): forge.pki.CertificateField[] {
  return rdns.map(({ key, value }) => {
    if (key === 'unstructuredName') return { name: 'unstructuredName', value };
    if (FORGE_SHORT_NAMES.has(key)) return { shortName: key, value };
    return { name: key, value };
  });
}

/** Build and sign one certificate. */
export function issueCertificate(spec: CertificateSpec): LabCertificate {
  const key = spec.key ?? generateRsaKey(spec.keyBits ?? 2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(key.publicKeyPem);
  cert.serialNumber = spec.serialHex ?? randomSerialHex();
  const notBefore = spec.notBefore ?? new Date(Date.now() - 60_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = spec.notAfter ?? new Date(notBefore.getTime() + 365 * 86_400_000);
  const subject = forgeAttributes(spec.subject);
  cert.setSubject(subject);
  const issuerCert = spec.issuer ? forge.pki.certificateFromPem(spec.issuer.pem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const altNames = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(spec.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  const extensions: object[] = [{ name: 'basicConstraints', cA: spec.isCa === true, critical: spec.isCa === true }];
  if (spec.isCa)
    extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true });
  // A self-signed leaf (ASA `enrollment self`) carries no key usage, so it still verifies as its own issuer.
  else if (spec.issuer) extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true });
  extensions.push({ name: 'subjectKeyIdentifier' });
  if (!spec.isCa) extensions.push({ name: 'extKeyUsage', serverAuth: true, clientAuth: true });
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  cert.setExtensions(extensions);
  signWithNodeCrypto(cert, spec.issuer?.key ?? key);
  return { pem: forge.pki.certificateToPem(cert), key };
}

/** forge's own RSA signing is pure JavaScript (hundreds of ms); OpenSSL signs the same TBS bytes in microseconds. */
function signWithNodeCrypto(cert: forge.pki.Certificate, signer: LabKey): void {
  const sha256WithRsa = forge.pki.oids.sha256WithRSAEncryption;
  cert.signatureOid = sha256WithRsa;
  cert.siginfo.algorithmOid = sha256WithRsa;
  // getTBSCertificate exists at runtime but is missing from @types/node-forge.
  const tbs = (
    forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }
  ).getTBSCertificate(cert);
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  cert.signature = sign('sha256', der, signer.privateKeyPem).toString('binary');
}

/**
 * An ASA identity certificate as `crypto ca enroll` makes it with `enrollment self`: self-signed, the trustpoint's
 * subject-name, the FQDN in the SAN. Used by tests and demos that need "the old" and "the new" certificate.
 */
export function asaIdentityCertificate(opts: {
  cn: string;
  ou?: string;
  notBefore?: Date;
  days?: number;
  dnsNames?: string[];
  key?: LabKey;
  extraCns?: string[];
}): LabCertificate {
  const notBefore = opts.notBefore ?? new Date(Date.now() - 60_000);
  // `subject-name CN=a,CN=b,OU=x` keeps that order in the certificate; RFC 2253 prints it reversed.
  const subject = [
    { key: 'CN', value: opts.cn },
    ...(opts.extraCns ?? []).map((value) => ({ key: 'CN', value })),
    ...(opts.ou ? [{ key: 'OU', value: opts.ou }] : []),
  ];
  return issueCertificate({
    subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (opts.days ?? 365) * 86_400_000),
    dnsNames: opts.dnsNames,
    key: opts.key,
  });
}
