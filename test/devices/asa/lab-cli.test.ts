/**
 * The lab ASA as a raw SSH terminal sees it (no certroll client in between): prompts per mode, the enable
 * password, the pager, the caret error, the documented dialogs, and outputs that the fixture parsers read.
 */
import { Client, ClientChannel } from 'ssh2';
import { parseCryptoCaEnroll } from '../../../devices/asa/parse/crypto-ca-enroll';
import { parseCryptoKeyGenerate } from '../../../devices/asa/parse/crypto-key-generate';
import { parseShowCryptoCaCertificates } from '../../../devices/asa/parse/crypto-ca-certificates';
import { parseShowVersion } from '../../../devices/asa/parse/show-version';
import { AsaLab, startAsaLab } from '../../../lab/asa';

class RawShell {
  private buffer = '';
  private constructor(
    private readonly conn: Client,
    private readonly stream: ClientChannel,
  ) {
    stream.on('data', (d: Buffer) => (this.buffer += d.toString('utf8')));
  }

  static open(lab: AsaLab): Promise<RawShell> {
    return new Promise((resolve, reject) => {
      const conn = new Client();
      conn.on('error', reject);
      conn.on('ready', () =>
        conn.shell({ term: 'vt100', cols: 200, rows: 24 }, (err, stream) =>
          err ? reject(err) : resolve(new RawShell(conn, stream)),
        ),
      );
      conn.connect({
        host: lab.ssh.host,
        port: lab.ssh.port,
        username: lab.credentials.username,
        password: lab.credentials.password,
        hostVerifier: () => true, // this test inspects the lab itself; pinning is tested in session.test.ts
      });
    });
  }

  send(text: string): void {
    this.stream.write(text);
  }

