/**
 * Reads a phone's config file as CUCM's TFTP service serves it (`SEP<MAC>.cnf.xml`, `.cnf.xml.sgn`,
 * `.cnf.xml.enc.sgn`) and extracts the `<vpnGroup>` the phone uses to trust the ASA (domain.md §5.2).
 *
 * Tolerant of what real files do: CRLF, trailing blanks, comments, the undeclared `xsi:` prefix CUCM emits
 * (we never process namespaces). A file that is not well-formed is reported as unreadable, never thrown.
 * An encrypted config (`.enc.sgn`, or the `.sgn` stub with `<encrConfig>true</encrConfig>`) cannot be verified
 * over TFTP at all: it is reported as such so the caller falls back to phone-side evidence.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { sha1Forms } from './cert';
import { looksLikeSgn, readSgnFile, type SgnHeader } from './sgn';

export type AuthMethodName = 'user-and-password' | 'password-only' | 'certificate' | 'unknown';

export interface CertHashEntry {
  /** N of `certHashN` (1-based). */
  index: number;
  /** As written in the file: base64 SHA-1 when hashAlg is 0. */
  base64: string;
  /** Upper-case colon hex (browser form) when the value decodes to 20 bytes. */
  hex?: string;
}

export interface VpnGroup {
  mtu?: number;
  failConnectTime?: number;
  /** 0 user and password, 1 password only, 2 certificate (LSC or MIC). */
  authMethod?: number;
  authMethodName: AuthMethodName;
  pswdPersistent?: boolean;
  autoNetDetect?: boolean;
  enableHostIDCheck?: boolean;
  /** `url1..urlN` in priority order, exactly as typed in the VPN Gateway. */
  urls: string[];
  /** 0 = SHA-1, the only value seen in the field. */
  hashAlg?: number;
  certHashes: CertHashEntry[];
}

export type ConfigFormat = 'cnf.xml' | 'sgn' | 'enc.sgn';

interface ReadoutBase {
  format: ConfigFormat;
  /** Header fields when the file was signed. */
  sgn?: SgnHeader;
}

export type PhoneConfigReadout =
  | (ReadoutBase & { kind: 'config'; vpnGroup?: VpnGroup; deviceProtocol?: string; loadInformation?: string })
  | (ReadoutBase & { kind: 'encrypted'; reason: string })
  | (ReadoutBase & { kind: 'unreadable'; reason: string });

const AUTH_METHODS: Record<number, AuthMethodName> = { 0: 'user-and-password', 1: 'password-only', 2: 'certificate' };

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
});

type XmlNode = string | XmlNode[] | { [key: string]: XmlNode };

function formatOf(buf: Buffer, fileName?: string): ConfigFormat {
  if (fileName && /\.enc\.sgn$/i.test(fileName)) return 'enc.sgn';
  if ((fileName && /\.sgn$/i.test(fileName)) || looksLikeSgn(buf)) return 'sgn';
  return 'cnf.xml';
}

/** The XML text of a signed file: by the header length, else (broken header) from the first `<?xml`/`<device`. */
function unwrapSgn(buf: Buffer): { payload: Buffer; sgn?: SgnHeader; note?: string } {
  try {
    const { header, payload } = readSgnFile(buf);
    return { payload, sgn: header };
  } catch (err) {
    const text = buf.toString('latin1');
    const start = [text.indexOf('<?xml'), text.indexOf('<device')].filter((i) => i >= 0).sort((a, b) => a - b)[0];
    if (start === undefined) return { payload: Buffer.alloc(0), note: (err as Error).message };
    return { payload: buf.subarray(start), note: (err as Error).message };
  }
}

