import forge from 'node-forge';
import { parseCertificate, splitPemCertificates } from '../../../devices/cert';
import { parseAsaDate, formatAsaDate } from '../../../devices/asa/parse/asa-date';
import { parseShowCryptoCaCertificates } from '../../../devices/asa/parse/crypto-ca-certificates';
import { parseShowCryptoCaTrustpoints } from '../../../devices/asa/parse/crypto-ca-trustpoints';
import { parseCryptoCaEnroll } from '../../../devices/asa/parse/crypto-ca-enroll';
import { parseCryptoCaExport } from '../../../devices/asa/parse/crypto-ca-export';
import { parseCryptoCaAuthenticate, parseCryptoCaImport } from '../../../devices/asa/parse/crypto-ca-paste';
import { parseShowRunCryptoCaTrustpoint, parseCertificateChains } from '../../../devices/asa/parse/run-crypto-ca';
import { parseShowCryptoKeyMypubkey } from '../../../devices/asa/parse/crypto-key';
import { parseCryptoKeyGenerate } from '../../../devices/asa/parse/crypto-key-generate';
import { createHash } from 'node:crypto';
import { asaFixture } from './fixtures';

describe('parseShowCryptoCaCertificates', () => {
  it("reads the CA and identity blocks of a Let's Encrypt staging trustpoint (cert_asa_install README)", () => {
    const { certificates } = parseShowCryptoCaCertificates(
      asaFixture('show_crypto_ca_certificates__letsencrypt-staging_asa_2022.txt'),
    );
    expect(certificates.map((c) => c.kind)).toEqual(['ca', 'identity']);
    const [ca, id] = certificates;
    expect(ca).toMatchObject({
      header: 'CA Certificate',
      status: 'Available',
      serialHex: '4df42b95d1ee9b3a4c2eb33b8d105dd6',
      usage: 'Signature',
      publicKey: { type: 'RSA', bits: 2048 },
      signatureAlgorithm: 'SHA256 with RSA Encryption',
      issuerRfc2253: 'CN=(STAGING) Pretend Pear X1,O=(STAGING) Internet Security Research Group,C=US',
      subjectRfc2253: "CN=(STAGING) Artificial Apricot R3,O=(STAGING) Let's Encrypt,C=US",
      crlDistributionPoints: ['http://stg-x1.c.lencr.org/'],
      ocspUrls: [],
      storage: 'config',
      associatedTrustpoints: ['20220621'],
    });
    expect(ca.validity).toEqual({
      start: { text: '00:00:00 UTC Sep 4 2020', iso: '2020-09-04T00:00:00.000Z' },
      end: { text: '16:00:00 UTC Sep 15 2025', iso: '2025-09-15T16:00:00.000Z' },
    });
    expect(id).toMatchObject({
      header: 'Certificate',
      status: 'Available',
      serialHex: '00fa91301208ae678236ea17cf95b885129f7b',
      usage: 'General Purpose',
      subject: [{ key: 'cn', value: 'vpn.domain.com' }],
      subjectRfc2253: 'CN=vpn.domain.com',
      ocspUrls: ['http://stg-r3.o.lencr.org'],
      crlDistributionPoints: [],
      associatedTrustpoints: ['20220621'],
    });
    expect(id.validity.end).toEqual({ text: '22:18:14 UTC Sep 18 2022', iso: '2022-09-18T22:18:14.000Z' });
  });

  it('reads a CA-only trustpoint with dc= components and a GMT clock (qytang lab)', () => {
    const { certificates } = parseShowCryptoCaCertificates(
      asaFixture('show_crypto_ca_certificates__qytang-asa_CA-only.txt'),
    );
    expect(certificates).toHaveLength(1);
    expect(certificates[0]).toMatchObject({
      kind: 'ca',
      serialHex: '25c466068f31668049699b34d62723f7',
      subjectRfc2253: 'CN=qytang-WIN2019-CA,DC=qytang,DC=com',
      associatedTrustpoints: ['msca'],
    });
    expect(certificates[0].storage).toBeUndefined();
    expect(certificates[0].validity.start?.iso).toBe('2023-10-21T09:15:45.000Z');
  });

  it('matches what devices/cert computes from the same CA certificate (serial and subject)', () => {
    const caPem = splitPemCertificates(asaFixture('crypto_ca_authenticate__qytang-asa_terminal.txt'))[0];
    const info = parseCertificate(caPem);
    const [block] = parseShowCryptoCaCertificates(
      asaFixture('show_crypto_ca_certificates__qytang-asa_CA-only.txt'),
    ).certificates;
    expect(block.serialHex).toBe(info.serialHex);
    expect(block.subjectRfc2253).toBe(info.subject.rfc2253);
    expect(block.subject.map((c) => `${c.key}=${c.value}`)).toEqual(info.subject.asaLines);
  });

  it('accepts the IOS "(hex)" serial label, EDT dates and several associated trustpoints (domain.md §1.6 shape)', () => {
    const text = [
      'Certificate',
      '  Status: Available',
      '  Certificate Serial Number (hex): 0D5071B8',
      '  Public Key Type: EC (256 bits)',
      '  Validity Date:',
      '    start date: 20:00:00 EDT Sep 12 2017',
      '    end   date: 08:00:00 CST Sep 17 2020',
      '  Associated Trustpoints: TP-A TP-B',
    ].join('\n');
    const [c] = parseShowCryptoCaCertificates(text).certificates;
    expect(c.serialHex).toBe('0d5071b8');
    expect(c.publicKey).toEqual({ type: 'EC', bits: 256 });
    expect(c.validity.start).toEqual({ text: '20:00:00 EDT Sep 12 2017', iso: '2017-09-13T00:00:00.000Z' });
    // CST is both US Central and China Standard Time: no ISO value rather than a wrong one.
    expect(c.validity.end).toEqual({ text: '08:00:00 CST Sep 17 2020' });
    expect(c.associatedTrustpoints).toEqual(['TP-A', 'TP-B']);
  });

  it('returns no blocks for empty output', () => {
    expect(parseShowCryptoCaCertificates('asa# show crypto ca certificates NONE\nasa#')).toEqual({ certificates: [] });
  });
});

