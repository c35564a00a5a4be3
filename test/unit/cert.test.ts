/** devices/cert.ts on real certificates and the worked examples of domain.md §5.3. */
import { createHash, X509Certificate } from 'node:crypto';
import {
  derToPem,
  hostIdMatches,
  parseCertificate,
  sameSerial,
  sha1Forms,
  splitPemCertificates,
  toDer,
} from '../../devices/cert';
import { InvalidInput } from '../../devices/errors';
import { asaFixture, seedBetween } from './asa/fixtures';

const importedPem = splitPemCertificates(asaFixture('crypto_ca_import_certificate__qytang-asa.txt'))[0];
const caPem = splitPemCertificates(asaFixture('crypto_ca_authenticate__qytang-asa_terminal.txt'))[0];

describe('hash forms (the seed doc\'s "decode the hash" step)', () => {
  it('turns the seed browser fingerprint into the certHash the phone config carries', () => {
    const fingerprint = seedBetween('SHA1 Fingerprint', 'SHA1 Fingerprint').split('\t')[1].trim();
    expect(fingerprint).toBe('E5:7E:81:EA:99:54:C1:44:97:66:78:D0:E2:41:8C:DF:79:A9:31:76');
    // The translated seed prints "6p1U" (OCR l→1); the real value has "6plU" (domain.md §5.3).
    expect(sha1Forms(fingerprint)).toEqual({
      sha1Hex: fingerprint,
      sha1Base64: '5X6B6plUwUSXZnjQ4kGM33mpMXY=',
      input: 'hex',
    });
    expect(sha1Forms('5X6B6plUwUSXZnjQ4kGM33mpMXY=')).toEqual({
      sha1Hex: fingerprint,
      sha1Base64: '5X6B6plUwUSXZnjQ4kGM33mpMXY=',
      input: 'base64',
    });
  });

  it('turns the phone console "Leaf cert hash" into base64', () => {
    expect(sha1Forms('1289B8A7AA9FFD84865E38939F3466A61B5608FC').sha1Base64).toBe('Eom4p6qf/YSGXjiTnzRmphtWCPw=');
    expect(sha1Forms('12 89 b8 a7 aa 9f fd 84 86 5e 38 93 9f 34 66 a6 1b 56 08 fc').sha1Base64).toBe(
      'Eom4p6qf/YSGXjiTnzRmphtWCPw=',
    );
  });

  it('refuses text that is neither form', () => {
    expect(() => sha1Forms('E5:7E:81')).toThrow(InvalidInput);
    expect(() => sha1Forms('5X6B6p1UwUSXZnjQ4kGM33mpMX')).toThrow(InvalidInput);
    expect(() => sha1Forms('not a hash at all, not even close')).toThrow(InvalidInput);
  });
});

describe('parseCertificate', () => {
  it('gives every form of the identity certificate imported on the qytang ASA', () => {
    const c = parseCertificate(importedPem);
    const der = toDer(importedPem);
    expect(c.sha1Base64).toBe(createHash('sha1').update(der).digest('base64'));
    expect(c.sha1Hex).toBe(new X509Certificate(der).fingerprint);
    expect(c.sha256Hex).toBe(new X509Certificate(der).fingerprint256);
    expect(c.serialHex).toBe('780000002f946b7deea268b8d200000000002f');
    expect(c.serialDecimal).toBe(BigInt('0x780000002f946b7deea268b8d200000000002f').toString(10));
    expect(c.issuer.rfc2253).toBe('CN=qytang-WIN2019-CA,DC=qytang,DC=com');
    expect(c.issuer.openssl).toBe('DC = com, DC = qytang, CN = qytang-WIN2019-CA');
    expect(c.issuer.asaLines).toEqual(['cn=qytang-WIN2019-CA', 'dc=qytang', 'dc=com']);
    expect(c.subject.rfc2253).toBe(
      'CN=asa.qytang.com,OU=qytangsec,O=qytang,L=Beijing,ST=Beijing,C=CN,unstructuredName=asa.qytang.com,unstructuredAddress=202.100.3.10',
    );
    // The ASA shows unstructuredName/unstructuredAddress as hostname=/ipaddress=.
    expect(c.subject.asaLines.slice(-2)).toEqual(['hostname=asa.qytang.com', 'ipaddress=202.100.3.10']);
    expect(c.subjectAltNames).toEqual({ dns: ['asa.qytang.com'], ip: [] });
    expect(c.commonNames).toEqual(['asa.qytang.com']);
    expect(c.notBefore).toBe('2023-10-26T09:14:06.000Z');
    expect(c.notAfter).toBe('2025-10-25T09:14:06.000Z');
    expect(c.keyType).toBe('RSA');
    expect(c.keyBits).toBe(2048);
    expect(c.selfSigned).toBe(false);
  });

  it('recognises the self-signed root and reads DER as well as PEM', () => {
    const c = parseCertificate(toDer(caPem));
    expect(c.selfSigned).toBe(true);
    expect(c.serialHex).toBe('25c466068f31668049699b34d62723f7');
    expect(c.pem).toBe(derToPem(toDer(caPem)));
    expect(parseCertificate(importedPem).issuer.rfc2253).toBe(c.subject.rfc2253);
  });

  it('refuses input that is not a certificate', () => {
    expect(() => parseCertificate('hello')).toThrow(InvalidInput);
    expect(() => parseCertificate('-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----')).toThrow(
      InvalidInput,
    );
    expect(() => parseCertificate(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow(InvalidInput);
  });
});

describe('serials and host ID', () => {
  it('compares serials numerically (ASA sign byte vs CUCM lower hex)', () => {
    expect(sameSerial('00fa91301208ae678236ea17cf95b885129f7b', 'FA91301208AE678236EA17CF95B885129F7B')).toBe(true);
    expect(sameSerial('df:f2:c4:50', 'dff2c450')).toBe(true);
    expect(sameSerial('dff2c450', 'dff2c451')).toBe(false);
  });

  it('applies the phone host-ID rule: exact CN/SAN, no wildcard, no IP URL', () => {
    const cert = { commonNames: ['vpn.example.com-20250101'], subjectAltNames: { dns: ['vpn.example.com'], ip: [] } };
    expect(hostIdMatches('vpn.example.com', cert).match).toBe(true);
    expect(hostIdMatches('VPN.example.com.', cert).match).toBe(true);
    expect(hostIdMatches('other.example.com', cert)).toEqual({
      match: false,
      reason: "other.example.com is not among the certificate's CN/SAN (vpn.example.com-20250101, vpn.example.com)",
    });
    expect(hostIdMatches('10.198.16.140', cert).match).toBe(false);
    const wildcard = { commonNames: ['*.example.com'], subjectAltNames: { dns: [], ip: [] } };
    expect(hostIdMatches('vpn.example.com', wildcard).reason).toMatch(/wildcard/);
    expect(hostIdMatches('asa.qytang.com', parseCertificate(importedPem)).match).toBe(true);
  });
});
