/**
 * `certroll probe <host[:port]>`: what a phone (AES256-SHA/AES128-SHA, TLS ≤ 1.2) and an EC-capable client are
 * shown by the VPN URL: protocol, suite, and the presented certificate with its hashes. With `--as both`, a
 * different certificate for EC clients is the ASA 9.4+ ECDSA issue (CSCuu02848) and exits 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';
import { parseCertificate, sha1Forms } from '../../devices/cert';
import { ProbeProfile, probeAs, TlsHandshakeRefused, TlsProbeResult } from '../../devices/tls-probe';
import { EXIT_FAILURE, printJson, runCommand, UsageError } from '../exit';
import { parseFlags } from '../flags';
import { HOST, int } from './tftp';

const Options = z.object({
  host: HOST,
  port: int(1, 65535),
  as: z.enum(['phone', 'ec', 'both']),
  servername: HOST.optional(),
  timeout: int(100, 120_000),
  expect: z.string().min(1).optional(),
  json: z.boolean().optional(),
});

type Outcome = { as: ProbeProfile } & (
  { ok: true; result: TlsProbeResult } | { ok: false; alert: string; error: string }
);

export function splitTarget(target: string): { host: string; port: number } {
  const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(target);
  if (!m) throw new UsageError(`<target>: expected host or host:port, got ${target}`);
  return { host: m[1], port: m[2] ? Number(m[2]) : 443 };
}

function expectedSha1(value: string): string {
  if (existsSync(value)) return parseCertificate(readFileSync(value)).sha1Base64;
  try {
    return sha1Forms(value).sha1Base64;
  } catch {
    throw new UsageError(`--expect: ${value} is neither a SHA-1 hash nor a certificate file`);
  }
}

async function probeOne(as: ProbeProfile, o: z.infer<typeof Options>): Promise<Outcome> {
  try {
    const result = await probeAs(as, o.host, o.port, { servername: o.servername, timeoutMs: o.timeout });
    return { as, ok: true, result };
  } catch (err) {
    if (err instanceof TlsHandshakeRefused) return { as, ok: false, alert: err.alert, error: err.message };
    throw err;
  }
}

function printOutcome(o: Outcome): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const who = o.as === 'phone' ? 'as a phone (AES256-SHA, AES128-SHA)' : 'as an EC client (ECDHE-ECDSA first)';
  if (!o.ok) {
    out(`${who}: handshake refused (${o.alert})`);
    return;
  }
  const r = o.result;
  const c = r.presented;
  out(`${who}: ${r.protocol} ${r.cipher}, ${r.chainLength} certificate(s)`);
  out(`  subject:   ${c.subjectRfc2253}`);
  out(`  issuer:    ${c.issuerRfc2253}`);
  out(`  key:       ${c.keyType}${c.keyBits ? ` ${c.keyBits} bits` : ''}${c.selfSigned ? ', self-signed' : ''}`);
  out(`  not after: ${c.notAfter}`);
  out(`  SHA-1:     ${c.sha1Hex}`);
  out(`  certHash:  ${c.sha1Base64}`);
}

export function registerProbe(program: Command): void {
  program
    .command('probe')
    .description('show which certificate a phone (and an EC-capable client) is presented by the VPN URL')
    .argument('<target>', 'host or host:port of the ASA VPN URL (port 443 by default)')
    .option('--as <client>', 'phone, ec or both', 'both')
    .option('--servername <name>', 'SNI to send (default: the host when it is a name)')
    .option('--timeout <ms>', 'give up after this many milliseconds', '10000')
    .option(
      '--expect <hash|cert.pem>',
      'exit 1 unless every probe is shown this certificate (SHA-1 or certificate file)',
    )
    .option('--json', 'print JSON')
    .action(
      runCommand(async (target: string, raw: Record<string, string | boolean>) => {
        const o = parseFlags(Options, { ...splitTarget(target), ...raw }, ['host', 'port']);
        const expected = o.expect === undefined ? undefined : expectedSha1(o.expect);
        const profiles: ProbeProfile[] = o.as === 'both' ? ['phone', 'ec'] : [o.as];
        const outcomes: Outcome[] = [];
        for (const p of profiles) outcomes.push(await probeOne(p, o));

        const hashes = outcomes.flatMap((x) => (x.ok ? [x.result.presented.sha1Base64] : []));
        const differ = new Set(hashes).size > 1;
        const refused = outcomes.some((x) => !x.ok);
        const matches =
          expected === undefined
            ? undefined
            : outcomes.every((x) => x.ok && x.result.presented.sha1Base64 === expected);
        const failed = refused || differ || matches === false;
        if (o.json) {
          printJson({ target: `${o.host}:${o.port}`, outcomes, differ, ...(expected && { expected, matches }) });
          return failed ? EXIT_FAILURE : undefined;
        }
        outcomes.forEach(printOutcome);
        if (differ) {
          process.stdout.write(
            'EC clients are shown a different certificate than phones: ASA 9.4+ ECDSA issue (CSCuu02848).\n' +
              '  fix: ssl cipher tlsv1.2 custom "AES256-SHA:AES128-SHA:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA"\n',
          );
        }
        if (outcomes.some((x) => x.as === 'phone' && !x.ok)) {
          process.stdout.write('phones cannot connect: enable AES256-SHA or AES128-SHA on the ASA (ssl cipher)\n');
        }
        if (expected !== undefined)
          process.stdout.write(`expected certHash ${expected}: ${matches ? 'MATCH' : 'MISMATCH'}\n`);
        return failed ? EXIT_FAILURE : undefined;
      }),
    );
}
