/**
 * Cisco `.sgn` signed files (`SEP<MAC>.cnf.xml.sgn`, domain.md §5.4): a binary TLV header, then the unchanged
 * payload starting at the offset given by the header-length field. Each TLV is a 1-byte tag and a 2-byte
 * big-endian length; tags 3, 7 and 9 only group the TLVs that follow, and padding (13) is a bare byte.
 * The reader never needs the signature: the verifier only reads the payload. The writer exists so the lab and
 * tests can produce files with the real layout, signed with RSA PKCS#1 v1.5 over the file minus the signature TLV.
 */
import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { parseCertificate } from './cert';
import { InvalidInput } from './errors';

const TAG = {
  version: 1,
  headerLength: 2,
  signerId: 3,
  signerName: 4,
  serialNumber: 5,
  caName: 6,
  signatureInfo: 7,
  digestAlgorithm: 8,
  signatureAlgorithmInfo: 9,
  signatureAlgorithm: 10,
  signatureModulus: 11,
  signature: 12,
  padding: 13,
  fileName: 14,
  timestamp: 15,
} as const;

const GROUPING_TAGS = new Set<number>([TAG.signerId, TAG.signatureInfo, TAG.signatureAlgorithmInfo]);
const DIGESTS: Record<number, 'sha1' | 'sha256' | 'sha512'> = { 1: 'sha1', 2: 'sha256', 3: 'sha512' };

export interface SgnHeader {
  version: string;
  headerLength: number;
  signerName?: string;
  /** Signer certificate serial, lower-case hex. */
  serialHex?: string;
  caName?: string;
  digest?: 'sha1' | 'sha256' | 'sha512' | `unknown(${number})`;
  signatureBytes?: number;
  fileName?: string;
  timestamp?: string;
}

export class SgnFormatError extends InvalidInput {}

/** True when the bytes start like a `.sgn` header (tag 1, length 2) rather than XML text. */
export function looksLikeSgn(buf: Buffer): boolean {
  return buf.length >= 8 && buf[0] === TAG.version && buf[1] === 0 && buf[2] === 2;
}

function cString(value: Buffer): string {
  const end = value.indexOf(0);
  return value.toString('utf8', 0, end < 0 ? value.length : end);
}

function readTlvHeaderFields(buf: Buffer, header: SgnHeader): void {
  let pos = 10; // after version (3 + 2 bytes) and header length (3 + 2 bytes)
  while (pos < header.headerLength) {
    const tag = buf[pos];
    pos += 1;
    if (tag === TAG.padding) continue;
    if (pos + 2 > header.headerLength) throw new SgnFormatError(`.sgn header: TLV ${tag} truncated`);
    const length = buf.readUInt16BE(pos);
    pos += 2;
    if (GROUPING_TAGS.has(tag)) continue;
    if (pos + length > header.headerLength) throw new SgnFormatError(`.sgn header: TLV ${tag} runs past the header`);
    const value = buf.subarray(pos, pos + length);
    pos += length;
    applyField(header, tag, value);
  }
}

function applyField(header: SgnHeader, tag: number, value: Buffer): void {
  switch (tag) {
    case TAG.signerName:
      header.signerName = cString(value);
      break;
    case TAG.serialNumber:
      header.serialHex = value.toString('hex');
      break;
    case TAG.caName:
      header.caName = cString(value);
      break;
    case TAG.digestAlgorithm:
      header.digest = DIGESTS[value[0]] ?? `unknown(${value[0]})`;
      break;
    case TAG.signature:
      header.signatureBytes = value.length;
      break;
    case TAG.fileName:
      header.fileName = cString(value);
      break;
    case TAG.timestamp:
      if (value.length === 4) header.timestamp = new Date(value.readUInt32BE(0) * 1000).toISOString();
      break;
    default:
      // Unknown tags are skipped by their length: newer CUCM releases may add fields.
      break;
  }
}

/** Split a `.sgn` file into its header fields and payload. Throws SgnFormatError when the header is broken. */
export function readSgnFile(buf: Buffer): { header: SgnHeader; payload: Buffer } {
  if (!looksLikeSgn(buf)) throw new SgnFormatError('.sgn header: does not start with the version TLV');
  if (buf[5] !== TAG.headerLength || buf.readUInt16BE(6) !== 2) {
    throw new SgnFormatError('.sgn header: second TLV is not the header length');
  }
  const header: SgnHeader = { version: `${buf[3]}.${buf[4]}`, headerLength: buf.readUInt16BE(8) };
  if (header.headerLength < 10 || header.headerLength > buf.length) {
    throw new SgnFormatError(
      `.sgn header: header length ${header.headerLength} does not fit a ${buf.length}-byte file`,
    );
  }
  readTlvHeaderFields(buf, header);
  return { header, payload: buf.subarray(header.headerLength) };
}