describe('ASA dates', () => {
  it('round-trips the lab format', () => {
    const d = new Date('2031-02-03T04:05:06Z');
    expect(formatAsaDate(d)).toBe('04:05:06 UTC Feb 3 2031');
    expect(parseAsaDate(formatAsaDate(d)).iso).toBe(d.toISOString());
  });
});

describe('parseShowCryptoCaTrustpoints', () => {
  it('reads IOS-style trustpoint blocks', () => {
    const text = [
      'Trustpoint VPN-2025:',
      '    Subject Name:',
      '    cn=vpn.example.com',
      '    ou=PhoneVPN-2025',
      '          Serial Number: 5C2E8B01',
      '    Certificate configured.',
      'Trustpoint NEW:',
      '    Not authenticated.',
    ].join('\n');
    expect(parseShowCryptoCaTrustpoints(text).trustpoints).toEqual([
      {
        name: 'VPN-2025',
        subject: [
          { key: 'cn', value: 'vpn.example.com' },
          { key: 'ou', value: 'PhoneVPN-2025' },
        ],
        serialHex: '5c2e8b01',
        configured: true,
        statusLines: ['Certificate configured.'],
      },
      { name: 'NEW', subject: [], configured: false, statusLines: ['Not authenticated.'] },
    ]);
  });
});

