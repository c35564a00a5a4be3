/**
 * Real keys and certificates for the ASA lab: RSA/EC keys from Node crypto, X.509 certificates and PKCS#10
 * requests encoded with node-forge's ASN.1 and signed with Node crypto (so EC certificates work too; forge's
 * high-level API is RSA-only). Private keys never leave the lab objects that hold them.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import forge from 'node-forge';
import { derToPem, Rdn } from '../../devices/cert';

export interface LabKeyPair {
  type: 'rsa' | 'ec';
  bits: number;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo DER (what `show crypto key mypubkey` prints as Key Data). */
  spkiDer: Buffer;
}

function wrap(type: 'rsa' | 'ec', bits: number, privateKey: KeyObject): LabKeyPair {
  const publicKey = createPublicKey(privateKey);
  return { type, bits, privateKey, publicKey, spkiDer: publicKey.export({ type: 'spki', format: 'der' }) };
}

function generateRsa(bits: number): Promise<LabKeyPair> {
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: bits }, (err, _pub, priv) =>
      err ? reject(err) : resolve(wrap('rsa', bits, priv)),
    ),
  );
}

/**
 * RSA generation takes a few hundred milliseconds (like the ASA's "Please wait..."). One spare 2048-bit key is
 * generated in the background after each use; every key is still used exactly once.
 */
const spares = new Map<number, Promise<LabKeyPair>>();

export async function newRsaKey(bits = 2048): Promise<LabKeyPair> {
  const ready = spares.get(bits);
  spares.delete(bits);
  const key = await (ready ?? generateRsa(bits));
  if (bits === 2048) {
    const next = generateRsa(bits);
    next.catch(() => spares.delete(bits));
    spares.set(bits, next);
  }
  return key;
}

export function newEcKey(): LabKeyPair {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return wrap('ec', 256, privateKey);
}

export function keyPairFromPem(pem: string): LabKeyPair {
  const privateKey = createPrivateKey(pem);
  const type = privateKey.asymmetricKeyType === 'ec' ? 'ec' : 'rsa';
  const bits = type === 'ec' ? 256 : (privateKey.asymmetricKeyDetails?.modulusLength ?? 2048);
  return wrap(type, bits, privateKey);
}

// ---------------------------------------------------------------- ASN.1 helpers

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

const OIDS: Record<string, string> = {
  CN: '2.5.4.3',
  OU: '2.5.4.11',
  O: '2.5.4.10',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  C: '2.5.4.6',
  DC: '0.9.2342.19200300.100.1.25',
  emailAddress: '1.2.840.113549.1.9.1',
  unstructuredName: '1.2.840.113549.1.9.2',
  unstructuredAddress: '1.2.840.113549.1.9.8',
};

const oid = (id: string) => asn1.create(U, T.OID, false, asn1.oidToDer(id).getBytes());
const seq = (items: forge.asn1.Asn1[]) => asn1.create(U, T.SEQUENCE, true, items);
const bin = (buf: Buffer) => buf.toString('binary');
const fromDer = (buf: Buffer) => asn1.fromDer(forge.util.createBuffer(bin(buf)));
const toDerBuffer = (node: forge.asn1.Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'binary');

function stringValue(key: string, value: string): forge.asn1.Asn1 {
  if (key === 'DC' || key === 'emailAddress') return asn1.create(U, T.IA5STRING, false, value);
  if (/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) return asn1.create(U, T.PRINTABLESTRING, false, value);
  return asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(value));
}

/** A Name from RDNs in certificate (ASN.1) order. */
function name(rdns: Rdn[]): forge.asn1.Asn1 {
  return seq(
    rdns.map((r) => {
      const id = OIDS[r.key] ?? r.key;
      return asn1.create(U, T.SET, true, [seq([oid(id), stringValue(r.key, r.value)])]);
    }),
  );
}

