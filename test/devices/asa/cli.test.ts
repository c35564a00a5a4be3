/**
 * `certroll hash`, `probe` and `parse asa`: mostly in-process through commander (the built CLI takes ~2 s to start
 * because of the other verbs' imports), plus a few runs of the built CLI exactly as a user types them.
 */
import { Command, CommanderError } from 'commander';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCertificate, splitPemCertificates, toDer } from '../../../devices/cert';
import { ASA_PARSERS } from '../../../devices/asa/parse';
import { startAsaLab } from '../../../lab/asa';
import { registerHash } from '../../../cli/commands/hash';
import { registerParse } from '../../../cli/commands/parse';
import { registerProbe } from '../../../cli/commands/probe';
import { CliResult, runCli as runBuiltCli } from '../../support/cli';
import { asaFixture, FIXTURES } from '../../unit/asa/fixtures';

const tmp = mkdtempSync(path.join(tmpdir(), 'certroll-asa-cli-'));

/** Run our verbs in-process: commander parsing, runCommand's exit codes, stdout/stderr captured. */
async function runCli(args: string[]): Promise<CliResult> {
  const program = new Command('certroll').exitOverride();
  registerHash(program);
  registerProbe(program);
  registerParse(program);
  for (const c of program.commands) {
    c.exitOverride();
    for (const sub of c.commands) sub.exitOverride();
  }
  let stdout = '';
  let stderr = '';
  const out = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((stdout += chunk), true));
  const err = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((stderr += chunk), true));
  process.exitCode = undefined;
  let code: number;
  try {
    await program.parseAsync(['node', 'certroll', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode === 0 ? 0 : 2;
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
  return { code, stdout, stderr };
}

describe('certroll hash', () => {
  it('decodes the seed hash both ways', async () => {
    const hex = await runCli(['hash', 'E5:7E:81:EA:99:54:C1:44:97:66:78:D0:E2:41:8C:DF:79:A9:31:76']);
    expect(hex.code).toBe(0);
    expect(hex.stdout).toContain('SHA-1 base64 (certHash in config): 5X6B6plUwUSXZnjQ4kGM33mpMXY=');
    const b64 = await runCli(['hash', '5X6B6plUwUSXZnjQ4kGM33mpMXY=', '--json']);
    expect(JSON.parse(b64.stdout)).toEqual({
      kind: 'sha1',
      input: 'base64',
      sha1Hex: 'E5:7E:81:EA:99:54:C1:44:97:66:78:D0:E2:41:8C:DF:79:A9:31:76',
      sha1Base64: '5X6B6plUwUSXZnjQ4kGM33mpMXY=',
    });
    const sha256 = await runCli(['hash', 'ab'.repeat(32), '--json']);
    expect(JSON.parse(sha256.stdout)).toMatchObject({
      kind: 'sha256',
      sha256Base64: Buffer.from('ab'.repeat(32), 'hex').toString('base64'),
    });
  });

  it('hashes PEM and DER certificate files the same way', async () => {
    const pem = splitPemCertificates(asaFixture('crypto_ca_import_certificate__qytang-asa.txt'))[0];
    const info = parseCertificate(pem);
    const derFile = path.join(tmp, 'asa.der');
    writeFileSync(derFile, toDer(pem));
    for (const file of [path.join(FIXTURES, 'asa', 'crypto_ca_import_certificate__qytang-asa.txt'), derFile]) {
      const r = await runCli(['hash', file, '--json']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.certificates).toHaveLength(1);
      expect(out.certificates[0]).toMatchObject({
        sha1Base64: info.sha1Base64,
        sha1Hex: info.sha1Hex,
        sha256Hex: info.sha256Hex,
        serialHex: info.serialHex,
      });
    }
    const text = await runCli(['hash', derFile]);
    expect(text.stdout).toContain(`certHash:   ${info.sha1Base64}`);
  });

  it('exits 2 on input that is neither', async () => {
    const r = await runCli(['hash', 'not-a-hash']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/neither a certificate file/);
    const junk = path.join(tmp, 'junk.pem');
    writeFileSync(junk, 'hello');
    expect((await runCli(['hash', junk])).code).toBe(2);
  });
});

describe('certroll parse asa', () => {
  it('prints the parser result for a saved capture', async () => {
    const file = path.join(FIXTURES, 'asa', 'show_crypto_ca_certificates__letsencrypt-staging_asa_2022.txt');
    const r = await runCli(['parse', 'asa', 'show-crypto-ca-certificates', file, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(
      JSON.parse(JSON.stringify(ASA_PARSERS['show-crypto-ca-certificates'](asaFixture(path.basename(file))))),
    );
    expect(JSON.parse(r.stdout).certificates[1].serialHex).toBe('00fa91301208ae678236ea17cf95b885129f7b');
  });

  it('exits 2 on an unknown kind or an unreadable file', async () => {
    const unknown = await runCli(['parse', 'asa', 'show-everything', 'x.txt']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('show-version');
    expect((await runCli(['parse', 'asa', 'show-version', path.join(tmp, 'missing.txt')])).code).toBe(2);
  });
});

describe('certroll probe', () => {
  it('shows what phones and EC clients get and flags the ECDSA issue', async () => {
    const lab = await startAsaLab({ ecdsaQuirk: true });
    try {
      const bound = parseCertificate(lab.boundCertificatePem());
      const both = await runCli(['probe', `${lab.tls.host}:${lab.tls.port}`]);
      expect(both.code).toBe(1);
      expect(both.stdout).toContain('as a phone (AES256-SHA, AES128-SHA): TLSv1.2 AES256-SHA');
      expect(both.stdout).toContain(`certHash:  ${bound.sha1Base64}`);
      expect(both.stdout).toContain('CSCuu02848');

      const json = await runCli(['probe', `${lab.tls.host}:${lab.tls.port}`, '--json']);
      const out = JSON.parse(json.stdout);
      expect(out.differ).toBe(true);
      expect(
        out.outcomes.map((o: { as: string; result: { presented: { keyType: string } } }) => [
          o.as,
          o.result.presented.keyType,
        ]),
      ).toEqual([
        ['phone', 'RSA'],
        ['ec', 'EC'],
      ]);

      const pemFile = path.join(tmp, 'bound.pem');
      writeFileSync(pemFile, lab.boundCertificatePem());
      const match = await runCli(['probe', `${lab.tls.host}:${lab.tls.port}`, '--as', 'phone', '--expect', pemFile]);
      expect(match.code).toBe(0);
      expect(match.stdout).toContain(`expected certHash ${bound.sha1Base64}: MATCH`);
      const mismatch = await runCli([
        'probe',
        `${lab.tls.host}:${lab.tls.port}`,
        '--as',
        'phone',
        '--expect',
        '5X6B6plUwUSXZnjQ4kGM33mpMXY=',
      ]);
      expect(mismatch.code).toBe(1);
      expect(mismatch.stdout).toContain('MISMATCH');
    } finally {
      await lab.close();
    }
  });

  it('reports phones refused when their ciphers are disabled, and bad targets as exit 2', async () => {
    const lab = await startAsaLab({ phoneCiphersEnabled: false });
    try {
      const r = await runCli(['probe', `${lab.tls.host}:${lab.tls.port}`, '--as', 'phone']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('handshake refused (handshake_failure)');
      expect(r.stdout).toContain('phones cannot connect');
    } finally {
      await lab.close();
    }
    expect((await runCli(['probe', 'bad host:99999'])).code).toBe(2);
    expect((await runCli(['probe', '127.0.0.1:443', '--as', 'fax'])).code).toBe(2);
  });
});

describe('the built CLI, as typed', () => {
  it('hash, parse and probe exit with 0, 2 and 1 as documented', async () => {
    const hash = await runBuiltCli(['hash', 'E5:7E:81:EA:99:54:C1:44:97:66:78:D0:E2:41:8C:DF:79:A9:31:76']);
    expect(hash).toMatchObject({ code: 0 });
    expect(hash.stdout).toContain('5X6B6plUwUSXZnjQ4kGM33mpMXY=');
    const parse = await runBuiltCli(['parse', 'asa', 'show-everything', 'x.txt']);
    expect(parse.code).toBe(2);
    const lab = await startAsaLab({ ecdsaQuirk: true });
    try {
      const probe = await runBuiltCli(['probe', `${lab.tls.host}:${lab.tls.port}`, '--as', 'both']);
      expect(probe.code).toBe(1);
      expect(probe.stdout).toContain('CSCuu02848');
    } finally {
      await lab.close();
    }
  });
});
