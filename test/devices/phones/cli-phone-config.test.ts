/** `certroll phone-config`: local fixtures and files fetched from the lab TFTP service over the CUCM lab's configs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerPhoneConfig } from '../../../cli/commands/phone-config';
import { parseCertificate } from '../../../devices/cert';
import { asaIdentityCertificate, startCucmLab, type CucmLab } from '../../../lab/cucm';
import { startTftpLab, type TftpLab } from '../../../lab/tftp';
import { runVerb } from '../tftp/run-verb';

const fixtures = path.resolve(__dirname, '../../fixtures/phone-cnf');
const oldCert = asaIdentityCertificate({ cn: 'vpn.example.com', dnsNames: ['vpn.example.com'] });
const otherCert = asaIdentityCertificate({ cn: 'vpn-2026.example.com', key: oldCert.key });
const OLD = parseCertificate(oldCert.pem);

let cucm: CucmLab;
let tftp: TftpLab;
let dir: string;

beforeAll(async () => {
  cucm = await startCucmLab({
    phones: [{ name: 'SEP0011215A1AE3' }, { name: 'SEP00CC00000001', encryptedConfig: true }],
    vpn: { certificates: [oldCert.pem], url: 'https://vpn.example.com/PhoneVPN', hostIdCheck: true },
  });
  tftp = await startTftpLab({ files: cucm });
  dir = mkdtempSync(path.join(os.tmpdir(), 'certroll-phone-config-'));
});

afterAll(async () => {
  await tftp?.close();
  await cucm?.close();
  rmSync(dir, { recursive: true, force: true });
});

const phoneConfig = (...args: string[]) => runVerb(registerPhoneConfig, ['phone-config', ...args]);
const fromLab = (...args: string[]) => phoneConfig('--tftp', '127.0.0.1', '--port', String(tftp.udp.port), ...args);

test('fetches the signed config over TFTP and prints the vpnGroup with each hash in base64 and hex', async () => {
  const r = await fromLab('--mac', '00:11:21:5a:1a:e3');
  expect(r.code).toBe(0);
  const lines = r.stdout.split('\n');
  expect(lines[0]).toBe(
    `tftp://127.0.0.1:${tftp.udp.port}/SEP0011215A1AE3.cnf.xml.sgn (sgn, signed by O=certroll lab;OU=CallManager;CN=cucm-pub.lab)`,
  );
  expect(lines).toContain('  URLs:                https://vpn.example.com/PhoneVPN');
  expect(lines).toContain('  auth method:         2 (certificate)');
  expect(lines).toContain('  host ID check:       on');
  expect(lines).toContain(`  certHash1:           ${OLD.sha1Base64}  ${OLD.sha1Hex}`);
});

test('--expect with the presented certificate says MATCH (exit 0); another certificate MISMATCH (exit 1)', async () => {
  const match = await fromLab('--mac', 'SEP0011215A1AE3', '--expect', OLD.sha1Hex);
  expect(match.code).toBe(0);
  expect(match.stdout).toContain(`expected ${OLD.sha1Base64} (${OLD.sha1Hex}, from hex hash): MATCH (certHash1)`);
  const pem = path.join(dir, 'new.pem');
  writeFileSync(pem, otherCert.pem);
  const mismatch = await fromLab('--mac', '0011215A1AE3', '--expect', pem);
  expect(mismatch.code).toBe(1);
  expect(mismatch.stdout).toMatch(/from certificate .*new\.pem\): MISMATCH: expected hash not among certHashes/);
});

test('--json carries the readout and the verdict; --http reads the same file over the HTTP port', async () => {
  const r = await phoneConfig(
    '--tftp',
    '127.0.0.1',
    '--http',
    '--port',
    String(tftp.http.port),
    '--mac',
    '0011215A1AE3',
    '--expect',
    OLD.sha1Base64,
    '--json',
  );
  expect(r.code).toBe(0);
  const json = JSON.parse(r.stdout);
  expect(json).toMatchObject({
    source: `http://127.0.0.1:${tftp.http.port}/SEP0011215A1AE3.cnf.xml.sgn`,
    kind: 'config',
    format: 'sgn',
    vpnGroup: { enableHostIDCheck: true, certHashes: [{ index: 1, base64: OLD.sha1Base64, hex: OLD.sha1Hex }] },
    expected: { sha1Base64: OLD.sha1Base64, state: 'verified', matchedIndex: 1 },
  });
});

test('an encrypted-config phone cannot be verified over TFTP: said so, exit 1 with --expect', async () => {
  const r = await fromLab('--mac', '00CC00000001', '--expect', OLD.sha1Base64);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('encrypted: encrConfig is true');
  expect(r.stdout).toContain('cannot verify');
});

test('local files: a fixture without vpnGroup (exit 0) and the malformed one (exit 1)', async () => {
  const ok = await phoneConfig(path.join(fixtures, 'SEP6886A7C56885.cnf.xml'));
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('load: SCCP45.9-4-2SR4-3S');
  expect(ok.stdout).toContain('no <vpnGroup>: this phone has no VPN settings');
  const bad = await phoneConfig(path.join(fixtures, 'SEP0014A3712E61.cnf.xml'));
  expect(bad.code).toBe(1);
  expect(bad.stdout).toMatch(/unreadable: not well-formed XML: .*line 148/);
});

test('bad input exits 2 and fetches nothing', async () => {
  const before = tftp.transferLog.length;
  const cases: Array<[string[], RegExp]> = [
    [[], /give either a config <file> or --tftp <host> --mac <MAC>/],
    [['x.cnf.xml', '--tftp', '127.0.0.1', '--mac', '0011215A1AE3'], /give either/],
    [['--tftp', '127.0.0.1'], /--tftp needs --mac/],
    [['--tftp', '127.0.0.1', '--mac', '0011215A1AE'], /--mac: expected a MAC/],
    [['--tftp', '127.0.0.1', '--mac', '0011215A1AE3', '--expect', 'abc'], /--expect: abc is neither a SHA-1 hash/],
    [[path.join(dir, 'absent.cnf.xml')], /cannot read .*absent.cnf.xml/],
  ];
  for (const [args, message] of cases) {
    const r = await phoneConfig(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  }
  expect(tftp.transferLog.length).toBe(before);
});