describe('parseShowRunCryptoCaTrustpoint', () => {
  it('reads a terminal-enrollment trustpoint with a quoted O= value (nee-fw3b01)', () => {
    const { trustpoints } = parseShowRunCryptoCaTrustpoint(asaFixture('show_run_crypto_ca_trustpoint__nee-fw3b01.txt'));
    expect(trustpoints).toEqual([
      {
        name: 'vpn.chuck.com-2017',
        enrollment: 'terminal',
        fqdn: 'vpn.chuck.com',
        subjectName: 'CN=vpn.chuck.com,OU=Information Technology,O="chuck, Inc.",C=US,St=CA,L=Sunnyvale',
        keypair: 'vpn.chuck.com-2017',
        crlConfigure: true,
        otherLines: [],
      },
    ]);
  });

  it('reads the self-signed community form (no fqdn, proxy-ldc-issuer) and certificate chains as PEM', () => {
    const caPem = splitPemCertificates(asaFixture('crypto_ca_authenticate__qytang-asa_terminal.txt'))[0];
    const der = parseCertificate(caPem);
    const hex = Buffer.from(der.pem.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('hex');
    const hexLines = hex.match(/.{1,64}/g)!.map((l) => `    ${l.match(/.{1,8}/g)!.join(' ')}`);
    const text = [
      'crypto ca trustpoint X',
      ' proxy-ldc-issuer',
      ' id-usage ssl-ipsec',
      ' no fqdn',
      ' subject-name CN=firewall-name',
      ' enrollment self',
      'crypto ca certificate chain X',
      ` certificate ca ${der.serialHex}`,
      ...hexLines,
      '  quit',
    ].join('\n');
    expect(parseShowRunCryptoCaTrustpoint(text).trustpoints).toEqual([
      {
        name: 'X',
        enrollment: 'self',
        fqdn: null,
        subjectName: 'CN=firewall-name',
        idUsage: 'ssl-ipsec',
        crlConfigure: false,
        otherLines: ['proxy-ldc-issuer'],
      },
    ]);
    const { chains } = parseCertificateChains(text);
    expect(chains).toHaveLength(1);
    expect(chains[0].certificates).toHaveLength(1);
    expect(chains[0].certificates[0]).toMatchObject({ serialHex: der.serialHex, ca: true });
    expect(parseCertificate(chains[0].certificates[0].pem).sha1Base64).toBe(der.sha1Base64);
  });
});

describe('enrollment, paste and export transcripts', () => {
  it('extracts the armoured CSR and the announced names from a terminal enrollment (qytang)', () => {
    const e = parseCryptoCaEnroll(asaFixture('crypto_ca_enroll__qytang-asa_terminal-csr.txt'));
    expect(e.subjectName).toBe('CN=asa.qytang.com, C=CN, L=Beijing, ST=Beijing, O=qytang, OU=qytangsec');
    expect(e.fqdn).toBe('asa.qytang.com');
    expect(e.ipAddress).toBe('202.100.3.10');
    expect(e.armoured).toBe(true);
    expect(e.questions).toEqual([
      { question: '% Include the device serial number in the subject name? [yes/no]', answer: 'no' },
      { question: 'Display Certificate Request to terminal? [yes/no]', answer: 'yes' },
    ]);
    expect(e.csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\nMIIDKzCCAhMCAQAw/);
    // The CSR's public key is the one in the later imported certificate (same key pair).
    const csrKey = forge.pki.certificationRequestFromPem(e.csrPem!).publicKey as forge.pki.rsa.PublicKey;
    const certPem = splitPemCertificates(asaFixture('crypto_ca_import_certificate__qytang-asa.txt'))[0];
    const certKey = forge.pki.certificateFromPem(certPem).publicKey as forge.pki.rsa.PublicKey;
    expect(csrKey.n.toString(16)).toBe(certKey.n.toString(16));
  });

  it('accepts a CSR printed without armour (some releases) and re-armours it', () => {
    const armoured = parseCryptoCaEnroll(asaFixture('crypto_ca_enroll__qytang-asa_terminal-csr.txt')).csrPem!;
    const body = armoured.split('\n').filter((l) => l && !l.startsWith('-----'));
    const bare = [
      'Certificate Request follows:',
      '',
      ...body,
      '',
      '---End - This line not part of the certificate request---',
      '',
      'Redisplay enrollment request? [yes/no]: no',
    ].join('\n');
    const e = parseCryptoCaEnroll(bare);
    expect(e.armoured).toBe(false);
    expect(e.csrPem).toBe(armoured);
  });

  it('gives no CSR for a self-signed enrollment transcript', () => {
    const e = parseCryptoCaEnroll(
      '% The fully-qualified domain name in the certificate will be: vpn.example.com\n' +
        '% Include the device serial number in the subject name? [yes/no]: no\nGenerate Self-Signed Certificate? [yes/no]: yes\n',
    );
    expect(e.csrPem).toBeUndefined();
    expect(e.fqdn).toBe('vpn.example.com');
  });

  it('reads the CA fingerprint the ASA shows, which is the MD5 of the pasted certificate (qytang)', () => {
    const text = asaFixture('crypto_ca_authenticate__qytang-asa_terminal.txt');
    const a = parseCryptoCaAuthenticate(text);
    expect(a).toEqual({ fingerprint: 'dbc1e67d061ff7f29f9b3a1063fc7912', accepted: true, imported: true });
    const der = Buffer.from(splitPemCertificates(text)[0].replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(createHash('md5').update(der).digest('hex')).toBe(a.fingerprint);
  });

  it('reads a successful identity import (qytang)', () => {
    expect(parseCryptoCaImport(asaFixture('crypto_ca_import_certificate__qytang-asa.txt'))).toEqual({
      fqdn: 'asa.qytang.com',
      ipAddress: '202.100.3.10',
      imported: true,
    });
    expect(parseCryptoCaImport('% Error in saving certificate: status = FAIL').imported).toBe(false);
  });

  it('pulls the PEM out of an export transcript by its markers only', () => {
    const pem = splitPemCertificates(asaFixture('crypto_ca_import_certificate__qytang-asa.txt'))[0];
    const transcript = `asa(config)# crypto ca export msca identity-certificate\r\n\r\nThe PEM encoded identity certificate follows:\r\n${pem.replace(/\n/g, '\r\n')}asa(config)# `;
    const e = parseCryptoCaExport(transcript);
    expect(e.certificates).toHaveLength(1);
    expect(parseCertificate(e.pem!).sha1Base64).toBe(parseCertificate(pem).sha1Base64);
    expect(e.pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
    expect(parseCryptoCaExport('ERROR: no certificate')).toEqual({ certificates: [] });
  });

  it('sees the PKCS#12 import banner as a paste prompt, not a certificate (ASA-FW1)', () => {
    const text = asaFixture('crypto_ca_import_pkcs12_prompt__ASA-FW1.txt');
    expect(parseCryptoCaExport(text)).toEqual({ certificates: [] });
    expect(parseCryptoCaImport(text).imported).toBe(false);
  });
});

describe('key pairs', () => {
  it('reads a fresh 2048-bit default key generation (fw1)', () => {
    expect(parseCryptoKeyGenerate(asaFixture('crypto_key_generate_rsa__fw1_modulus2048.txt'))).toEqual({
      label: '<Default-RSA-Key>',
      replacePrompt: false,
      started: true,
    });
  });

  it('sees the replace-existing warning and the answer given (PARIMETER)', () => {
    expect(parseCryptoKeyGenerate(asaFixture('crypto_key_generate_rsa__PARIMETER_replace-existing.txt'))).toEqual({
      label: '<Default-RSA-Key>',
      replacePrompt: true,
      replaceAnswer: 'yes',
      started: true,
    });
  });

  it('reads show crypto key mypubkey rsa with labels, sizes and key data', () => {
    const text = [
      'Key pair was generated at: 10:20:22 UTC Jan 1 2024',
      'Key name: <Default-RSA-Key>',
      'Usage: General Purpose Key',
      'Modulus Size (bits): 2048',
      'Storage: config',
      'Key Data:',
      '',
      '  30820122 300d0609 2a864886 f70d0101',
      '  01050003',
      'Key pair was generated at: 11:00:00 UTC Feb 2 2025',
      'Key name: VPN-2025',
      'Usage: General Purpose Key',
      'Modulus Size (bits): 4096',
    ].join('\n');
    expect(parseShowCryptoKeyMypubkey(text).keys).toEqual([
      {
        label: '<Default-RSA-Key>',
        generatedAt: '10:20:22 UTC Jan 1 2024',
        usage: 'General Purpose Key',
        modulusBits: 2048,
        storage: 'config',
        publicKeyHex: '30820122300d06092a864886f70d010101050003',
      },
      { label: 'VPN-2025', generatedAt: '11:00:00 UTC Feb 2 2025', usage: 'General Purpose Key', modulusBits: 4096 },
    ]);
  });
});
