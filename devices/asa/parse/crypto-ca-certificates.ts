/**
 * `show crypto ca certificates [TP]`: identity (`Certificate`) and `CA Certificate` blocks (domain.md §1.6).
 * Fields are indented two spaces, name components and list items four; the serial is lower-case hex without the
 * IOS `(hex)` suffix (both accepted).
 */
import { parseAsaDate, AsaDate } from './asa-date';
import { asaNameToRfc2253, parseNameComponent, AsaNameComponent } from './dn-lines';
import { bodyLines, indentOf } from './lines';

export type CertificateKind = 'identity' | 'ca' | 'other';

export interface AsaCertificateBlock {
  kind: CertificateKind;
  /** The block header as printed: `Certificate`, `CA Certificate`, `RA Signature Certificate`… */
  header: string;
  status?: string;
  serialHex?: string;
  usage?: string;
  publicKey?: { type: string; bits?: number };
  signatureAlgorithm?: string;
  issuer: AsaNameComponent[];
  subject: AsaNameComponent[];
  issuerRfc2253: string;
  subjectRfc2253: string;
  ocspUrls: string[];
  crlDistributionPoints: string[];
  validity: { start?: AsaDate; end?: AsaDate };
  storage?: string;
  associatedTrustpoints: string[];
}

export interface ShowCryptoCaCertificates {
  certificates: AsaCertificateBlock[];
}

const HEADER = /^(?:[A-Z][A-Za-z ]*)?Certificate$/;

function kindOf(header: string): CertificateKind {
  if (header === 'Certificate') return 'identity';
  if (header === 'CA Certificate') return 'ca';
  return 'other';
}

function emptyBlock(header: string): AsaCertificateBlock {
  return {
    kind: kindOf(header),
    header,
    issuer: [],
    subject: [],
    issuerRfc2253: '',
    subjectRfc2253: '',
    ocspUrls: [],
    crlDistributionPoints: [],
    validity: {},
    associatedTrustpoints: [],
  };
}

type ListField = 'issuer' | 'subject' | 'ocsp' | 'crl' | 'validity' | 'none';

function applyField(block: AsaCertificateBlock, name: string, value: string): ListField {
  switch (name) {
    case 'Status':
      block.status = value;
      return 'none';
    case 'Certificate Serial Number':
    case 'Certificate Serial Number (hex)':
      block.serialHex = value.toLowerCase();
      return 'none';
    case 'Certificate Usage':
      block.usage = value;
      return 'none';
    case 'Public Key Type': {
      const m = /^(\S+)(?:\s*\((\d+) bits\))?/.exec(value);
      if (m) block.publicKey = m[2] ? { type: m[1], bits: +m[2] } : { type: m[1] };
      return 'none';
    }
    case 'Signature Algorithm':
      block.signatureAlgorithm = value;
      return 'none';
    case 'Issuer Name':
      return 'issuer';
    case 'Subject Name':
      return 'subject';
    case 'OCSP AIA':
      return 'ocsp';
    case 'CRL Distribution Points':
      return 'crl';
    case 'Validity Date':
      return 'validity';
    case 'Storage':
      block.storage = value;
      return 'none';
    case 'Associated Trustpoints':
      block.associatedTrustpoints = value.split(/\s+/).filter(Boolean);
      return 'none';
    default:
      return 'none';
  }
}

function applyListItem(block: AsaCertificateBlock, list: ListField, item: string): void {
  if (list === 'issuer' || list === 'subject') {
    const component = parseNameComponent(item);
    if (component) block[list].push(component);
  } else if (list === 'ocsp') {
    const m = /^URL:\s*(\S+)/.exec(item);
    if (m) block.ocspUrls.push(m[1]);
  } else if (list === 'crl') {
    const m = /^(?:\[\d+\]\s+)?(\S+)$/.exec(item);
    if (m) block.crlDistributionPoints.push(m[1]);
  } else if (list === 'validity') {
    const m = /^(start|end)\s+date:\s*(.+)$/.exec(item);
    if (m) block.validity[m[1] as 'start' | 'end'] = parseAsaDate(m[2]);
  }
}

export function parseShowCryptoCaCertificates(text: string): ShowCryptoCaCertificates {
  const certificates: AsaCertificateBlock[] = [];
  let block: AsaCertificateBlock | undefined;
  let list: ListField = 'none';
  for (const line of bodyLines(text)) {
    if (line.trim() === '') continue;
    if (indentOf(line) === 0 && HEADER.test(line.trim())) {
      block = emptyBlock(line.trim());
      certificates.push(block);
      list = 'none';
      continue;
    }
    if (!block) continue;
    const field = indentOf(line) <= 2 ? /^\s*([^:]+?):\s*(.*)$/.exec(line) : null;
    if (field) {
      list = applyField(block, field[1], field[2].trim());
    } else {
      applyListItem(block, list, line.trim());
    }
  }
  for (const c of certificates) {
    c.issuerRfc2253 = asaNameToRfc2253(c.issuer);
    c.subjectRfc2253 = asaNameToRfc2253(c.subject);
  }
  return { certificates };
}