function time(date: Date): forge.asn1.Asn1 {
  return date.getUTCFullYear() < 2050
    ? asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(U, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

function integerFromHex(hex: string): forge.asn1.Asn1 {
  let bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  if (bytes.length === 0 || bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return asn1.create(U, T.INTEGER, false, bin(bytes));
}

function extension(id: string, critical: boolean, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  const parts = [oid(id)];
  if (critical) parts.push(asn1.create(U, T.BOOLEAN, false, '\xff'));
  parts.push(asn1.create(U, T.OCTETSTRING, false, asn1.toDer(value).getBytes()));
  return seq(parts);
}

/** `self-signed` adds keyCertSign so the certificate verifies as its own issuer (as devices/cert checks). */
export type CertificateRole = 'server' | 'self-signed' | 'ca';

function extensions(role: CertificateRole, keyType: 'rsa' | 'ec', dnsNames: string[]): forge.asn1.Asn1[] {
  const list: forge.asn1.Asn1[] = [];
  if (role === 'ca') {
    list.push(extension('2.5.29.19', true, seq([asn1.create(U, T.BOOLEAN, false, '\xff')])));
    list.push(extension('2.5.29.15', true, asn1.create(U, T.BITSTRING, false, '\x01\x06')));
  } else {
    // digitalSignature + keyEncipherment for RSA key exchange; digitalSignature alone for ECDSA.
    const usage = { rsa: { server: '\x05\xa0', self: '\x02\xa4' }, ec: { server: '\x07\x80', self: '\x02\x84' } }[
      keyType
    ][role === 'self-signed' ? 'self' : 'server'];
    list.push(extension('2.5.29.15', true, asn1.create(U, T.BITSTRING, false, usage)));
    list.push(extension('2.5.29.37', false, seq([oid('1.3.6.1.5.5.7.3.1')])));
  }
  if (dnsNames.length > 0) {
    list.push(
      extension('2.5.29.17', false, seq(dnsNames.map((d) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, d)))),
    );
  }
  return list;
}

function signatureAlgorithm(signer: KeyObject): forge.asn1.Asn1 {
  return signer.asymmetricKeyType === 'ec'
    ? seq([oid('1.2.840.10045.4.3.2')])
    : seq([oid('1.2.840.113549.1.1.11'), asn1.create(U, T.NULL, false, '')]);
}

function signed(tbs: forge.asn1.Asn1, signer: KeyObject): Buffer {
  const tbsDer = toDerBuffer(tbs);
  const signature = sign('sha256', tbsDer, signer);
  return toDerBuffer(
    seq([fromDer(tbsDer), signatureAlgorithm(signer), asn1.create(U, T.BITSTRING, false, `\x00${bin(signature)}`)]),
  );
}

export interface CertificateSpec {
  /** Subject RDNs in certificate (ASN.1) order. */
  subject: Rdn[];
  /** Issuer RDNs in certificate order; the subject for a self-signed certificate. */
  issuer?: Rdn[];
  serialHex?: string;
  notBefore: Date;
  notAfter: Date;
  /** The certified public key (SPKI DER). */
  spkiDer: Buffer;
  keyType: 'rsa' | 'ec';
  /** The issuer's private key (the subject's own key for a self-signed certificate). */
  signer: KeyObject;
  dnsNames?: string[];
  role?: CertificateRole;
}

/** A random positive serial of `bytes` bytes, lower-case hex (the ASA's self-signed serials are 4 bytes). */
export function randomSerial(bytes = 4): string {
  const buf = randomBytes(bytes);
  buf[0] = (buf[0] & 0x7f) | 0x10;
  return buf.toString('hex');
}

export function buildCertificate(spec: CertificateSpec): string {
  const tbs = seq([
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(U, T.INTEGER, false, '\x02')]),
    integerFromHex(spec.serialHex ?? randomSerial()),
    signatureAlgorithm(spec.signer),
    name(spec.issuer ?? spec.subject),
    seq([time(spec.notBefore), time(spec.notAfter)]),
    name(spec.subject),
    fromDer(spec.spkiDer),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 3, true, [
      seq(extensions(spec.role ?? 'server', spec.keyType, spec.dnsNames ?? [])),
    ]),
  ]);
  return derToPem(signed(tbs, spec.signer));
}

/** A PKCS#10 request as the ASA makes it: subject, key, and an extensionRequest with key usage and the FQDN SAN. */
export function buildCsr(subject: Rdn[], key: LabKeyPair, dnsNames: string[]): string {
  const extensionRequest = seq([
    oid('1.2.840.113549.1.9.14'),
    asn1.create(U, T.SET, true, [seq(extensions('server', key.type, dnsNames))]),
  ]);
  const info = seq([
    asn1.create(U, T.INTEGER, false, '\x00'),
    name(subject),
    fromDer(key.spkiDer),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [extensionRequest]),
  ]);
  const der = signed(info, key.privateKey);
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE REQUEST-----\n${b64}\n-----END CERTIFICATE REQUEST-----\n`;
}

// ---------------------------------------------------------------- a lab CA (tests and the demo's CSR path)

export interface LabCa {
  key: LabKeyPair;
  pem: string;
  subject: Rdn[];
}

export async function createLabCa(commonName = 'certroll Lab Root CA', lifetimeDays = 3650): Promise<LabCa> {
  const key = await newRsaKey(2048);
  const subject: Rdn[] = [
    { key: 'O', value: 'certroll lab' },
    { key: 'CN', value: commonName },
  ];
  const now = Date.now();
  const pem = buildCertificate({
    subject,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + lifetimeDays * 86_400_000),
    spkiDer: key.spkiDer,
    keyType: 'rsa',
    signer: key.privateKey,
    role: 'ca',
    serialHex: randomSerial(16),
  });
  return { key, pem, subject };
}

const NAMES_BY_OID: Record<string, string> = Object.fromEntries(Object.entries(OIDS).map(([k, v]) => [v, k]));

/** Sign a PKCS#10 request with the lab CA, keeping the requested subject and DNS SANs. */
export function signCsr(ca: LabCa, csrPem: string, opts: { days?: number; notBefore?: Date } = {}): string {
  const csr = forge.pki.certificationRequestFromPem(csrPem);
  if (!csr.verify()) throw new Error('CSR signature does not verify');
  const subject: Rdn[] = csr.subject.attributes.map((a) => ({
    key: NAMES_BY_OID[a.type ?? ''] ?? a.type ?? '',
    value: String(a.value),
  }));
  const spkiDer = Buffer.from(
    asn1.toDer(forge.pki.publicKeyToAsn1(csr.publicKey as forge.pki.rsa.PublicKey)).getBytes(),
    'binary',
  );
  const ext = (
    csr.getAttribute({ name: 'extensionRequest' }) as {
      extensions?: { name: string; altNames?: { type: number; value: string }[] }[];
    } | null
  )?.extensions;
  const dnsNames = (ext?.find((e) => e.name === 'subjectAltName')?.altNames ?? [])
    .filter((n) => n.type === 2)
    .map((n) => n.value);
  const notBefore = opts.notBefore ?? new Date(Date.now() - 60_000);
  return buildCertificate({
    subject,
    issuer: ca.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (opts.days ?? 397) * 86_400_000),
    spkiDer,
    keyType: 'rsa',
    signer: ca.key.privateKey,
    dnsNames,
    serialHex: randomSerial(16),
  });
}
