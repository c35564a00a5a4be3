/** The phone-config reader on every real fixture, the seed's <vpnGroup> sample, .sgn files and encrypted stubs. */
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { checkCertHash, readPhoneConfig } from '../../../devices/phone-config';
import { buildSgnFile, readSgnFile } from '../../../devices/sgn';

const fixtures = path.resolve(__dirname, '../../fixtures');
const cnf = (name: string) => readFileSync(path.join(fixtures, 'phone-cnf', name));
const seed = readFileSync(path.join(fixtures, 'seed/cisco-tac-anyconnect-vpn-phone-ja.txt'), 'utf8');
const CUCM_7821 = 'cucm-generated_7821_SEP-config_from-ruby-literal.cnf.xml';

/** The first <vpnGroup> block the seed prints (its "download the config and find certHash" step). */
function seedVpnGroup(): string {
  const m = /<vpnGroup>[\s\S]*?<\/vpnGroup>/.exec(seed);
  if (!m) throw new Error('seed has no <vpnGroup> sample');
  return m[0];
}

/** The browser fingerprint the seed compares against (its table "SHA1 Fingerprint"). */
function seedFingerprint(): string {
  const m = /SHA1 Fingerprint\s+([0-9A-F:]{59})/.exec(seed);
  if (!m) throw new Error('seed has no SHA1 fingerprint');
  return m[1];
}

/** A CUCM-generated config with a vpnGroup inserted where CUCM puts it (a child of <device>). */
function cucmConfigWith(vpnGroup: string): Buffer {
  const xml = cnf(CUCM_7821).toString('utf8');
  return Buffer.from(xml.replace('</device>', `${vpnGroup}\n</device>`));
}

function tftpSigner() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '0a1b2c3d4e5f';
  cert.validity.notBefore = new Date('2024-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2029-01-01T00:00:00Z');
  const attrs = [
    { shortName: 'CN', value: 'cucm-pub.example.com' },
    { shortName: 'OU', value: 'UC' },
    { shortName: 'O', value: 'Example' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(
    forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    forge.md.sha256.create(),
  );
  return { certificatePem: forge.pki.certificateToPem(cert), privateKey };
}

describe('real config fixtures', () => {
  test('every fixture is read without throwing', () => {
    const names = readdirSync(path.join(fixtures, 'phone-cnf'));
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const name of names) expect(['config', 'unreadable']).toContain(readPhoneConfig(cnf(name), name).kind);
  });

  test('the malformed 79xx file (extra </line>, CRLF) is reported unreadable with where it breaks', () => {
    const r = readPhoneConfig(cnf('SEP0014A3712E61.cnf.xml'), 'SEP0014A3712E61.cnf.xml');
    expect(r.kind).toBe('unreadable');
    expect(r.kind === 'unreadable' && r.reason).toMatch(/not well-formed XML: .*line 148/);
    expect(checkCertHash(r, '5X6B6plUwUSXZnjQ4kGM33mpMXY=').state).toBe('unreadable');
  });

  test('the 7945 file (undeclared xsi:, comments) reads; commented-out loads are ignored; no vpnGroup → stale', () => {
    const r = readPhoneConfig(cnf('SEP6886A7C56885.cnf.xml'));
    expect(r).toMatchObject({
      kind: 'config',
      format: 'cnf.xml',
      deviceProtocol: 'SCCP',
      loadInformation: 'SCCP45.9-4-2SR4-3S',
    });
    expect(r.kind === 'config' && r.vpnGroup).toBeUndefined();
    expect(checkCertHash(r, '5X6B6plUwUSXZnjQ4kGM33mpMXY=')).toEqual({
      state: 'stale',
      detail: 'no <vpnGroup> in the config',
    });
  });

  test('the CUCM-generated 7821 file reads (double-spaced attributes, uuid, xsi: undeclared)', () => {
    const r = readPhoneConfig(cnf(CUCM_7821));
    expect(r).toMatchObject({ kind: 'config', deviceProtocol: 'SIP', loadInformation: '%FWLOAD%.12-5-1SR2-2' });
  });
});

