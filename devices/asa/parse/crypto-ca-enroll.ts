/**
 * `crypto ca enroll TP`: the subject/FQDN/IP the ASA announces and, for terminal enrollment, the CSR. Some
 * releases print the CSR without BEGIN/END armour after `Certificate Request follows:`; both are accepted and
 * the result is always armoured PEM.
 */
import { bodyLines } from './lines';

export interface CryptoCaEnroll {
  subjectName?: string;
  fqdn?: string;
  ipAddress?: string;
  /** The CSR as armoured PEM; undefined for self-signed enrollment. */
  csrPem?: string;
  /** Whether the device printed the BEGIN/END lines itself. */
  armoured?: boolean;
  /** `[yes/no]` questions seen in the transcript, with the answer when the transcript shows it. */
  questions: { question: string; answer?: string }[];
}

const BEGIN = '-----BEGIN CERTIFICATE REQUEST-----';
const END = '-----END CERTIFICATE REQUEST-----';

function armour(base64: string): string {
  return `${BEGIN}\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n${END}\n`;
}

/** A DER SEQUENCE in base64 starts with "MI" (long-form length); anything else is not a CSR body. */
function looksLikeDerSequence(base64: string): boolean {
  return /^MI[A-Za-z0-9+/]/.test(base64) && Buffer.from(base64, 'base64')[0] === 0x30;
}

export function parseCryptoCaEnroll(text: string): CryptoCaEnroll {
  const out: CryptoCaEnroll = { questions: [] };
  const lines = bodyLines(text);
  let collecting: 'none' | 'bare' | 'armoured' = 'none';
  let body = '';
  for (const raw of lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^% The subject name in the certificate will be:\s*(.+)$/.exec(line))) out.subjectName = m[1];
    else if ((m = /^% The fully-qualified domain name in the certificate will be:\s*(\S+)/.exec(line))) out.fqdn = m[1];
    else if ((m = /^% The IP address in the certificate is\s*(\S+)/.exec(line))) out.ipAddress = m[1];
    if ((m = /^(.*\[yes\/no\]):\s*(\S*)$/.exec(line)))
      out.questions.push(m[2] ? { question: m[1], answer: m[2] } : { question: m[1] });

    if (line === BEGIN) {
      collecting = 'armoured';
      body = '';
      continue;
    }
    if (line === END) {
      out.csrPem = armour(body);
      out.armoured = true;
      collecting = 'none';
      continue;
    }
    if (/^Certificate Request follows:?$/.test(line)) {
      collecting = 'bare';
      body = '';
      continue;
    }
    if (collecting !== 'none' && /^[A-Za-z0-9+/=]+$/.test(line)) {
      body += line;
      continue;
    }
    if (collecting === 'bare' && body !== '' && (line === '' || /^---End/.test(line) || /\[yes\/no\]/.test(line))) {
      if (looksLikeDerSequence(body)) {
        out.csrPem = armour(body);
        out.armoured = false;
      }
      collecting = 'none';
    }
  }
  if (collecting === 'bare' && body !== '' && !out.csrPem && looksLikeDerSequence(body)) {
    out.csrPem = armour(body);
    out.armoured = false;
  }
  return out;
}