function tlv(tag: number, value: Buffer): Buffer {
  const head = Buffer.alloc(3);
  head[0] = tag;
  head.writeUInt16BE(value.length, 1);
  return Buffer.concat([head, value]);
}

function groupHeader(tag: number, length: number): Buffer {
  const head = Buffer.alloc(3);
  head[0] = tag;
  head.writeUInt16BE(length, 1);
  return head;
}

const SIGNER_KEYS = new Set(['CN', 'O', 'OU', 'L', 'ST', 'C']);

function nameForSgn(rdns: { key: string; value: string }[]): Buffer {
  const text = rdns
    .filter((r) => SIGNER_KEYS.has(r.key))
    .map((r) => `${r.key}=${r.value}`)
    .join(';');
  return Buffer.from(`${text}\0`, 'utf8');
}

export interface SgnSigner {
  certificatePem: string;
  privateKey: KeyObject | string;
}

/** Build a `.sgn` file around a payload, as CUCM's TFTP service does with its TFTP/CallManager certificate. */
export function buildSgnFile(opts: {
  payload: Buffer;
  fileName: string;
  signer: SgnSigner;
  digest?: 'sha1' | 'sha256';
  at?: Date;
}): Buffer {
  const cert = parseCertificate(opts.signer.certificatePem);
  const key =
    typeof opts.signer.privateKey === 'string' ? createPrivateKey(opts.signer.privateKey) : opts.signer.privateKey;
  const modulusBytes = (key.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  const modulusIndex = [64, 128, 256, 512].indexOf(modulusBytes);
  if (key.asymmetricKeyType !== 'rsa' || modulusIndex < 0)
    throw new InvalidInput('.sgn signing needs an RSA key of 512-4096 bits');
  const digest = opts.digest ?? 'sha1';

  const signerFields = Buffer.concat([
    tlv(TAG.signerName, nameForSgn(cert.subject.rdns)),
    tlv(TAG.serialNumber, Buffer.from(cert.serialHex.length % 2 ? `0${cert.serialHex}` : cert.serialHex, 'hex')),
    tlv(TAG.caName, nameForSgn(cert.issuer.rdns)),
  ]);
  const digestField = tlv(TAG.digestAlgorithm, Buffer.from([digest === 'sha1' ? 1 : 2]));
  const algorithmFields = Buffer.concat([
    tlv(TAG.signatureAlgorithm, Buffer.from([0])),
    tlv(TAG.signatureModulus, Buffer.from([modulusIndex])),
  ]);
  const beforeSignature = Buffer.concat([
    groupHeader(TAG.signerId, signerFields.length),
    signerFields,
    groupHeader(TAG.signatureInfo, digestField.length),
    digestField,
    groupHeader(TAG.signatureAlgorithmInfo, algorithmFields.length),
    algorithmFields,
  ]);
  const timestamp = Buffer.alloc(4);
  timestamp.writeUInt32BE(Math.floor((opts.at ?? new Date()).getTime() / 1000));
  let afterSignature = Buffer.concat([
    tlv(TAG.fileName, Buffer.from(`${opts.fileName}\0`, 'utf8')),
    tlv(TAG.timestamp, timestamp),
  ]);

  const fixed = 10 + beforeSignature.length + 3 + modulusBytes;
  const padding = (4 - ((fixed + afterSignature.length) % 4)) % 4;
  afterSignature = Buffer.concat([afterSignature, Buffer.alloc(padding, TAG.padding)]);
  const headerLength = fixed + afterSignature.length;

  const start = Buffer.from([TAG.version, 0, 2, 1, 2, TAG.headerLength, 0, 2, 0, 0]);
  start.writeUInt16BE(headerLength, 8);
  const signed = Buffer.concat([start, beforeSignature, afterSignature, opts.payload]);
  const signature = createSign(digest === 'sha1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(signed)
    .sign(key);
  return Buffer.concat([start, beforeSignature, tlv(TAG.signature, signature), afterSignature, opts.payload]);
}
