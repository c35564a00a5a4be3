/**
 * What the phones need from the ASA's TLS configuration: AES256-SHA or AES128-SHA (7962G firmware 9.1.1
 * proposes only these two; seed doc). ASA cipher levels map to suites as the ASA 9.x command reference lists
 * them; 8.x `ssl encryption` names (aes256-sha1) are accepted too.
 */
export const PHONE_CIPHERS = ['AES256-SHA', 'AES128-SHA'] as const;

const EIGHT_X_NAMES: Record<string, string> = {
  'aes256-sha1': 'AES256-SHA',
  'aes128-sha1': 'AES128-SHA',
  '3des-sha1': 'DES-CBC3-SHA',
  'rc4-sha1': 'RC4-SHA',
  'rc4-md5': 'RC4-MD5',
  'des-sha1': 'DES-CBC-SHA',
  'dhe-aes256-sha1': 'DHE-RSA-AES256-SHA',
  'dhe-aes128-sha1': 'DHE-RSA-AES128-SHA',
  'null-sha1': 'NULL-SHA',
};

const MEDIUM = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES256-GCM-SHA384',
  'AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'DHE-RSA-AES256-SHA256',
  'AES256-SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES128-GCM-SHA256',
  'AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'DHE-RSA-AES128-SHA256',
  'AES128-SHA256',
  'DHE-RSA-AES256-SHA',
  'AES256-SHA',
  'DHE-RSA-AES128-SHA',
  'AES128-SHA',
];

/** The suites of each ASA cipher level (TLS 1.2 view). `high` keeps only 256-bit SHA-2 suites: no phone cipher. */
export const CIPHER_LEVELS: Record<string, string[]> = {
  all: [...MEDIUM, 'DES-CBC3-SHA'],
  low: [...MEDIUM, 'DES-CBC3-SHA'],
  medium: MEDIUM,
  fips: MEDIUM,
  high: MEDIUM.filter((c) => /AES256/.test(c) && /SHA(256|384)$/.test(c)),
};

/** OpenSSL-style names from a level, a custom string, or an 8.x list. */
export function suitesOf(setting: { level: string; custom?: string }): string[] {
  if (setting.level === 'custom') return (setting.custom ?? '').split(':').filter(Boolean);
  return CIPHER_LEVELS[setting.level] ?? [];
}

export function normaliseCipherName(name: string): string {
  return EIGHT_X_NAMES[name.toLowerCase()] ?? name.toUpperCase();
}

export function includesPhoneCipher(suites: string[]): boolean {
  const names = suites.map(normaliseCipherName);
  return PHONE_CIPHERS.some((c) => names.includes(c));
}

/** Every OpenSSL suite name the command builder lets into an `ssl cipher … custom "…"` string. */
export const KNOWN_CIPHERS: ReadonlySet<string> = new Set([
  ...MEDIUM,
  'DES-CBC3-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-CHACHA20-POLY1305',
]);