  /** Everything received until `pattern` matches the accumulated text (which is then consumed). */
  async until(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.buffer)) {
      if (Date.now() > deadline) throw new Error(`timeout waiting for ${pattern}; got ${JSON.stringify(this.buffer)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const out = this.buffer;
    this.buffer = '';
    return out;
  }

  close(): void {
    this.conn.end();
  }
}

describe('the lab ASA CLI, raw', () => {
  let lab: AsaLab;
  let sh: RawShell;
  beforeAll(async () => {
    lab = await startAsaLab();
  });
  afterAll(() => lab.close());
  beforeEach(async () => {
    sh = await RawShell.open(lab);
    await sh.until(/asa1> $/);
  });
  afterEach(() => sh.close());

  async function enable(): Promise<void> {
    sh.send('enable\r');
    await sh.until(/Password: $/);
    sh.send(`${lab.credentials.enablePassword}\r`);
    const out = await sh.until(/asa1# $/);
    expect(out).not.toContain(lab.credentials.enablePassword);
  }

  it('refuses a wrong enable password and keeps user EXEC', async () => {
    sh.send('enable\r');
    await sh.until(/Password: $/);
    sh.send('nope\r');
    expect(await sh.until(/Password: $/)).toContain('Invalid password');
    sh.send('nope\r');
    await sh.until(/Password: $/);
    sh.send('nope\r');
    expect(await sh.until(/asa1> $/)).toContain('% Bad passwords');
    // User EXEC has no configuration mode.
    sh.send('configure terminal\r');
    expect(await sh.until(/asa1> $/)).toContain("ERROR: % Invalid input detected at '^' marker.");
  });

  it('pages at 24 lines with <--- More --->; space continues, q stops', async () => {
    await enable();
    sh.send('show running-config\r');
    const first = await sh.until(/<--- More --->$/);
    const lines = first.split('\r\n');
    expect(lines[0]).toBe('show running-config');
    expect(lines.length - 2).toBe(24); // echo line and the More line around 24 lines of output
    sh.send(' ');
    const second = await sh.until(/<--- More --->$/);
    expect(second.startsWith(`\r${' '.repeat(14)}\r`)).toBe(true);
    sh.send('q');
    await sh.until(/asa1# $/);
    sh.send('terminal pager 0\r');
    await sh.until(/asa1# $/);
    sh.send('show running-config\r');
    const all = await sh.until(/: end\r\nasa1# $/);
    expect(all).not.toContain('<--- More --->');
  });

  it('puts the caret under the first bad word and accepts abbreviations', async () => {
    await enable();
    sh.send('show crypto ca certifikates\r');
    const out = await sh.until(/asa1# $/);
    expect(out.split('\r\n').slice(1, 3)).toEqual([
      `${' '.repeat('asa1# show crypto ca '.length)}^`,
      "ERROR: % Invalid input detected at '^' marker.",
    ]);
    sh.send('term pager 0\r');
    await sh.until(/asa1# $/);
    sh.send('sh ver\r');
    const version = parseShowVersion(await sh.until(/asa1# $/));
    expect(version.version).toBe('9.16(2)');
    sh.send('sh crypto ca cert VPN-CURRENT\r');
    const certs = parseShowCryptoCaCertificates(await sh.until(/asa1# $/));
    expect(certs.certificates.map((c) => c.kind)).toEqual(['identity']);
  });

  it('walks the configuration modes like the ASA', async () => {
    await enable();
    sh.send('configure terminal\r');
    await sh.until(/asa1\(config\)# $/);
    sh.send('crypto ca trustpoint LAB-TP\r');
    await sh.until(/asa1\(config-ca-trustpoint\)# $/);
    sh.send('crl configure\r');
    await sh.until(/asa1\(config-ca-crl\)# $/);
    sh.send('exit\r');
    await sh.until(/asa1\(config-ca-trustpoint\)# $/);
    // A global command in a sub-mode leaves the sub-mode.
    sh.send('ssl cipher tlsv1.2 medium\r');
    await sh.until(/asa1\(config\)# $/);
    sh.send('crypto ca\r');
    expect(await sh.until(/asa1\(config\)# $/)).toContain('ERROR: % Incomplete command');
    sh.send('end\r');
    await sh.until(/asa1# $/);
    sh.send('show running-config crypto ca trustpoint LAB-TP\r');
    expect((await sh.until(/asa1# $/)).split('\r\n').slice(1, 3)).toEqual([
      'crypto ca trustpoint LAB-TP',
      ' crl configure',
    ]);
  });

  it('asks before replacing a key pair (wording of the captured outputs)', async () => {
    await enable();
    sh.send('configure terminal\r');
    await sh.until(/\(config\)# $/);
    sh.send('crypto key generate rsa label VPN-CURRENT modulus 2048\r');
    const asked = await sh.until(/\[yes\/no\]: $/);
    expect(asked).toContain('WARNING: You have a RSA keypair already defined named VPN-CURRENT.\r\n');
    sh.send('no\r');
    const transcript = asked + (await sh.until(/\(config\)# $/));
    expect(parseCryptoKeyGenerate(transcript)).toEqual({
      label: 'VPN-CURRENT',
      replacePrompt: true,
      replaceAnswer: 'no',
      started: false,
    });
    sh.send('crypto key generate rsa label LAB-KEY modulus 2048\r');
    const fresh = await sh.until(/\(config\)# $/);
    expect(parseCryptoKeyGenerate(fresh)).toEqual({ label: 'LAB-KEY', replacePrompt: false, started: true });
  });

  it('runs the interactive terminal enrollment dialog and prints a CSR the parser reads', async () => {
    await enable();
    sh.send('configure terminal\r');
    await sh.until(/\(config\)# $/);
    sh.send(
      'crypto ca trustpoint LAB-CSR\renrollment terminal\rfqdn vpn.example.com\rsubject-name CN=lab-csr,O=Example\rkeypair VPN-CURRENT\rexit\r',
    );
    await sh.until(/keypair VPN-CURRENT\r\n.*\(config-ca-trustpoint\)# exit\r\n.*\(config\)# $/s);
    sh.send('crypto ca enroll LAB-CSR\r');
    let transcript = await sh.until(/serial number in the subject name\? \[yes\/no\]: $/);
    sh.send('no\r');
    transcript += await sh.until(/Display Certificate Request to terminal\? \[yes\/no\]: $/);
    sh.send('yes\r');
    transcript += await sh.until(/Redisplay enrollment request\? \[yes\/no\]: $/);
    sh.send('no\r');
    transcript += await sh.until(/\(config\)# $/);
    const e = parseCryptoCaEnroll(transcript);
    expect(e).toMatchObject({ subjectName: 'CN=lab-csr,O=Example', fqdn: 'vpn.example.com', armoured: true });
    expect(e.csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    expect(e.questions.map((q) => q.answer)).toEqual(['no', 'yes', 'no']);
    // The lab never exports private keys either.
    sh.send('crypto ca export LAB-CSR pkcs12 secret\r');
    expect(await sh.until(/\(config\)# $/)).toMatch(/ERROR: PKCS#12 export is disabled/);
  });
});
