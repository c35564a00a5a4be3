/**
 * The only way to build a line for an ASA prompt. Every identifier, FQDN, subject DN, cipher string and pasted
 * certificate is validated here, and every line passes the deny-list, so a newline, a control character or a
 * destructive command can never reach the wire. Each command carries its own dialog table.
 */
import { createHash } from 'node:crypto';
import { derToPem, parseCertificate, toDer } from '../cert';
import { InvalidInput } from '../errors';
import { KNOWN_CIPHERS } from './ciphers';

declare const built: unique symbol;

export type CommandMode = 'user' | 'privileged' | 'config' | 'config-ca-trustpoint';

export interface DialogRule {
  /** Matches the question line the ASA printed (`… [yes/no]:`). */
  question: RegExp;
  /**
   * What to type: a fixed answer, or a function of the command's transcript so far. A function returning
   * undefined refuses: the session answers `no` and fails the command.
   */
  answer: string | ((transcript: string) => string | undefined);
  /** Why this answer (shown in errors and kept next to the rule). */
  why: string;
}

export interface AsaCommand {
  readonly line: string;
  /** The mode the session must be in to send it (`privileged` also covers config modes: show works there). */
  readonly mode: CommandMode;
  readonly dialogs: readonly DialogRule[];
  /** Lines typed after a paste banner (`End with the word "quit"…`); `quit` is appended by the session. */
  readonly paste?: readonly string[];
  readonly timeoutMs?: number;
  readonly [built]: true;
}

export const IDENTIFIER = /^[A-Za-z0-9._-]{1,64}$/;
const FQDN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const MAX_LINE = 512;

/** Printable ASCII only: no newline, CR, tab, escape, DEL or anything outside ASCII can be typed at the prompt. */
const PRINTABLE = /^[\x20-\x7e]*$/;

/** Commands the rollover must never send, matched word by word with ASA abbreviations (`wr er` = `write erase`). */
const DENY_LIST: { words: string[]; unless?: RegExp; why: string }[] = [
  { words: ['crypto', 'ca', 'export', '*', 'pkcs12'], why: 'exports the private key (keys never leave the ASA)' },
  { words: ['crypto', 'pki', 'export', '*', 'pkcs12'], why: 'exports the private key (keys never leave the ASA)' },
  {
    words: ['crypto', 'key', 'zeroize'],
    unless: /^crypto\s+key\s+zeroize\s+(rsa|ecdsa)\s+label\s+[A-Za-z0-9._-]{1,64}(\s+noconfirm)?$/,
    why: 'zeroize without a label removes every key, including the SSH host key',
  },
  { words: ['write', 'erase'], why: 'erases the startup configuration' },
  { words: ['erase'], why: 'erases a file system' },
  { words: ['format'], why: 'formats a file system' },
  { words: ['reload'], why: 'reloads the ASA' },
  { words: ['configure', 'factory-default'], why: 'resets the configuration' },
  { words: ['clear', 'configure'], why: 'clears the running configuration' },
];

function wordMatches(token: string, word: string): boolean {
  return word === '*' || (token.length > 0 && word.startsWith(token.toLowerCase()));
}

/**
 * Throws InvalidInput when a line must not be sent: control characters or non-ASCII, too long, or on the
 * deny-list. Every built command passes through here.
 */
export function checkCommandLine(line: string): void {
  if (!PRINTABLE.test(line)) throw new InvalidInput('command refused: it contains a control or non-ASCII character');
  if (line.length > MAX_LINE) throw new InvalidInput(`command refused: longer than ${MAX_LINE} characters`);
  const tokens = line.trim().split(/\s+/);
  for (const entry of DENY_LIST) {
    const prefix = entry.words.every((w, i) => tokens[i] !== undefined && wordMatches(tokens[i], w));
    if (prefix && !(entry.unless && entry.unless.test(line.trim()))) {
      throw new InvalidInput(`command refused: "${entry.words.filter((w) => w !== '*').join(' ')}" ${entry.why}`);
    }
  }
}

function command(
  line: string,
  mode: CommandMode,
  extra: { dialogs?: DialogRule[]; paste?: string[]; timeoutMs?: number } = {},
): AsaCommand {
  checkCommandLine(line);
  for (const p of extra.paste ?? []) {
    if (!/^(?:-----(?:BEGIN|END) CERTIFICATE-----|[A-Za-z0-9+/=]{1,76})$/.test(p)) {
      throw new InvalidInput('paste refused: only base64 and PEM armour lines may be pasted');
    }
  }
  return {
    line,
    mode,
    dialogs: extra.dialogs ?? [],
    paste: extra.paste,
    timeoutMs: extra.timeoutMs,
  } as unknown as AsaCommand;
}

// ---------------------------------------------------------------- validation of values

