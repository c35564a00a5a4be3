/**
 * `show crypto key mypubkey rsa`: every RSA key pair with its label (`Key name:`), size and public key, so a
 * retry can see the key an earlier attempt generated and an imported certificate can be matched to its key.
 */
import { bodyLines } from './lines';

export interface AsaKeyPair {
  /** The label; the default key prints as `<Default-RSA-Key>`. */
  label: string;
  generatedAt?: string;
  usage?: string;
  modulusBits?: number;
  storage?: string;
  /** SubjectPublicKeyInfo DER as lower-case hex (the `Key Data:` lines). */
  publicKeyHex?: string;
}

export function parseShowCryptoKeyMypubkey(text: string): { keys: AsaKeyPair[] } {
  const keys: AsaKeyPair[] = [];
  let generatedAt: string | undefined;
  let current: AsaKeyPair | undefined;
  let inKeyData = false;
  for (const line of bodyLines(text)) {
    const t = line.trim();
    let m = /^Key pair was generated at:\s*(.+)$/.exec(t);
    if (m) {
      generatedAt = m[1];
      inKeyData = false;
      continue;
    }
    m = /^Key name:\s*(.+)$/.exec(t);
    if (m) {
      current = { label: m[1] };
      if (generatedAt) current.generatedAt = generatedAt;
      generatedAt = undefined;
      keys.push(current);
      inKeyData = false;
      continue;
    }
    if (!current) continue;
    if ((m = /^Usage:\s*(.+)$/.exec(t))) current.usage = m[1];
    else if ((m = /^Modulus Size \(bits\):\s*(\d+)/.exec(t))) current.modulusBits = +m[1];
    else if ((m = /^Storage:\s*(.+)$/.exec(t))) current.storage = m[1];
    else if (/^Key Data:$/.test(t)) inKeyData = true;
    else if (inKeyData && /^[0-9a-fA-F ]+$/.test(t) && t !== '') {
      current.publicKeyHex = (current.publicKeyHex ?? '') + t.replace(/\s+/g, '').toLowerCase();
    }
  }
  return { keys };
}
