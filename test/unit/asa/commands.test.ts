/** The command builder: every value validated, the deny-list, and each command's dialog table. */
import { splitPemCertificates } from '../../../devices/cert';
import * as cmd from '../../../devices/asa/commands';
import { InvalidInput } from '../../../devices/errors';
import { asaFixture } from './fixtures';

const caPem = splitPemCertificates(asaFixture('crypto_ca_authenticate__qytang-asa_terminal.txt'))[0];

describe('values', () => {
  it('accepts the names and DNs the rollover uses, in canonical form', () => {
    expect(cmd.generateRsaKey('VPN-2025_01.a').line).toBe('crypto key generate rsa label VPN-2025_01.a modulus 2048');
    expect(cmd.validSubjectName('cn=vpn.example.com-20250101, ou=PhoneVPN,O="Example, Inc.",st=CA,C=us')).toBe(
      'CN=vpn.example.com-20250101,OU=PhoneVPN,O="Example, Inc.",ST=CA,C=us',
    );
    expect(
      cmd.defineTrustpoint({ name: 'TP', enrollment: 'self', subjectName: 'CN=a', keypair: 'K' }).map((c) => c.line),
    ).toEqual(['crypto ca trustpoint TP', 'enrollment self', 'fqdn none', 'subject-name CN=a', 'keypair K', 'exit']);
    expect(cmd.sslCipher('tlsv1.2', 'custom', 'AES256-SHA:AES128-SHA').line).toBe(
      'ssl cipher tlsv1.2 custom "AES256-SHA:AES128-SHA"',
    );
    expect(cmd.validFqdn('VPN.Example.com')).toBe('vpn.example.com');
  });

  // The CLI-injection corpus: none of these may become a command.
  const badNames = [
    '',
    'a b',
    'tp\nwrite erase',
    'tp;reload',
    'tp"',
    "tp'",
    'tp\r',
    'tp\t',
    'x'.repeat(65),
    'tëst',
    'tp\u0000',
    'tp\u001b[2J',
    '名前',
  ];
  it.each(badNames)('refuses the name %j', (bad) => {
    expect(() => cmd.generateRsaKey(bad)).toThrow(InvalidInput);
    expect(() => cmd.bindTrustpoint(bad, 'outside')).toThrow(InvalidInput);
    expect(() => cmd.bindTrustpoint('TP', bad)).toThrow(InvalidInput);
    expect(() => cmd.showCryptoCaCertificates(bad)).toThrow(InvalidInput);
  });

  const badSubjects = [
    'CN=a\nwrite erase',
    'CN=a;reload',
    'CN=a"b',
    'CN="unbalanced',
    'CN=a,,O=b',
    'CN=ünïcödé',
    'CN=a\\,b',
    'XX=a',
    'OU=no common name',
    'CN=a,C=USA',
    `CN=${'a'.repeat(65)}`,
    'CN=a\u0007',
    'CN= leading',
    'CN=#hash',
    'CN=a<b>',
    'CN=a=b',
  ];
  it.each(badSubjects)('refuses the subject %j', (bad) => {
    expect(() => cmd.validSubjectName(bad)).toThrow(InvalidInput);
    expect(() => cmd.defineTrustpoint({ name: 'TP', enrollment: 'self', subjectName: bad, keypair: 'K' })).toThrow(
      InvalidInput,
    );
  });

  it.each([
    '-bad.example.com',
    'vpn',
    'vpn..example.com',
    'vpn.example.com\n',
    '*.example.com',
    'vpn_x.example.com',
    `${'a'.repeat(64)}.com`,
  ])('refuses the fqdn %j', (bad) => expect(() => cmd.validFqdn(bad)).toThrow(InvalidInput));

  it('refuses cipher strings that are not known OpenSSL suites', () => {
    expect(() => cmd.sslCipher('tlsv1.2', 'custom', 'AES256-SHA:"; reload')).toThrow(InvalidInput);
    expect(() => cmd.sslCipher('tlsv1.2', 'custom', 'AES256-SHA:NOT-A-SUITE')).toThrow(/NOT-A-SUITE/);
    expect(() => cmd.sslCipher('tlsv1.9', 'medium')).toThrow(InvalidInput);
    expect(() => cmd.sslCipher('tlsv1.2', 'weak')).toThrow(InvalidInput);
    expect(() => cmd.generateRsaKey('K', 1024 as 2048)).toThrow(InvalidInput);
  });

  it('only pastes a real certificate, re-encoded from its DER', () => {
    const c = cmd.authenticateCa('TP', caPem.replace(/\n/g, '\r\n'));
    expect(c.paste![0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(c.paste!.at(-1)).toBe('-----END CERTIFICATE-----');
    expect(c.paste!.every((l) => /^[A-Za-z0-9+/=-]+$|^-----/.test(l))).toBe(true);
    expect(() => cmd.importCertificate('TP', 'quit\nwrite erase')).toThrow(InvalidInput);
    expect(() => cmd.importCertificate('TP', `${caPem}\nquit\nreload`)).not.toThrow();
    expect(cmd.importCertificate('TP', `${caPem}\nquit\nreload`).paste!.join('\n')).not.toMatch(/quit|reload/);
  });
});

describe('deny-list', () => {
  it.each([
    'crypto ca export TP pkcs12 secret',
    'cry ca exp TP pkcs12 secret',
    'crypto key zeroize rsa',
    'crypto key zeroize rsa noconfirm',
    'crypto key zeroize',
    'write erase',
    'wr er',
    'erase disk0:',
    'reload',
    'rel noconfirm',
    'configure factory-default',
    'clear configure all',
    'show version\nreload',
  ])('refuses %j', (line) => {
    expect(() => cmd.checkCommandLine(line)).toThrow(InvalidInput);
  });

  it('allows zeroize by label and ordinary commands', () => {
    expect(() => cmd.checkCommandLine('crypto key zeroize rsa label VPN-2024 noconfirm')).not.toThrow();
    expect(cmd.zeroizeRsaKey('VPN-2024').line).toBe('crypto key zeroize rsa label VPN-2024 noconfirm');
    expect(() => cmd.checkCommandLine('write memory')).not.toThrow();
    expect(() => cmd.checkCommandLine('crypto ca export TP identity-certificate')).not.toThrow();
  });
});

describe('dialog tables', () => {
  const answer = (c: cmd.AsaCommand, question: string, transcript = '') => {
    const rule = c.dialogs.find((d) => d.question.test(question));
    if (!rule) return 'no rule';
    return typeof rule.answer === 'string' ? rule.answer : rule.answer(transcript);
  };

  it('never replaces a key pair', () => {
    expect(answer(cmd.generateRsaKey('K'), 'Do you really want to replace them? [yes/no]:')).toBeUndefined();
  });

  it('answers the enrollment questions (serial no, show the CSR, do not redisplay, never re-enroll)', () => {
    const e = cmd.enrollTerminal('TP');
    expect(answer(e, '% Include the device serial number in the subject name? [yes/no]:')).toBe('no');
    expect(answer(e, 'Display Certificate Request to terminal? [yes/no]:')).toBe('yes');
    expect(answer(e, 'Redisplay enrollment request? [yes/no]:')).toBe('no');
    expect(answer(e, '% Do you want to continue with re-enrollment? [yes/no]:')).toBeUndefined();
    expect(answer(cmd.enrollSelfSigned('TP'), 'Generate Self-Signed Certificate? [yes/no]:')).toBe('yes');
  });

  it('accepts a CA certificate only when the fingerprint shown is the pasted one (qytang transcript)', () => {
    const auth = cmd.authenticateCa('msca', caPem);
    const shown = asaFixture('crypto_ca_authenticate__qytang-asa_terminal.txt').split('Do you accept')[0];
    expect(answer(auth, 'Do you accept this certificate? [yes/no]:', shown)).toBe('yes');
    const forged = shown.replace('dbc1e67d', 'dbc1e67e');
    expect(answer(auth, 'Do you accept this certificate? [yes/no]:', forged)).toBeUndefined();
    expect(answer(auth, 'Do you accept this certificate? [yes/no]:', 'no fingerprint at all')).toBeUndefined();
  });
});