describe("the seed's <vpnGroup> sample", () => {
  test('every field is read as the seed shows it', () => {
    const r = readPhoneConfig(Buffer.from(`<device>\n${seedVpnGroup()}\n</device>`));
    expect(r.kind).toBe('config');
    expect(r.kind === 'config' && r.vpnGroup).toEqual({
      mtu: 1290,
      failConnectTime: 30,
      authMethod: 2,
      authMethodName: 'certificate',
      pswdPersistent: false,
      autoNetDetect: false,
      enableHostIDCheck: false,
      urls: ['https://10.198.16.140/VPNPhone'],
      hashAlg: 0,
      certHashes: [{ index: 1, base64: '5X6B6p1UwUSXZnjQ4kGM33mpMXY=', hex: expect.stringMatching(/^E5:7E:81:EA:/) }],
    });
  });

  test("certHash1 decodes to the seed's fingerprint E5:7E:81:EA:…:31:76 once the OCR'd 1 is read as l", () => {
    const fingerprint = seedFingerprint();
    expect(fingerprint).toBe('E5:7E:81:EA:99:54:C1:44:97:66:78:D0:E2:41:8C:DF:79:A9:31:76');
    const printed = readPhoneConfig(Buffer.from(`<device>${seedVpnGroup()}</device>`));
    // The translation prints "6p1U" (OCR of "6plU"): the printed value is one character off the real hash.
    expect(printed.kind === 'config' && printed.vpnGroup?.certHashes[0].hex).not.toBe(fingerprint);
    const corrected = readPhoneConfig(Buffer.from(`<device>${seedVpnGroup().replace('6p1U', '6plU')}</device>`));
    expect(corrected.kind === 'config' && corrected.vpnGroup?.certHashes[0]).toEqual({
      index: 1,
      base64: '5X6B6plUwUSXZnjQ4kGM33mpMXY=',
      hex: fingerprint,
    });
    expect(checkCertHash(corrected, fingerprint)).toEqual({ state: 'verified', matchedIndex: 1 });
  });

  test('inside a full CUCM-generated config, with CRLF line endings too', () => {
    const vpn = seedVpnGroup().replace('6p1U', '6plU');
    for (const bytes of [cucmConfigWith(vpn), Buffer.from(cucmConfigWith(vpn).toString().replace(/\n/g, '\r\n'))]) {
      const r = readPhoneConfig(bytes, 'SEP0011215A1AE3.cnf.xml');
      expect(r.kind === 'config' && r.vpnGroup?.urls).toEqual(['https://10.198.16.140/VPNPhone']);
      expect(checkCertHash(r, '5X6B6plUwUSXZnjQ4kGM33mpMXY=').state).toBe('verified');
    }
  });
});

describe('set membership, never position', () => {
  const OLD = '5X6B6plUwUSXZnjQ4kGM33mpMXY=';
  const NEW = 'Eom4p6qf/YSGXjiTnzRmphtWCPw='; // the seed console's "Leaf cert hash = 1289B8A7…" in base64
  const withHashes = (...hashes: string[]) =>
    readPhoneConfig(
      cucmConfigWith(
        seedVpnGroup().replace(
          /<certHash1>.*<\/certHash1>/,
          hashes.map((h, i) => `<certHash${i + 1}>${h}</certHash${i + 1}>`).join('\n'),
        ),
      ),
    );

  test('the new hash is found as certHash2 and as certHash1; hex input works too', () => {
    expect(checkCertHash(withHashes(OLD, NEW), NEW)).toEqual({ state: 'verified', matchedIndex: 2 });
    expect(checkCertHash(withHashes(NEW, OLD), NEW)).toEqual({ state: 'verified', matchedIndex: 1 });
    expect(checkCertHash(withHashes(OLD, NEW), '1289B8A7AA9FFD84865E38939F3466A61B5608FC').state).toBe('verified');
  });

  test('a config with only the old hash is stale, and says what it has', () => {
    const v = checkCertHash(withHashes(OLD), NEW);
    expect(v.state).toBe('stale');
    expect(v.detail).toContain(OLD);
  });

  test('certHashN are ordered by N even when the file lists them out of order', () => {
    const r = readPhoneConfig(
      cucmConfigWith(
        seedVpnGroup().replace(
          /<certHash1>.*<\/certHash1>/,
          `<certHash2>${NEW}</certHash2><certHash1>${OLD}</certHash1>`,
        ),
      ),
    );
    expect(r.kind === 'config' && r.vpnGroup?.certHashes.map((h) => h.index)).toEqual([1, 2]);
  });

  test('a malformed expected hash is bad input, not a mismatch', () => {
    expect(() => checkCertHash(withHashes(OLD), 'not-a-hash')).toThrow(/not a SHA-1 hash/);
  });
});

