/**
 * The standard "never disable TLS verification", enforced over the project's sources: no TLS option that turns the
 * rejection of unauthorized certificates off (with or without spaces, quoted keys included) and no use of Node's
 * environment switch that does the same for the whole process. Certificates the project only needs to read (the CUCM
 * pin, the simulated phone) come from devices/tls-probe.ts, which reads the Certificate message answering a
 * ClientHello and never opens a TLS session. The patterns are assembled from pieces so this file never matches itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE_DIRS = ['devices', 'lab', 'activities', 'worker', 'cli', 'config', 'workflows', 'scripts', 'bench'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'test-output', '.tools', '.git']);
const SOURCE_FILE = /\.(ts|tsx|js|mjs|cjs|json|ya?ml|sh|py)$/;

const REJECT = ['reject', 'Unauthorized'].join('');
const ENV_SWITCH = ['NODE', 'TLS', 'REJECT', 'UNAUTHORIZED'].join('_');
const PATTERNS: Array<[string, RegExp]> = [
  [`${REJECT}: false`, new RegExp(`["']?${REJECT}["']?\\s*:\\s*false\\b`)],
  [`${REJECT} = false`, new RegExp(`\\.${REJECT}\\s*=\\s*false\\b`)],
  [ENV_SWITCH, new RegExp(ENV_SWITCH)],
];

/** Configuration at the top level (package.json scripts, jest and eslint configs), not the lockfile. */
function rootFiles(): string[] {
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((e) => e.isFile() && SOURCE_FILE.test(e.name) && e.name !== 'package-lock.json')
    .map((e) => e.name);
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(path.join(ROOT, dir), { withFileTypes: true });
  } catch {
    return out; // a directory the project does not have (yet)
  }
  for (const entry of entries) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) sourceFiles(rel, out);
    } else if (SOURCE_FILE.test(entry.name)) out.push(rel);
  }
  return out;
}

function offences(text: string): string[] {
  return PATTERNS.filter(([, re]) => re.test(text)).map(([name]) => name);
}

describe('no source switches TLS certificate verification off', () => {
  it('the patterns catch every spelling they are meant to', () => {
    const samples = [
      `tls.connect({ ${REJECT}: false })`,
      `{${REJECT}:false}`,
      `{ "${REJECT}" : false }`,
      `agent.options.${REJECT} = false`,
      `process.env.${ENV_SWITCH} = '0'`,
    ];
    expect(samples.map((s) => offences(s).length > 0)).toEqual(samples.map(() => true));
    expect(offences(`new https.Agent({ ca, ${REJECT}: true })`)).toEqual([]);
  });

  it('scans the project sources and finds none', () => {
    const files = [...rootFiles(), ...SOURCE_DIRS.flatMap((dir) => sourceFiles(dir))];
    // The scan really reads the sources (the two modules that used to switch verification off among them).
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        path.join('devices', 'cucm', 'tls-pin.ts'),
        path.join('lab', 'phones', 'handshake.ts'),
      ]),
    );
    const offenders = files
      .map((file) => ({ file, found: offences(readFileSync(path.join(ROOT, file), 'utf8')) }))
      .filter((o) => o.found.length > 0)
      .map((o) => `${o.file}: ${o.found.join(', ')}`);
    expect(offenders).toEqual([]);
  });
});
