/** `certroll tftp get` against the lab TFTP service: files, summaries, HTTP, errors and exit codes. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerTftp } from '../../../cli/commands/tftp';
import { mapFileSource, startTftpLab, type TftpLab } from '../../../lab/tftp';
import { runVerb } from './run-verb';

const body = randomBytes(9000);
let lab: TftpLab;
let dir: string;

beforeAll(async () => {
  lab = await startTftpLab({ files: mapFileSource(new Map([['SEP0011215A1AE3.cnf.xml.sgn', body]])) });
  dir = mkdtempSync(path.join(os.tmpdir(), 'certroll-tftp-cli-'));
});

afterAll(async () => {
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
});

const tftp = (...args: string[]) => runVerb(registerTftp, ['tftp', 'get', ...args]);

test('downloads a file with options, writes it, prints a JSON summary', async () => {
  const out = path.join(dir, 'a.sgn');
  const r = await tftp('127.0.0.1', 'SEP0011215A1AE3.cnf.xml.sgn', '--port', String(lab.udp.port), '-o', out, '--json');
  expect(r.code).toBe(0);
  expect(readFileSync(out).equals(body)).toBe(true);
  expect(JSON.parse(r.stdout)).toMatchObject({
    channel: 'tftp',
    bytes: 9000,
    oack: true,
    blksize: 1428,
    tsize: 9000,
    retransmits: 0,
    output: out,
  });
});

test('--no-options sends a plain request; the summary line says so', async () => {
  const out = path.join(dir, 'b.sgn');
  const r = await tftp(
    '127.0.0.1',
    'SEP0011215A1AE3.cnf.xml.sgn',
    '--port',
    String(lab.udp.port),
    '--no-options',
    '-o',
    out,
  );
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(
    /^received SEP0011215A1AE3.cnf.xml.sgn: 9000 bytes in \d+ ms \(no OACK, 512-byte blocks; 0 retransmissions\)/,
  );
  expect(readFileSync(out).equals(body)).toBe(true);
});

test('-o - writes the bytes to stdout; --http reads the same file over the HTTP port', async () => {
  const viaStdout = await tftp('127.0.0.1', 'SEP0011215A1AE3.cnf.xml.sgn', '--port', String(lab.udp.port), '-o', '-');
  expect(Buffer.from(viaStdout.stdout, 'latin1').equals(body)).toBe(true);
  const out = path.join(dir, 'c.sgn');
  const viaHttp = await tftp(
    '127.0.0.1',
    'SEP0011215A1AE3.cnf.xml.sgn',
    '--http',
    '--port',
    String(lab.http.port),
    '-o',
    out,
  );
  expect(viaHttp.code).toBe(0);
  expect(readFileSync(out).equals(body)).toBe(true);
});

test("a missing file exits 1 with the server's reason", async () => {
  const r = await tftp(
    '127.0.0.1',
    'SEP000000000000.cnf.xml',
    '--port',
    String(lab.udp.port),
    '-o',
    path.join(dir, 'x'),
  );
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('certroll: SEP000000000000.cnf.xml: file not found (TFTP error 1: File not found)\n');
});

test('bad flags exit 2 before anything is sent', async () => {
  const before = lab.transferLog.length;
  const cases: Array<[string[], string]> = [
    [['127.0.0.1', 'f', '--blksize', '4'], '--blksize: Too small: expected number to be >=8'],
    [['127.0.0.1', 'f', '--port', 'abc'], '--port: Invalid input: expected number, received NaN'],
    [['bad host!', 'f'], '<host>: expected a host name or IPv4 address'],
    [['127.0.0.1', 'a file'], '<file>: expected 1-255 printable ASCII characters'],
    [['127.0.0.1', 'f', '--json', '-o', '-'], '--json and -o - both want stdout: choose one'],
  ];
  for (const [args, message] of cases) {
    const r = await tftp(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`certroll: ${message}\n`);
  }
  expect(lab.transferLog.length).toBe(before);
});