export function validIdentifier(value: string, what: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new InvalidInput(`${what} must be 1-64 letters, digits, ".", "_" or "-"`);
  }
  return value;
}

export function validFqdn(value: string): string {
  if (typeof value !== 'string' || !FQDN.test(value)) {
    throw new InvalidInput('fqdn must be a fully-qualified host name (letters, digits, "-", at least one dot)');
  }
  return value.toLowerCase();
}

/** RDN keys the ASA's `subject-name` accepts that the rollover may set. */
const SUBJECT_KEYS: Record<string, string> = {
  CN: 'CN',
  OU: 'OU',
  O: 'O',
  L: 'L',
  ST: 'ST',
  C: 'C',
  EA: 'EA',
  DC: 'DC',
};
const UNQUOTED_VALUE = /^[A-Za-z0-9._@()&/:*+-](?:[A-Za-z0-9 ._@()&/:*+-]{0,62}[A-Za-z0-9._@()&/:*+-])?$/;
const QUOTED_VALUE = /^"([A-Za-z0-9 ._@()&/:*+,-]{1,64})"$/;

export interface SubjectComponent {
  key: string;
  value: string;
}

/**
 * Parse and validate a subject DN as typed after `subject-name` (`CN=vpn.example.com,OU=Phones,O="Example, Inc."`).
 * Keys from an allow-list (case-insensitive, normalised to upper case); values without `,` or `"` unless the whole
 * value is double-quoted; no `;`, `\`, `=`, `#`, `<`, `>` anywhere. At least one CN.
 */
