/**
 * Just enough DER reading, in plain TypeScript, for the `signed-cert` gate's synchronous validator: a validator
 * cannot call an activity, and workflow code cannot use node:crypto. Checks that the pasted PEM is a certificate,
 * that its public key is the one in our CSR, and that it is valid now.
 */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64ToBytes(b64: string): Uint8Array {
  const clean = b64.replace(/[\s=]/g, '');
  if (!/^[A-Za-z0-9+/]*$/.test(clean)) throw new Error('not base64');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const ch of clean) {
    value = (value << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

interface Tlv {
  tag: number;
  start: number; // first byte of the TLV
  contentStart: number;
  end: number; // one past the last content byte
}

function readTlv(der: Uint8Array, at: number): Tlv {
  if (at + 2 > der.length) throw new Error('truncated DER');
  const tag = der[at];
  let len = der[at + 1];
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[p++];
  }
  if (p + len > der.length) throw new Error('truncated DER');
  return { tag, start: at, contentStart: p, end: p + len };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.contentStart; p < parent.end;) {
    const t = readTlv(der, p);
    out.push(t);
    p = t.end;
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function pemBlocks(text: string, label: string): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`, 'g');
  const out: Uint8Array[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(base64ToBytes(m[1]));
  return out;
}

function parseTime(der: Uint8Array, t: Tlv): number {
  const s = String.fromCharCode(...der.subarray(t.contentStart, t.end));
  // UTCTime YYMMDDHHMMSSZ (years 50-99 are 19xx) or GeneralizedTime YYYYMMDDHHMMSSZ
  const m =
    t.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new Error(`unsupported time ${s}`);
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year >= 50 ? 1900 : 2000;
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export interface CertificateFacts {
  spkiHex: string;
  notBefore: number;
  notAfter: number;
}

/** Facts of one DER certificate: SubjectPublicKeyInfo and validity. Throws on anything that is not one. */
export function certificateFacts(der: Uint8Array): CertificateFacts {
  const cert = readTlv(der, 0);
  if (cert.tag !== 0x30 || cert.end !== der.length) throw new Error('not a DER certificate');
  const [tbs] = children(der, cert);
  const fields = children(der, tbs);
  const offset = fields[0].tag === 0xa0 ? 1 : 0; // optional [0] version
  const validity = children(der, fields[offset + 3]);
  const spki = fields[offset + 5];
  if (!spki || spki.tag !== 0x30 || validity.length !== 2) throw new Error('not a DER certificate');
  return {
    spkiHex: hex(der.subarray(spki.start, spki.end)),
    notBefore: parseTime(der, validity[0]),
    notAfter: parseTime(der, validity[1]),
  };
}

/** The SubjectPublicKeyInfo of a PKCS#10 CSR (PEM, with or without armour). */
export function csrSpkiHex(csr: string): string {
  const blocks = pemBlocks(csr, 'CERTIFICATE REQUEST');
  const der = blocks[0] ?? base64ToBytes(csr);
  const req = readTlv(der, 0);
  const [info] = children(der, req);
  const [, , spki] = children(der, info);
  if (!spki || spki.tag !== 0x30) throw new Error('not a PKCS#10 certificate request');
  return hex(der.subarray(spki.start, spki.end));
}

/**
 * Check a pasted certificate (optionally followed by its CA chain) against our CSR's key and the clock.
 * Throws an Error whose message the operator sees in the UI.
 */
export function checkSignedCertificate(pem: string, expectedSpkiHex: string, nowMs: number): void {
  if (typeof pem !== 'string' || pem.length > 64_000) throw new Error('"pem" must be the signed certificate in PEM');
  let blocks: Uint8Array[];
  try {
    blocks = pemBlocks(pem, 'CERTIFICATE');
  } catch {
    throw new Error('"pem" is not valid PEM: the body is not base64');
  }
  if (blocks.length === 0) throw new Error('"pem" holds no -----BEGIN CERTIFICATE----- block');
  let leaf: CertificateFacts;
  try {
    leaf = certificateFacts(blocks[0]);
    blocks.slice(1).forEach((b) => certificateFacts(b));
  } catch (err) {
    throw new Error(`"pem" is not a valid X.509 certificate: ${(err as Error).message}`);
  }
  if (leaf.spkiHex !== expectedSpkiHex) {
    throw new Error(
      "the certificate's public key is not the key of this rollover's CSR: was it issued for another request?",
    );
  }
  if (nowMs < leaf.notBefore)
    throw new Error(`the certificate is not valid yet (notBefore ${new Date(leaf.notBefore).toISOString()})`);
  if (nowMs >= leaf.notAfter)
    throw new Error(`the certificate has expired (notAfter ${new Date(leaf.notAfter).toISOString()})`);
}

/** Split the accepted payload: the leaf first, then the CA chain. */
export function splitChain(pem: string): { leaf: string; cas: string[] } {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return { leaf: `${blocks[0]}\n`, cas: blocks.slice(1).map((b) => `${b}\n`) };
}
