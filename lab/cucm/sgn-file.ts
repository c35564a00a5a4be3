/**
 * CUCM's signed config file (`.sgn`): a TLV header, then the unchanged payload (domain.md §5.4, the layout
 * usecallmanagernz/certutils documents). Each TLV is a 1-byte tag and a 2-byte big-endian length; containers (3 signer
 * id, 7 signature info, 9 signature algorithm info) count their nested TLVs; padding (13) is a lone byte. Tag 2 holds
 * the header length, so readers find the payload at that offset. The RSA PKCS#1 v1.5 signature covers the whole file
 * without the signature TLV itself.
 */
import { sign } from 'node:crypto';
import { CertInfo } from '../../devices/cert';

export const SGN_TAG = {
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

const DIGEST = { sha1: 1, sha256: 2 } as const;
const MODULUS_INDEX: Record<number, number> = { 64: 0, 128: 1, 256: 2, 512: 3 };

export interface SgnSigner {
  cert: CertInfo;
  privateKeyPem: string;
}

function tlv(tag: number, value: Buffer): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt8(tag, 0);
  head.writeUInt16BE(value.length, 1);
  return Buffer.concat([head, value]);
}

function containerHead(tag: number, nestedLength: number): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt8(tag, 0);
  head.writeUInt16BE(nestedLength, 1);
  return head;
}

function nulTerminated(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

function byte(value: number): Buffer {
  return Buffer.from([value]);
}

/** `CN=…;OU=…;O=…` in certificate order, as CUCM's signer names read. */
function signerName(rdns: CertInfo['subject']['rdns']): string {
  return rdns
    .filter((r) => ['CN', 'O', 'OU', 'L', 'ST', 'C'].includes(r.key))
    .map((r) => `${r.key}=${r.value}`)
    .join(';');
}

/** Wrap a payload in a signed .sgn header. */
export function buildSgnFile(
  payload: Buffer,
  fileName: string,
  signer: SgnSigner,
  at: Date,
  digest: keyof typeof DIGEST = 'sha1',
): Buffer {
  const signatureLength = (signer.cert.keyBits ?? 2048) / 8;
  const modulus = MODULUS_INDEX[signatureLength];
  if (modulus === undefined) throw new Error(`unsupported signing key size ${signer.cert.keyBits}`);

  const signerTlvs = Buffer.concat([
    tlv(SGN_TAG.signerName, nulTerminated(signerName(signer.cert.subject.rdns))),
    tlv(
      SGN_TAG.serialNumber,
      Buffer.from(signer.cert.serialHex.length % 2 ? `0${signer.cert.serialHex}` : signer.cert.serialHex, 'hex'),
    ),
    tlv(SGN_TAG.caName, nulTerminated(signerName(signer.cert.issuer.rdns))),
  ]);
  const digestTlv = tlv(SGN_TAG.digestAlgorithm, byte(DIGEST[digest]));
  const algorithmTlvs = Buffer.concat([
    tlv(SGN_TAG.signatureAlgorithm, byte(0)),
    tlv(SGN_TAG.signatureModulus, byte(modulus)),
  ]);
  const algorithmInfo = Buffer.concat([
    containerHead(SGN_TAG.signatureAlgorithmInfo, algorithmTlvs.length),
    algorithmTlvs,
  ]);

  const timestamp = Buffer.alloc(4);
  timestamp.writeUInt32BE(Math.floor(at.getTime() / 1000));
  const beforeSignature = Buffer.concat([
    tlv(SGN_TAG.version, Buffer.from([1, 2])),
    tlv(SGN_TAG.headerLength, Buffer.alloc(2)),
    containerHead(SGN_TAG.signerId, signerTlvs.length),
    signerTlvs,
    containerHead(SGN_TAG.signatureInfo, digestTlv.length + algorithmInfo.length),
    digestTlv,
    algorithmInfo,
  ]);
  let afterSignature = Buffer.concat([
    tlv(SGN_TAG.fileName, nulTerminated(fileName)),
    tlv(SGN_TAG.timestamp, timestamp),
  ]);
  const unpadded = beforeSignature.length + 3 + signatureLength + afterSignature.length;
  const padding = (4 - (unpadded % 4)) % 4;
  afterSignature = Buffer.concat([afterSignature, Buffer.alloc(padding, SGN_TAG.padding)]);
  const headerLength = unpadded + padding;
  beforeSignature.writeUInt16BE(headerLength, 8); // tag 2's value: after tag 1 (5 bytes) and tag 2's own head (3)

  const signed = Buffer.concat([beforeSignature, afterSignature, payload]);
  const signature = sign(digest, signed, signer.privateKeyPem);
  return Buffer.concat([beforeSignature, tlv(SGN_TAG.signature, signature), afterSignature, payload]);
}