export function parseSubjectName(dn: string): SubjectComponent[] {
  if (typeof dn !== 'string' || dn.length === 0 || dn.length > 400 || !PRINTABLE.test(dn)) {
    throw new InvalidInput('subject-name must be printable ASCII, 1-400 characters');
  }
  const parts = dn.match(/(?:[^,"]|"[^"]*")+/g) ?? [];
  if (parts.join(',') !== dn) throw new InvalidInput('subject-name has an empty component or an unbalanced quote');
  const components = parts.map((part) => {
    const m = /^\s*([A-Za-z]{1,2})=(.*?)\s*$/.exec(part);
    if (!m) throw new InvalidInput(`subject-name component "${part}" is not KEY=value`);
    const key = SUBJECT_KEYS[m[1].toUpperCase()];
    if (!key)
      throw new InvalidInput(`subject-name key "${m[1]}" is not allowed (use ${Object.keys(SUBJECT_KEYS).join(', ')})`);
    const quoted = QUOTED_VALUE.exec(m[2]);
    const value = quoted ? quoted[1] : m[2];
    if (!quoted && !UNQUOTED_VALUE.test(value)) {
      throw new InvalidInput(`subject-name ${key} value has characters the ASA CLI cannot take unquoted`);
    }
    if (key === 'C' && !/^[A-Za-z]{2}$/.test(value))
      throw new InvalidInput('subject-name C must be a two-letter country code');
    return { key, value };
  });
  if (!components.some((c) => c.key === 'CN')) throw new InvalidInput('subject-name needs a CN');
  return components;
}

/** The canonical typed form: upper-case keys, values quoted only when they contain a comma. */
export function formatSubjectName(components: SubjectComponent[]): string {
  return components.map((c) => `${c.key}=${c.value.includes(',') ? `"${c.value}"` : c.value}`).join(',');
}

export function validSubjectName(dn: string): string {
  return formatSubjectName(parseSubjectName(dn));
}

export function validCipherString(value: string): string {
  if (typeof value !== 'string' || value.length > 400 || !/^[A-Z0-9-]+(?::[A-Z0-9-]+)*$/.test(value)) {
    throw new InvalidInput('cipher string must be OpenSSL suite names joined by ":"');
  }
  const unknown = value.split(':').filter((c) => !KNOWN_CIPHERS.has(c));
  if (unknown.length > 0) throw new InvalidInput(`unknown cipher suite(s): ${unknown.join(', ')}`);
  return value;
}

const CIPHER_VERSIONS = ['default', 'tlsv1', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3', 'dtlsv1', 'dtlsv1.2'];
const CIPHER_LEVELS = ['all', 'low', 'medium', 'fips', 'high'];

/** Certificate PEM re-encoded from its DER: only armour and base64 lines are pasted. */
function pasteLinesOf(pem: string): { lines: string[]; der: Buffer } {
  parseCertificate(pem);
  const der = toDer(pem);
  return { lines: derToPem(der).trimEnd().split('\n'), der };
}

// ---------------------------------------------------------------- session housekeeping

export const enable = (): AsaCommand => command('enable', 'user');
export const terminalPager0 = (): AsaCommand => command('terminal pager 0', 'user');
export const configureTerminal = (): AsaCommand => command('configure terminal', 'privileged');
export const exitMode = (): AsaCommand => command('exit', 'config');
export const end = (): AsaCommand => command('end', 'config');

// ---------------------------------------------------------------- read-only

/** Any read-only `show …` whose words are plain tokens (for troubleshooting tools). */
export function show(...words: string[]): AsaCommand {
  for (const w of words) {
    if (!/^[A-Za-z0-9._/-]{1,64}$/.test(w)) throw new InvalidInput(`show argument "${w}" is not a plain word`);
  }
  return command(['show', ...words].join(' '), 'privileged');
}

const optionalTp = (tp?: string) => (tp === undefined ? [] : [validIdentifier(tp, 'trustpoint')]);

export const showVersion = () => show('version');
export const showCryptoCaCertificates = (tp?: string) => show('crypto', 'ca', 'certificates', ...optionalTp(tp));
export const showCryptoCaTrustpoints = (tp?: string) => show('crypto', 'ca', 'trustpoints', ...optionalTp(tp));
export const showRunCryptoCaTrustpoint = (tp?: string) =>
  show('running-config', 'crypto', 'ca', 'trustpoint', ...optionalTp(tp));
export const showCryptoKeyMypubkeyRsa = () => show('crypto', 'key', 'mypubkey', 'rsa');
export const showRunSsl = () => show('running-config', 'ssl');
export const showRunAllSsl = () => show('running-config', 'all', 'ssl');
export const showSsl = () => show('ssl');
export const showRunWebvpn = () => show('running-config', 'webvpn');
export const showRunTunnelGroup = () => show('running-config', 'tunnel-group');
export const showRunGroupPolicy = () => show('running-config', 'group-policy');
export const showRunAllGroupPolicy = (name: string) =>
  show('running-config', 'all', 'group-policy', validIdentifier(name, 'group-policy'));
export const showRunDap = () => show('running-config', 'dynamic-access-policy-record');
export const showRunVpnLoadBalancing = () => show('running-config', 'vpn', 'load-balancing');

// ---------------------------------------------------------------- keys and trustpoints

/** Replacing a live key breaks the running certificate (domain.md §1.2): the answer to the replace question is always no. */
const NEVER_REPLACE_KEY: DialogRule = {
  question: /Do you really want to replace them\? \[yes\/no\]:/,
  answer: () => undefined,
  why: 'a key pair with this label exists; never replace a key (fresh labels only)',
};

export function generateRsaKey(label: string, modulus: 2048 | 3072 | 4096 = 2048): AsaCommand {
  if (![2048, 3072, 4096].includes(modulus)) throw new InvalidInput('modulus must be 2048, 3072 or 4096');
  return command(`crypto key generate rsa label ${validIdentifier(label, 'key label')} modulus ${modulus}`, 'config', {
    dialogs: [NEVER_REPLACE_KEY],
    timeoutMs: 180_000,
  });
}

export interface TrustpointSpec {
  name: string;
  enrollment: 'self' | 'terminal';
  /** FQDN for the certificate (SAN + unstructuredName); undefined → `fqdn none`. */
  fqdn?: string;
  subjectName: string;
  keypair: string;
}

/** `crypto ca trustpoint` and its sub-mode lines, ending back in config mode. */
export function defineTrustpoint(spec: TrustpointSpec): AsaCommand[] {
  const name = validIdentifier(spec.name, 'trustpoint');
  if (spec.enrollment !== 'self' && spec.enrollment !== 'terminal') {
    throw new InvalidInput('enrollment must be "self" or "terminal"');
  }
  const fqdn = spec.fqdn === undefined ? 'none' : validFqdn(spec.fqdn);
  return [
    command(`crypto ca trustpoint ${name}`, 'config'),
    command(`enrollment ${spec.enrollment}`, 'config-ca-trustpoint'),
    command(`fqdn ${fqdn}`, 'config-ca-trustpoint'),
    command(`subject-name ${validSubjectName(spec.subjectName)}`, 'config-ca-trustpoint'),
    command(`keypair ${validIdentifier(spec.keypair, 'key label')}`, 'config-ca-trustpoint'),
    command('exit', 'config-ca-trustpoint'),
  ];
}

const NO_SERIAL: DialogRule = {
  question: /Include the device serial number in the subject name\? \[yes\/no\]:/,
  answer: 'no',
  why: 'the subject is exactly the configured subject-name',
};
const FQDN_DIFFERS: DialogRule = {
  question: /Would you like to continue with this enrollment\? \[yes\/no\]:/,
  answer: 'yes',
  why: 'the trustpoint FQDN differs from the system FQDN on purpose (it is the VPN URL host)',
};

/** Self-signed enrollment; `noconfirm` takes every default and prints nothing on success. */
export function enrollSelfSigned(tp: string): AsaCommand {
  return command(`crypto ca enroll ${validIdentifier(tp, 'trustpoint')} noconfirm`, 'config', {
    dialogs: [
      NO_SERIAL,
      FQDN_DIFFERS,
      { question: /Generate Self-Signed Certificate\? \[yes\/no\]:/, answer: 'yes', why: 'enrollment self' },
    ],
    timeoutMs: 60_000,
  });
}

/** Terminal enrollment: the CSR is displayed (and not redisplayed). */
export function enrollTerminal(tp: string): AsaCommand {
  return command(`crypto ca enroll ${validIdentifier(tp, 'trustpoint')}`, 'config', {
    dialogs: [
      NO_SERIAL,
      FQDN_DIFFERS,
      {
        question: /Display Certificate Request to terminal\? \[yes\/no\]:/,
        answer: 'yes',
        why: 'the CSR is read from the terminal',
      },
      { question: /Redisplay enrollment request\? \[yes\/no\]:/, answer: 'no', why: 'the CSR was already read' },
      {
        question: /(continue with re-?enrollment|overwrite).*\[yes\/no\]:/i,
        answer: () => undefined,
        why: 'never re-enroll over an existing certificate',
      },
    ],
    timeoutMs: 60_000,
  });
}

/** Hex of a digest grouped in 8s, as the ASA prints fingerprints. */
function fingerprintsOf(der: Buffer): string[] {
  return ['md5', 'sha1', 'sha256'].map((alg) => createHash(alg).update(der).digest('hex'));
}

/**
 * `crypto ca authenticate TP`: paste the CA certificate; accept it only when the fingerprint the ASA shows is
 * the one of the certificate we pasted (MD5 on the captured release; SHA-1/SHA-256 accepted too).
 */
export function authenticateCa(tp: string, caPem: string): AsaCommand {
  const { lines, der } = pasteLinesOf(caPem);
  const expected = fingerprintsOf(der);
  return command(`crypto ca authenticate ${validIdentifier(tp, 'trustpoint')}`, 'config', {
    paste: lines,
    dialogs: [
      {
        question: /Do you accept this certificate\? \[yes\/no\]:/,
        answer: (transcript) => {
          const m = /Fingerprint:\s*([0-9a-fA-F ]+)\s*$/m.exec(transcript);
          const shown = m?.[1].replace(/\s+/g, '').toLowerCase();
          return shown !== undefined && expected.includes(shown) ? 'yes' : undefined;
        },
        why: 'accept only the CA certificate we pasted (fingerprint check)',
      },
    ],
    timeoutMs: 60_000,
  });
}

/** `crypto ca import TP certificate`: paste the signed identity certificate. */
export function importCertificate(tp: string, certPem: string): AsaCommand {
  const { lines } = pasteLinesOf(certPem);
  return command(`crypto ca import ${validIdentifier(tp, 'trustpoint')} certificate`, 'config', {
    paste: lines,
    dialogs: [FQDN_DIFFERS],
    timeoutMs: 60_000,
  });
}

export function exportIdentityCertificate(tp: string): AsaCommand {
  return command(`crypto ca export ${validIdentifier(tp, 'trustpoint')} identity-certificate`, 'privileged');
}

export function bindTrustpoint(tp: string, iface: string): AsaCommand {
  return command(
    `ssl trust-point ${validIdentifier(tp, 'trustpoint')} ${validIdentifier(iface, 'interface')}`,
    'config',
  );
}

export function unbindTrustpoint(tp: string, iface: string): AsaCommand {
  return command(
    `no ssl trust-point ${validIdentifier(tp, 'trustpoint')} ${validIdentifier(iface, 'interface')}`,
    'config',
  );
}

export function sslCipher(version: string, level: string, custom?: string): AsaCommand {
  if (!CIPHER_VERSIONS.includes(version))
    throw new InvalidInput(`ssl cipher version must be one of ${CIPHER_VERSIONS.join(', ')}`);
  if (level === 'custom') {
    return command(`ssl cipher ${version} custom "${validCipherString(custom ?? '')}"`, 'config');
  }
  if (!CIPHER_LEVELS.includes(level))
    throw new InvalidInput(`ssl cipher level must be custom or one of ${CIPHER_LEVELS.join(', ')}`);
  return command(`ssl cipher ${version} ${level}`, 'config');
}

export function writeMemory(): AsaCommand {
  return command('write memory', 'privileged', { timeoutMs: 120_000 });
}

/** `no crypto ca trustpoint TP noconfirm`: removes the trustpoint and its certificates, never the key pair. */
export function removeTrustpoint(tp: string): AsaCommand {
  return command(`no crypto ca trustpoint ${validIdentifier(tp, 'trustpoint')} noconfirm`, 'config');
}

/** Zeroize one key pair by label; an unlabeled zeroize is refused by the deny-list. */
export function zeroizeRsaKey(label: string): AsaCommand {
  return command(`crypto key zeroize rsa label ${validIdentifier(label, 'key label')} noconfirm`, 'config');
}
