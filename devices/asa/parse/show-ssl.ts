/**
 * `show ssl`: the ciphers actually enabled and the trust-point per interface. Two shapes: the 8.x one quoted in
 * the seed doc (`Enabled cipher order: rc4-sha1 aes128-sha1 …`) and a 9.x one with one list per protocol version
 * (`  tlsv1.2: AES256-SHA:AES128-SHA`, [I]: no public 9.x capture). Verify switches with `show run ssl` instead.
 */
import { bodyLines } from './lines';

export interface ShowSsl {
  accept?: string;
  start?: string;
  /** Enabled ciphers per protocol version; 8.x has a single list, reported as version `all`. */
  enabledCiphers: { version: string; ciphers: string[] }[];
  disabledCiphers: string[];
  trustpoints: { iface: string; trustpoint: string }[];
  /** Self-signed certificate lines (`Self-signed (RSA 2048 bits RSA-SHA256) certificate available`). */
  selfSigned: string[];
  certificateAuthentication?: boolean;
}

export function parseShowSsl(text: string): ShowSsl {
  const out: ShowSsl = { enabledCiphers: [], disabledCiphers: [], trustpoints: [], selfSigned: [] };
  let section: 'none' | 'ciphers' | 'trustpoints' = 'none';
  for (const raw of bodyLines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^Accept connections using (.+)$/.exec(line))) out.accept = m[1];
    else if ((m = /^Start connections using (.+)$/.exec(line))) out.start = m[1];
    else if ((m = /^Enabled cipher order:\s*(.*)$/.exec(line))) {
      section = 'ciphers';
      if (m[1]) out.enabledCiphers.push({ version: 'all', ciphers: m[1].split(/\s+/) });
    } else if ((m = /^Disabled ciphers:\s*(.*)$/.exec(line))) {
      section = 'none';
      out.disabledCiphers = m[1].split(/[\s:]+/).filter(Boolean);
    } else if (/^SSL trust-points:$/.test(line)) section = 'trustpoints';
    else if ((m = /^Certificate authentication is (not )?enabled/.exec(line))) {
      section = 'none';
      out.certificateAuthentication = !m[1];
    } else if (section === 'ciphers' && (m = /^([a-z0-9.]+):\s*(.+)$/.exec(line))) {
      out.enabledCiphers.push({ version: m[1], ciphers: m[2].split(/[:\s]+/).filter(Boolean) });
    } else if (section === 'trustpoints' && /^Self-signed/.test(line)) out.selfSigned.push(line);
    else if (section === 'trustpoints' && (m = /^(\S+?)(?: interface)?:\s*(\S+)$/.exec(line))) {
      out.trustpoints.push({ iface: m[1], trustpoint: m[2] });
    }
  }
  return out;
}
