/**
 * Paste-mode commands: `crypto ca authenticate TP` (CA certificate; the ASA shows an MD5 fingerprint and asks to
 * accept it) and `crypto ca import TP certificate` (the signed identity certificate).
 */
import { bodyLines } from './lines';

export interface CryptoCaAuthenticate {
  /** The fingerprint the ASA printed, lower-case hex without spaces (MD5 of the DER on the captured release). */
  fingerprint?: string;
  accepted: boolean;
  imported: boolean;
}

export interface CryptoCaImport {
  fqdn?: string;
  ipAddress?: string;
  imported: boolean;
}

export function parseCryptoCaAuthenticate(text: string): CryptoCaAuthenticate {
  const out: CryptoCaAuthenticate = { accepted: false, imported: false };
  for (const raw of bodyLines(text)) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^Fingerprint:\s*([0-9a-fA-F ]+)$/.exec(line))) out.fingerprint = m[1].replace(/\s+/g, '').toLowerCase();
    if (/^Trustpoint CA certificate accepted\.?$/.test(line)) out.accepted = true;
    if (/^% Certificate successfully imported/.test(line)) out.imported = true;
  }
  return out;
}

export function parseCryptoCaImport(text: string): CryptoCaImport {
  const out: CryptoCaImport = { imported: false };
  for (const raw of bodyLines(text)) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^% The fully-qualified domain name in the certificate will be:\s*(\S+)/.exec(line))) out.fqdn = m[1];
    else if ((m = /^% The IP address in the certificate is\s*(\S+)/.exec(line))) out.ipAddress = m[1];
    else if (/Certificate successfully imported/.test(line)) out.imported = true;
  }
  return out;
}