function firstNode(node: XmlNode, key: string): XmlNode | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = firstNode(item, key);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  if (key in node) return Array.isArray(node[key]) ? (node[key] as XmlNode[])[0] : node[key];
  for (const child of Object.values(node)) {
    const found = firstNode(child, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

function text(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return text(node[0]);
  // An element with only comments or blanks parses as an empty object or carries `#text`.
  const t = (node as Record<string, XmlNode>)['#text'];
  return typeof t === 'string' ? t : '';
}

function int(node: XmlNode | undefined): number | undefined {
  const t = text(node);
  return t !== undefined && /^-?\d+$/.test(t) ? Number(t) : undefined;
}

function flag(node: XmlNode | undefined): boolean | undefined {
  const t = text(node)?.toLowerCase();
  if (t === '1' || t === 'true') return true;
  if (t === '0' || t === 'false') return false;
  return undefined;
}

/** Children named `<prefix>N`, ordered by N (not by position in the file). */
function numbered(node: XmlNode | undefined, prefix: string): Array<{ index: number; value: string }> {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  const out: Array<{ index: number; value: string }> = [];
  for (const [key, value] of Object.entries(node)) {
    const m = new RegExp(`^${prefix}(\\d+)$`).exec(key);
    const t = text(value);
    if (m && t) out.push({ index: Number(m[1]), value: t });
  }
  return out.sort((a, b) => a.index - b.index);
}

function certHashEntry(index: number, value: string): CertHashEntry {
  const base64 = value.replace(/\s+/g, '');
  try {
    return { index, base64, hex: sha1Forms(base64).sha1Hex };
  } catch {
    return { index, base64 };
  }
}

function vpnGroupOf(node: XmlNode): VpnGroup {
  const field = (name: string) => firstNode(node, name);
  const authMethod = int(field('authMethod'));
  return {
    mtu: int(field('mtu')),
    failConnectTime: int(field('failConnectTime')),
    authMethod,
    authMethodName: authMethod === undefined ? 'unknown' : (AUTH_METHODS[authMethod] ?? 'unknown'),
    pswdPersistent: flag(field('pswdPersistent')),
    autoNetDetect: flag(field('autoNetDetect')),
    enableHostIDCheck: flag(field('enableHostIDCheck')),
    urls: numbered(field('addresses'), 'url').map((u) => u.value),
    hashAlg: int(field('hashAlg')),
    certHashes: numbered(field('credentials'), 'certHash').map((h) => certHashEntry(h.index, h.value)),
  };
}

function parseXml(payload: Buffer): { ok: true; root: XmlNode } | { ok: false; reason: string } {
  const xml = payload.toString('utf8').replace(/^\uFEFF/, '');
  if (!/<\s*device[\s>]/.test(xml)) return { ok: false, reason: 'no <device> element: not a phone config' };
  // CUCM never sends a DTD; refusing one also rules out entity-expansion tricks.
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, reason: 'unexpected DOCTYPE in a phone config' };
  const valid = XMLValidator.validate(xml, { allowBooleanAttributes: true });
  if (valid !== true)
    return {
      ok: false,
      reason: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`,
    };
  return { ok: true, root: parser.parse(xml) as XmlNode };
}

/** Read one config file. `fileName` (as fetched) tells `.enc.sgn` apart; content sniffing covers the rest. */
export function readPhoneConfig(bytes: Buffer, fileName?: string): PhoneConfigReadout {
  const format = formatOf(bytes, fileName);
  if (format === 'enc.sgn') {
    return { kind: 'encrypted', format, reason: 'encrypted config (.enc.sgn): its vpnGroup cannot be read over TFTP' };
  }
  let payload = bytes;
  let sgn: SgnHeader | undefined;
  if (format === 'sgn') {
    const unwrapped = unwrapSgn(bytes);
    payload = unwrapped.payload;
    sgn = unwrapped.sgn;
    if (payload.length === 0) return { kind: 'unreadable', format, reason: `broken .sgn file: ${unwrapped.note}` };
  }
  const parsed = parseXml(payload);
  if (!parsed.ok) return { kind: 'unreadable', format, sgn, reason: parsed.reason };
  const device = firstNode(parsed.root, 'device') ?? parsed.root;
  if (flag(firstNode(device, 'encrConfig')) === true) {
    return {
      kind: 'encrypted',
      format,
      sgn,
      reason: 'encrConfig is true: the settings are in the encrypted .enc.sgn file',
    };
  }
  const vpn = firstNode(device, 'vpnGroup');
  return {
    kind: 'config',
    format,
    sgn,
    vpnGroup: vpn === undefined ? undefined : vpnGroupOf(vpn),
    deviceProtocol: text(firstNode(device, 'deviceProtocol')),
    loadInformation: text(firstNode(device, 'loadInformation')),
  };
}

export type CertHashState = 'verified' | 'stale' | 'encrypted' | 'unreadable';

export interface CertHashVerdict {
  state: CertHashState;
  detail?: string;
  /** N of the certHashN that matched. */
  matchedIndex?: number;
}

/**
 * Does the config carry the expected certificate hash? Set membership of the base64 SHA-1 among all certHashN,
 * never a position: during a rollover the new hash may be certHash1 or certHash2 (domain.md §5.2).
 * `expected` may be base64 or hex (normalised by sha1Forms; throws InvalidInput otherwise).
 */
export function checkCertHash(readout: PhoneConfigReadout, expected: string): CertHashVerdict {
  const want = sha1Forms(expected).sha1Base64;
  if (readout.kind !== 'config') return { state: readout.kind, detail: readout.reason };
  const vpn = readout.vpnGroup;
  if (!vpn) return { state: 'stale', detail: 'no <vpnGroup> in the config' };
  const match = vpn.certHashes.find((h) => h.base64 === want);
  if (match) return { state: 'verified', matchedIndex: match.index };
  const algo = vpn.hashAlg !== undefined && vpn.hashAlg !== 0 ? ` (hashAlg ${vpn.hashAlg} is not SHA-1)` : '';
  const listed = vpn.certHashes.map((h) => h.base64).join(', ') || 'none';
  return { state: 'stale', detail: `expected hash not among certHashes [${listed}]${algo}` };
}
