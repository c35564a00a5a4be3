import { verify } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseCertificate } from '../../../devices/cert';
import { parseXml, path, text } from '../../../devices/cucm/xml';
import { checkCertHash, readPhoneConfig } from '../../../devices/phone-config';
import { CucmLab, generatePhoneSpecs, startCucmLab } from '../../../lab/cucm';
import { axlClient, oldAndNewCertificates } from './helpers';

const certs = oldAndNewCertificates();
const old = parseCertificate(certs.old);
const renewed = parseCertificate(certs.renewed);
const both = [
  { issuerName: old.issuer.rfc2253, serialNumber: old.serialHex },
  { issuerName: renewed.issuer.rfc2253, serialNumber: renewed.serialHex },
];

/** The `<vpnGroup>` of a config file, read the way a phone (or the verifier) reads it. */
function vpnGroupOf(xml: string) {
  const group = path(parseXml(xml), 'device', 'vpnGroup') as Record<string, unknown> | undefined;
  if (!group) return undefined;
  const credentials = group.credentials as Record<string, unknown>;
  const addresses = group.addresses as Record<string, unknown>;
  return {
    authMethod: text(group.authMethod),
    enableHostIDCheck: text(group.enableHostIDCheck),
    hashAlg: text(credentials.hashAlg),
    hashes: Object.keys(credentials)
      .filter((k) => k.startsWith('certHash'))
      .map((k) => text(credentials[k])),
    urls: Object.keys(addresses).map((k) => text(addresses[k])),
  };
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Parse the .sgn TLV header: version, header length, file name, signature position. */
function readSgn(buf: Buffer) {
  expect(buf.readUInt8(0)).toBe(1);
  expect(buf.readUInt16BE(1)).toBe(2);
  const version = `${buf[3]}.${buf[4]}`;
  expect(buf.readUInt8(5)).toBe(2);
  const headerLength = buf.readUInt16BE(8);
  let i = 10;
  let fileName = '';
  let signature: { at: number; bytes: Buffer } | undefined;
  let digest = 0;
  while (i < headerLength) {
    const tag = buf[i];
    if (tag === 13) {
      i += 1;
      continue;
    }
    const len = buf.readUInt16BE(i + 1);
    if ([3, 7, 9].includes(tag)) {
      i += 3; // containers: step into their nested TLVs
      continue;
    }
    const value = buf.subarray(i + 3, i + 3 + len);
    if (tag === 14) fileName = value.subarray(0, -1).toString();
    if (tag === 12) signature = { at: i, bytes: value };
    if (tag === 8) digest = value[0];
    i += 3 + len;
  }
  return { version, headerLength, fileName, signature, digest, payload: buf.subarray(headerLength) };
}

describe('config-file builder (CUCM TFTP service)', () => {
  let lab: CucmLab;
  beforeAll(async () => {
    lab = await startCucmLab({
      rebuildDelayMs: 400,
      phones: [
        ...generatePhoneSpecs(3),
        { name: 'SEP00CC00000001', encryptedConfig: true },
        { name: 'SEP00CC00000002', commonPhoneConfigName: 'Standard Common Phone Profile' },
      ],
      vpn: { certificates: [certs.old], url: 'https://vpn.example.com/PhoneVPN' },
    });
    lab.seedTrustCertificate(certs.renewed);
    await until(() => lab.pendingRebuilds() === 0);
  });
  afterAll(async () => lab?.close());

  it("puts exactly the gateway's hashes in <vpnGroup>, and only after updateVpnGateway and the rebuild delay", async () => {
    const file = 'SEP00AA00000000.cnf.xml';
    const builtBefore = lab.fileBuiltAt(file)!;
    expect(vpnGroupOf(lab.readFile(file)!.toString())).toEqual({
      authMethod: '2',
      enableHostIDCheck: '0',
      hashAlg: '0',
      hashes: [old.sha1Base64],
      urls: ['https://vpn.example.com/PhoneVPN'],
    });
    const updatedAt = new Date().toISOString();
    await axlClient(lab).updateVpnGateway('ASA-PhoneVPN', both);
    // CUCM rebuilds asynchronously: right after the AXL write the phones still get the old file.
    expect(vpnGroupOf(lab.readFile(file)!.toString())!.hashes).toEqual([old.sha1Base64]);
    expect(lab.fileBuiltAt(file)).toBe(builtBefore);
    await until(() => lab.pendingRebuilds() === 0);
    for (const name of ['SEP00AA00000000', 'SEP00AA00000001', 'SEP00AA00000002']) {
      expect(vpnGroupOf(lab.readFile(`${name}.cnf.xml`)!.toString())!.hashes).toEqual([
        old.sha1Base64,
        renewed.sha1Base64,
      ]);
      expect(readSgn(lab.readFile(`${name}.cnf.xml.sgn`)!).payload.toString()).toContain(
        `<certHash2>${renewed.sha1Base64}</certHash2>`,
      );
    }
    expect(lab.fileBuiltAt(file)! >= updatedAt).toBe(true);
    await axlClient(lab).updateVpnGateway('ASA-PhoneVPN', [both[1]]);
    await until(() => lab.pendingRebuilds() === 0);
    expect(vpnGroupOf(lab.readFile(file)!.toString())!.hashes).toEqual([renewed.sha1Base64]);
  });

  it('renders in CUCM style: vpnGroup children in the order of a CUCM-generated file', () => {
    const xml = lab.readFile('SEP00AA00000000.cnf.xml')!.toString();
    expect(xml).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<device {2}xsi:type="axl:XIPPhone" ctiid="\d+" uuid="\{[0-9a-f-]{36}\}">/,
    );
    const block = /<vpnGroup>[\s\S]*<\/vpnGroup>/.exec(xml)![0];
    const tags = [...block.matchAll(/<([A-Za-z0-9]+)>/g)].map((m) => m[1]);
    expect(tags.slice(0, 9)).toEqual([
      'vpnGroup',
      'mtu',
      'failConnectTime',
      'authMethod',
      'pswdPersistent',
      'autoNetDetect',
      'enableHostIDCheck',
      'addresses',
      'url1',
    ]);
    expect(tags.slice(9, 12)).toEqual(['credentials', 'hashAlg', 'certHash1']);
  });

  it('signs .sgn files: TLV header, payload at the header length, RSA signature over the rest by the CallManager certificate', () => {
    const plain = lab.readFile('SEP00AA00000001.cnf.xml')!;
    const signed = lab.readFile('SEP00AA00000001.cnf.xml.sgn')!;
    const sgn = readSgn(signed);
    expect(sgn.headerLength % 4).toBe(0);
    expect(sgn.fileName).toBe('SEP00AA00000001.cnf.xml.sgn');
    expect(sgn.payload.equals(plain)).toBe(true);
    expect(sgn.digest).toBe(1);
    const sig = sgn.signature!;
    const withoutSignature = Buffer.concat([
      signed.subarray(0, sig.at),
      signed.subarray(sig.at + 3 + sig.bytes.length),
    ]);
    expect(verify('sha1', withoutSignature, lab.signerPem, sig.bytes)).toBe(true);
    const tampered = Buffer.from(withoutSignature);
    tampered[tampered.length - 10] ^= 1;
    expect(verify('sha1', tampered, lab.signerPem, sig.bytes)).toBe(false);
  });

  it("reads back with the verifier's own reader (devices/phone-config): hashes by set membership, encrypted detected", () => {
    const plain = readPhoneConfig(lab.readFile('SEP00AA00000002.cnf.xml')!, 'SEP00AA00000002.cnf.xml');
    const signed = readPhoneConfig(lab.readFile('SEP00AA00000002.cnf.xml.sgn')!, 'SEP00AA00000002.cnf.xml.sgn');
    expect(signed).toMatchObject({
      kind: 'config',
      format: 'sgn',
      sgn: { fileName: 'SEP00AA00000002.cnf.xml.sgn', digest: 'sha1', signatureBytes: 256 },
    });
    expect(plain).toMatchObject({
      kind: 'config',
      vpnGroup: { authMethodName: 'certificate', hashAlg: 0, urls: ['https://vpn.example.com/PhoneVPN'] },
    });
    const current = lab.state().gateways[0].certificates.map((c) => c.sha1Base64);
    for (const hash of current) expect(checkCertHash(signed, hash!).state).toBe('verified');
    expect(checkCertHash(signed, 'Eom4p6qf/YSGXjiTnzRmphtWCPw=').state).toBe('stale');
    expect(readPhoneConfig(lab.readFile('SEP00CC00000001.cnf.xml.sgn')!, 'SEP00CC00000001.cnf.xml.sgn').kind).toBe(
      'encrypted',
    );
    expect(
      readPhoneConfig(lab.readFile('SEP00CC00000001.cnf.xml.enc.sgn')!, 'SEP00CC00000001.cnf.xml.enc.sgn').kind,
    ).toBe('encrypted');
  });

  it('serves an encrypted-config phone a stub plus .enc.sgn, and a non-VPN phone no <vpnGroup>', () => {
    const stub = lab.readFile('SEP00CC00000001.cnf.xml')!.toString();
    expect(stub).toContain('<encrConfig>true</encrConfig>');
    expect(stub).not.toContain('<vpnGroup>');
    const enc = readSgn(lab.readFile('SEP00CC00000001.cnf.xml.enc.sgn')!);
    expect(enc.payload.includes(Buffer.from('<vpnGroup>'))).toBe(false);
    expect(lab.readFile('SEP00AA00000000.cnf.xml.enc.sgn')).toBeUndefined();
    expect(lab.listFiles().filter((f) => f.endsWith('.enc.sgn'))).toEqual(['SEP00CC00000001.cnf.xml.enc.sgn']);
    expect(vpnGroupOf(lab.readFile('SEP00CC00000002.cnf.xml')!.toString())).toBeUndefined();
    expect(lab.readFile('SEP0000DEADBEEF.cnf.xml')).toBeUndefined();
  });
});

describe('config-file builder at scale', () => {
  it('rebuilds 10,000 phones after a gateway change without blocking the event loop', async () => {
    const lab = await startCucmLab({
      rebuildDelayMs: 100,
      phones: generatePhoneSpecs(10_000),
      vpn: { certificates: [certs.old] },
    });
    try {
      lab.seedTrustCertificate(certs.renewed);
      const histogram = monitorEventLoopDelay({ resolution: 10 });
      histogram.enable();
      await axlClient(lab).updateVpnGateway('ASA-PhoneVPN', both);
      await until(() => lab.pendingRebuilds() === 0);
      const last = 'SEP00AA0000270F.cnf.xml';
      expect(vpnGroupOf(lab.readFile(last)!.toString())!.hashes).toEqual([old.sha1Base64, renewed.sha1Base64]);
      histogram.disable();
      // Generous bound for a loaded CI box: a synchronous 10,000-file rebuild would stall for seconds.
      expect(histogram.max / 1e6).toBeLessThan(1500);
      expect(lab.listFiles()).toHaveLength(20_000);
    } finally {
      await lab.close();
    }
  });
});