describe('.sgn and encrypted configs', () => {
  const signer = tftpSigner();
  const payload = cucmConfigWith(seedVpnGroup().replace('6p1U', '6plU'));

  test('a .sgn file: header skipped by its length field, header fields read, payload unchanged', () => {
    const at = new Date('2025-06-01T12:00:00Z');
    const sgn = buildSgnFile({ payload, fileName: 'SEP0011215A1AE3.cnf.xml.sgn', signer, at });
    const { header, payload: inner } = readSgnFile(sgn);
    expect(inner.equals(payload)).toBe(true);
    expect(header).toMatchObject({
      version: '1.2',
      signerName: 'CN=cucm-pub.example.com;OU=UC;O=Example',
      serialHex: '0a1b2c3d4e5f',
      digest: 'sha1',
      signatureBytes: 256,
      fileName: 'SEP0011215A1AE3.cnf.xml.sgn',
      timestamp: at.toISOString(),
    });
    expect(header.headerLength % 4).toBe(0);
    // The signature covers the whole file without the signature TLV (as certutils' sgnfile checks it).
    const sigAt = sgn.indexOf(Buffer.from([12, 1, 0]));
    const signature = sgn.subarray(sigAt + 3, sigAt + 3 + 256);
    const signed = Buffer.concat([sgn.subarray(0, sigAt), sgn.subarray(sigAt + 3 + 256)]);
    expect(createVerify('RSA-SHA1').update(signed).verify(signer.certificatePem, signature)).toBe(true);
    const r = readPhoneConfig(sgn, 'SEP0011215A1AE3.cnf.xml.sgn');
    expect(r).toMatchObject({ kind: 'config', format: 'sgn', sgn: { fileName: 'SEP0011215A1AE3.cnf.xml.sgn' } });
    expect(checkCertHash(r, '5X6B6plUwUSXZnjQ4kGM33mpMXY=').state).toBe('verified');
  });

  test('a .sgn is recognised by its content when the name is unknown', () => {
    const sgn = buildSgnFile({ payload, fileName: 'x.cnf.xml.sgn', signer });
    expect(readPhoneConfig(sgn).format).toBe('sgn');
  });

  test('a .sgn whose header length is corrupt still yields its XML by the <?xml fallback', () => {
    const sgn = Buffer.from(buildSgnFile({ payload, fileName: 'x.cnf.xml.sgn', signer }));
    sgn.writeUInt16BE(0xfff0, 8);
    const r = readPhoneConfig(sgn, 'x.cnf.xml.sgn');
    expect(checkCertHash(r, '5X6B6plUwUSXZnjQ4kGM33mpMXY=').state).toBe('verified');
  });

  test('.enc.sgn and the <encrConfig>true</encrConfig> stub are "encrypted", never stale', () => {
    const enc = readPhoneConfig(
      Buffer.from([1, 0, 2, 1, 2, 2, 0, 2, 0, 12, 0x9a, 0x33]),
      'SEP0011215A1AE3.cnf.xml.enc.sgn',
    );
    expect(enc).toMatchObject({ kind: 'encrypted', format: 'enc.sgn' });
    const stubXml = Buffer.from(
      '<device xsi:type="axl:XIPPhone"><fullConfig>false</fullConfig><encrConfig>true</encrConfig></device>',
    );
    const stub = readPhoneConfig(
      buildSgnFile({ payload: stubXml, fileName: 'SEP0011215A1AE3.cnf.xml.sgn', signer }),
      'SEP0011215A1AE3.cnf.xml.sgn',
    );
    expect(stub.kind).toBe('encrypted');
    expect(checkCertHash(stub, '5X6B6plUwUSXZnjQ4kGM33mpMXY=').state).toBe('encrypted');
  });

  test('garbage and DOCTYPE payloads are unreadable, not exceptions', () => {
    expect(readPhoneConfig(Buffer.from('HTTP/1.1 404 Not Found')).kind).toBe('unreadable');
    const bomb = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><device>&a;</device>';
    expect(readPhoneConfig(Buffer.from(bomb))).toMatchObject({
      kind: 'unreadable',
      reason: 'unexpected DOCTYPE in a phone config',
    });
    expect(readPhoneConfig(Buffer.from([1, 0, 2, 1, 2, 2, 0, 2, 0xff, 0xff]), 'a.sgn').kind).toBe('unreadable');
  });
});
