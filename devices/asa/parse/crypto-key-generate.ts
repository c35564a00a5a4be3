/**
 * `crypto key generate rsa …`: the label the ASA used and whether it asked to replace an existing key pair
 * (the rollover always answers no: replacing the live key breaks the running certificate, domain.md §1.2).
 */
import { bodyLines } from './lines';

export interface CryptoKeyGenerate {
  label?: string;
  replacePrompt: boolean;
  /** The answer given to the replace question, when the transcript shows it. */
  replaceAnswer?: string;
  started: boolean;
}

export function parseCryptoKeyGenerate(text: string): CryptoKeyGenerate {
  const out: CryptoKeyGenerate = { replacePrompt: false, started: false };
  for (const raw of bodyLines(text)) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^INFO: The name for the keys will be:\s*(.+)$/.exec(line))) out.label = m[1];
    else if ((m = /^WARNING: You have a RSA keypair already defined named (.+?)\.?$/.exec(line))) {
      out.replacePrompt = true;
      out.label ??= m[1];
    } else if ((m = /\[yes\/no\]:\s*(\S*)$/.exec(line)) && out.replacePrompt && m[1]) out.replaceAnswer = m[1];
    else if (/^Keypair generation process begin/.test(line)) out.started = true;
  }
  return out;
}
