/**
 * The commands the simulated ASA understands, per mode, with the dialogs and messages of domain.md §1 and the
 * fixtures. Unknown words get the caret error from the grammar; device-side refusals print `ERROR:` lines.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { KNOWN_CIPHERS } from '../../devices/asa/ciphers';
import { parseCertificate } from '../../devices/cert';
import { CommandIo, GrammarName, Handler } from './cli';
import { Grammar } from './grammar';
import { buildCsr } from './pki';
import * as show from './render';
import {
  certificateSubject,
  DEFAULT_KEY_LABEL,
  labCert,
  LabCert,
  LabTrustpoint,
  parseTypedSubject,
  selfSignedCertificate,
} from './state';

const CIPHER_VERSIONS = ['default', 'tlsv1', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3', 'dtlsv1', 'dtlsv1.2'];
const CIPHER_LEVELS = ['all', 'low', 'medium', 'fips', 'high'];
const MODULI = ['1024', '2048', '3072', '4096'];
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

async function trustpointOr(io: CommandIo, name: string): Promise<LabTrustpoint | undefined> {
  const tp = io.state.trustpoints.get(name);
  if (!tp) await io.print(`ERROR: Trustpoint ${name} not found`);
  return tp;
}

function md5Fingerprint(cert: LabCert): string {
  const der = Buffer.from(cert.pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return createHash('md5').update(der).digest('hex').match(/.{8}/g)!.join(' ');
}

function pastedCertificate(lines: string[]): LabCert | undefined {
  try {
    return labCert(parseCertificate(lines.join('\n')).pem);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- exec

const enable: Handler = async (io) => {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (io.enablePasswordMatches(await io.readSecret('Password: '))) {
      io.setMode('privileged');
      return;
    }
    await io.print('Invalid password');
  }
  await io.print('% Bad passwords');
};

const terminalPager: Handler = async (io, a) => {
  io.pagerLines = Math.max(0, Number.parseInt(a.lines, 10) || 0);
};

const hangup: Handler = async (io) => {
  await io.print('\nLogoff\n');
  io.hangup();
};

const writeMemory: Handler = async (io) => {
  const state = io.state;
  const config = show.runningConfig(state);
  if (io.faults.writeMemoryFails) {
    // Read-only or corrupt flash (limits.md §4.5): nothing is saved.
    return io.print(
      [
        'Building configuration...',
        `Cryptochecksum: ${show.cryptochecksum(config)} `,
        '',
        '%Error opening disk0:/.private/startup-config (Read-only file system)',
        'Error executing command',
        '[FAILED]',
      ].join('\n'),
    );
  }
  state.startup = { config, keyLabels: [...state.keys.keys()] };
  state.writeMemoryCount++;
  await io.print(
    [
      'Building configuration...',
      `Cryptochecksum: ${show.cryptochecksum(config)} `,
      '',
      `${Buffer.byteLength(config)} bytes copied in 0.120 secs`,
      '[OK]',
    ].join('\n'),
  );
};

const exportIdentity: Handler = async (io, a) => {
  const tp = await trustpointOr(io, a.tp);
  if (!tp) return;
  if (!tp.identity) return io.print(`ERROR: The trustpoint ${a.tp} does not have an identity certificate.`);
  await io.print(`\nThe PEM encoded identity certificate follows:\n${tp.identity.pem.trimEnd()}`);
};

const exportPkcs12: Handler = async (io) =>
  io.print('ERROR: PKCS#12 export is disabled on this lab ASA: its private keys never leave it');

// ---------------------------------------------------------------- keys

const generateKey =
  (labelArg?: string): Handler =>
  async (io, a, pos) => {
    const label = labelArg ?? a.label;
    const bits = a.bits ?? '2048';
    if (!MODULI.includes(bits)) return io.caret(pos.bits);
    const noconfirm = a.noconfirm === 'yes';
    if (io.state.keys.has(label)) {
      if (!noconfirm) {
        await io.print(`WARNING: You have a RSA keypair already defined named ${label}.\n`);
        if ((await io.ask('Do you really want to replace them? [yes/no]: ')) === 'no') return;
      }
      io.state.zeroizeKey(label);
    } else {
      await io.print(`INFO: The name for the keys will be: ${label}`);
    }
    await io.print('Keypair generation process begin. Please wait...');
    await io.state.generateKey(label, Number(bits));
  };

const zeroizeKey: Handler = async (io, a) => {
  const labels = a.label ? [a.label] : [...io.state.keys.keys()];
  if (a.label && !io.state.keys.has(a.label)) return io.print(`ERROR: Keypair ${a.label} not found`);
  if (a.noconfirm !== 'yes') {
    await io.print('WARNING: All device digital certificates issued using these keys will be removed.');
    if ((await io.ask('Do you really want to remove these keys? [yes/no]: ')) === 'no') return;
  }
  for (const label of labels) io.state.zeroizeKey(label);
};

// ---------------------------------------------------------------- trustpoints

const enterTrustpoint: Handler = async (io, a) => {
  if (!io.state.trustpoints.has(a.tp)) {
    io.state.trustpoints.set(a.tp, { name: a.tp, crlConfigure: false });
    io.state.changed();
  }
  io.setMode('config-ca-trustpoint');
  io.trustpoint = a.tp;
};

const removeTrustpoint: Handler = async (io, a) => {
  const tp = await trustpointOr(io, a.tp);
  if (!tp) return;
  const bound = io.state.bindingsOf(a.tp);
  if (bound.length > 0) {
    const b = bound[0];
    return io.print(`ERROR: Trustpoint ${a.tp} is in use by "ssl trust-point ${a.tp}${b.iface ? ` ${b.iface}` : ''}"`);
  }
  if ((tp.ca || tp.identity) && a.noconfirm !== 'yes') {
    await io.print(
      'WARNING: Removing an enrolled trustpoint will destroy all\ncertificates received from the related\nCertificate Authority.\n',
    );
    if ((await io.ask('Are you sure you want to do this? [yes/no]: ')) === 'no') return;
  }
  io.state.trustpoints.delete(a.tp);
  io.state.changed();
  if (tp.ca || tp.identity) await io.print('INFO: Be sure to ask the CA administrator to revoke your certificates.');
};

const setTrustpoint =
  (apply: (tp: LabTrustpoint, a: Record<string, string>) => void): Handler =>
  async (io, a) => {
    const tp = io.state.trustpoints.get(io.trustpoint ?? '');
    if (!tp) return io.print('ERROR: not in a trustpoint');
    apply(tp, a);
    io.state.changed();
  };

const setFqdn: Handler = async (io, a, pos) => {
  if (a.fqdn !== 'none' && !HOST.test(a.fqdn)) return io.caret(pos.fqdn);
  return setTrustpoint((tp) => (tp.fqdn = a.fqdn === 'none' ? null : a.fqdn.toLowerCase()))(io, a, pos);
};

const setSubject: Handler = async (io, a, pos) => {
  if (!parseTypedSubject(a.dn)) return io.print('ERROR: Subject name is not a valid X.500 distinguished name');
  return setTrustpoint((tp) => (tp.subjectName = a.dn))(io, a, pos);
};

const enterCrl: Handler = async (io) => {
  const tp = io.state.trustpoints.get(io.trustpoint ?? '');
  if (tp && !tp.crlConfigure) {
    tp.crlConfigure = true;
    io.state.changed();
  }
  const keep = io.trustpoint;
  io.setMode('config-ca-crl');
  io.trustpoint = keep;
};

const exitSubmode =
  (to: 'config' | 'config-ca-trustpoint' | 'privileged'): Handler =>
  async (io) => {
    const keep = io.trustpoint;
    io.setMode(to);
    if (to === 'config-ca-trustpoint') io.trustpoint = keep;
  };

// ---------------------------------------------------------------- enrollment

const enroll: Handler = async (io, a) => {
  const tp = await trustpointOr(io, a.tp);
  if (!tp) return;
  const noconfirm = a.noconfirm === 'yes';
  if (!tp.enrollment) return io.print(`ERROR: Enrollment method not configured for trustpoint ${tp.name}`);
  if (!['self', 'terminal'].includes(tp.enrollment))
    return io.print('ERROR: Enrollment over the network is not available in the lab');
  const key = io.state.keyOf(tp);
  if (!key) return io.print(`ERROR: Keypair ${tp.keypair} not found`);
  const typed = parseTypedSubject(tp.subjectName ?? `CN=${io.state.hostname}`);
  if (!typed) return io.print('ERROR: Subject name is not a valid X.500 distinguished name');
  if (tp.identity && !noconfirm) {
    await io.print('% You already have a certificate for this trustpoint.');
    if ((await io.ask('% Do you want to continue with re-enrollment? [yes/no]: ')) === 'no') return;
  }
  const subject = certificateSubject(typed, tp.fqdn);
  if (tp.enrollment === 'self') {
    if (tp.fqdn) await io.print(`% The fully-qualified domain name in the certificate will be: ${tp.fqdn}`);
    if (!noconfirm) {
      if ((await io.ask('% Include the device serial number in the subject name? [yes/no]: ')) === 'yes') {
        subject.push({ key: 'serialNumber', value: '9A1LAB0ASA1' });
      }
      if ((await io.ask('Generate Self-Signed Certificate? [yes/no]: ')) === 'no') return;
    }
    tp.identity = selfSignedCertificate(key.pair, subject, tp.fqdn);
    io.state.changed();
    return;
  }
  await io.print(
    `% Start certificate enrollment ..\n% The subject name in the certificate will be: ${tp.subjectName}\n`,
  );
  if (tp.fqdn) await io.print(`% The fully-qualified domain name in the certificate will be: ${tp.fqdn}\n`);
  if (!noconfirm && (await io.ask('% Include the device serial number in the subject name? [yes/no]: ')) === 'yes') {
    subject.push({ key: 'serialNumber', value: '9A1LAB0ASA1' });
  }
  const csr = buildCsr(subject, key.pair, tp.fqdn ? [tp.fqdn] : []);
  tp.pendingCsr = csr;
  if (!noconfirm && (await io.ask('Display Certificate Request to terminal? [yes/no]: ')) === 'no') return;
  await io.print(
    `Certificate Request follows:\n\n${csr.trimEnd()}\n\n---End - This line not part of the certificate request---\n`,
  );
  if (!noconfirm) await io.ask('Redisplay enrollment request? [yes/no]: ');
};

const authenticate: Handler = async (io, a) => {
  const tp = await trustpointOr(io, a.tp);
  if (!tp) return;
  if (tp.ca) return io.print(`ERROR: Trustpoint ${a.tp} is already authenticated.`);
  await io.print('Enter the base 64 encoded CA certificate.\nEnd with the word "quit" on a line by itself');
  const cert = pastedCertificate(await io.readPaste());
  if (!cert) return io.print('ERROR: Failed to parse or verify imported certificate');
  await io.print(`\nINFO: Certificate has the following attributes:\nFingerprint:     ${md5Fingerprint(cert)}`);
  if ((await io.ask('Do you accept this certificate? [yes/no]: ')) === 'no')
    return io.print('% Certificate not accepted');
  tp.ca = cert;
  io.state.changed();
  await io.print('\nTrustpoint CA certificate accepted.\n\n% Certificate successfully imported');
};

/** The identity certificate must be for this trustpoint's key and issued by its authenticated CA. */
function importProblem(io: CommandIo, tp: LabTrustpoint, cert: LabCert): string | undefined {
  const key = io.state.keyOf(tp);
  const certKey = new X509Certificate(cert.pem).publicKey.export({ type: 'spki', format: 'der' });
  if (!key || !certKey.equals(key.pair.spkiDer)) return 'public key does not match the trustpoint key pair';
  if (!tp.ca) return 'CA not authenticated';
  const ca = new X509Certificate(tp.ca.pem);
  if (cert.info.issuer.rfc2253 !== tp.ca.info.subject.rfc2253 || !new X509Certificate(cert.pem).verify(ca.publicKey)) {
    return 'not issued by the trustpoint CA';
  }
  return undefined;
}

const importCertificate: Handler = async (io, a) => {
  const tp = await trustpointOr(io, a.tp);
  if (!tp) return;
  if (tp.fqdn) await io.print(`\n% The fully-qualified domain name in the certificate will be: ${tp.fqdn}\n`);
  await io.print('\nEnter the base 64 encoded certificate.\nEnd with the word "quit" on a line by itself\n');
  const cert = pastedCertificate(await io.readPaste());
  if (!cert) return io.print('ERROR: Failed to parse or verify imported certificate');
  const problem = importProblem(io, tp, cert);
  if (problem) return io.print(`CRYPTO_PKI: ${problem}\n% Error in saving certificate: status = FAIL`);
  tp.identity = cert;
  tp.pendingCsr = undefined;
  io.state.changed();
  await io.print('INFO: Certificate successfully imported');
};

const importPkcs12: Handler = async (io) => io.print('ERROR: PKCS#12 import is not available on this lab ASA');

// ---------------------------------------------------------------- ssl

const bindTrustpoint: Handler = async (io, a, pos) => {
  const tp = await trustpointOr(io, a.tp);
  if (!tp) return;
  if (a.iface !== undefined && !io.state.knobs.interfaces.includes(a.iface)) return io.caret(pos.iface);
  if (!tp.identity) return io.print(`ERROR: Trustpoint ${a.tp} does not have an identity certificate`);
  if (a.iface === undefined) {
    io.state.ssl.bindings = io.state.ssl.bindings.filter((b) => b.iface !== undefined || b.domain !== undefined);
    io.state.ssl.bindings.push({ trustpoint: a.tp });
    return io.state.changed();
  }
  io.state.bind(a.tp, a.iface);
};

const bindDomain: Handler = async (io, a, pos) => {
  const tp = await trustpointOr(io, a.tp);
  if (!tp) return;
  if (!HOST.test(a.domain)) return io.caret(pos.domain);
  io.state.ssl.bindings = io.state.ssl.bindings.filter((b) => b.domain !== a.domain.toLowerCase());
  io.state.ssl.bindings.push({ trustpoint: a.tp, domain: a.domain.toLowerCase() });
  io.state.changed();
};

const unbindTrustpoint: Handler = async (io, a) => {
  io.state.unbind(a.tp, a.iface);
};

const sslCipher: Handler = async (io, a, pos) => {
  if (!CIPHER_VERSIONS.includes(a.version)) return io.caret(pos.version);
  if (a.custom !== undefined) {
    const suites = a.custom.split(':').filter(Boolean);
    if (suites.length === 0 || suites.some((s) => !KNOWN_CIPHERS.has(s))) {
      return io.print(`ERROR: Invalid cipher string "${a.custom}"`);
    }
    io.state.ssl.ciphers.set(a.version, { level: 'custom', custom: a.custom });
  } else {
    if (!CIPHER_LEVELS.includes(a.level)) return io.caret(pos.level);
    io.state.ssl.ciphers.set(a.version, { level: a.level });
  }
  io.state.changed();
};

const sslServerVersion: Handler = async (io, a) => {
  io.state.ssl.serverVersion = a.version;
  io.state.changed();
};

// ---------------------------------------------------------------- show

const print =
  (render: (io: CommandIo, a: Record<string, string>) => string): Handler =>
  async (io, a) =>
    io.print(render(io, a));

function showCommands(g: Grammar<Handler>): void {
  g.add(
    'show version',
    print((io) => show.showVersion(io.state)),
  )
    .add(
      'show curpriv',
      print(
        (io) =>
          `Username : admin\nCurrent privilege level : ${io.mode === 'user' ? 1 : 15}\nCurrent Mode/s : ${io.mode === 'user' ? 'P_UNPR' : 'P_PRIV'}`,
      ),
    )
    .add(
      'show running-config',
      print((io) => show.runningConfig(io.state)),
    )
    .add(
      'show startup-config',
      print((io) => io.state.startup.config),
    )
    .add(
      'show running-config crypto ca',
      print((io) => show.runCryptoCa(io.state, 'both')),
    )
    .add(
      'show running-config crypto ca trustpoint',
      print((io) => show.runCryptoCa(io.state, 'trustpoint')),
    )
    .add(
      'show running-config crypto ca trustpoint <tp>',
      print((io, a) => show.runCryptoCa(io.state, 'trustpoint', a.tp)),
    )
    .add(
      'show running-config crypto ca certificate',
      print((io) => show.runCryptoCa(io.state, 'certificate')),
    )
    .add(
      'show running-config crypto ca certificate <tp>',
      print((io, a) => show.runCryptoCa(io.state, 'certificate', a.tp)),
    )
    .add(
      'show running-config ssl',
      print((io) => show.runSsl(io.state, false)),
    )
    .add(
      'show running-config all ssl',
      print((io) => show.runSsl(io.state, true)),
    )
    .add(
      'show running-config webvpn',
      print((io) => show.runWebvpn(io.state)),
    )
    .add(
      'show running-config tunnel-group',
      print((io) => show.runTunnelGroups(io.state)),
    )
    .add(
      'show running-config tunnel-group <name>',
      print((io, a) => show.runTunnelGroups(io.state, a.name)),
    )
    .add(
      'show running-config group-policy',
      print((io) => show.runGroupPolicies(io.state, false)),
    )
    .add(
      'show running-config group-policy <name>',
      print((io, a) => show.runGroupPolicies(io.state, false, a.name)),
    )
    .add(
      'show running-config all group-policy',
      print((io) => show.runGroupPolicies(io.state, true)),
    )
    .add(
      'show running-config all group-policy <name>',
      print((io, a) => show.runGroupPolicies(io.state, true, a.name)),
    )
    .add(
      'show running-config dynamic-access-policy-record',
      print((io) => show.runDap(io.state)),
    )
    .add(
      'show running-config dynamic-access-policy-record <name>',
      print((io, a) => show.runDap(io.state, a.name)),
    )
    .add(
      'show running-config vpn load-balancing',
      print((io) => show.runLoadBalancing(io.state)),
    )
    .add(
      'show crypto ca certificates',
      print((io) => show.showCryptoCaCertificates(io.state)),
    )
    .add(
      'show crypto ca certificates <tp>',
      print((io, a) => show.showCryptoCaCertificates(io.state, a.tp)),
    )
    .add(
      'show crypto ca trustpoints',
      print((io) => show.showCryptoCaTrustpoints(io.state)),
    )
    .add(
      'show crypto ca trustpoints <tp>',
      print((io, a) => show.showCryptoCaTrustpoints(io.state, a.tp)),
    )
    .add(
      'show crypto key mypubkey rsa',
      print((io) => show.showCryptoKeyMypubkey(io.state)),
    )
    .add(
      'show ssl',
      print((io) => show.showSsl(io.state)),
    );
}

function pagerCommands(g: Grammar<Handler>): void {
  g.add('terminal pager <lines>', terminalPager)
    .add('terminal pager lines <lines>', terminalPager)
    .add('terminal width <width>', async () => {});
}

function withNoconfirm(g: Grammar<Handler>, pattern: string, handler: Handler): void {
  g.add(pattern, handler).add(`${pattern} noconfirm`, (io, a, p) => handler(io, { ...a, noconfirm: 'yes' }, p));
}

export function buildGrammars(): Record<GrammarName, Grammar<Handler>> {
  const user = new Grammar<Handler>();
  user.add('enable', enable).add(
    'show version',
    print((io) => show.showVersion(io.state)),
  );
  user.add('exit', hangup).add('quit', hangup).add('logout', hangup);
  pagerCommands(user);

  const privileged = new Grammar<Handler>()
    .add('configure terminal', async (io) => io.setMode('config'))
    .add('disable', async (io) => io.setMode('user'))
    .add('exit', hangup)
    .add('quit', hangup)
    .add('logout', hangup);

  const exec = new Grammar<Handler>();
  showCommands(exec);
  pagerCommands(exec);
  exec
    .add('write memory', writeMemory)
    .add('crypto ca export <tp> identity-certificate', exportIdentity)
    .add('crypto ca export <tp> pkcs12 <passphrase>', exportPkcs12);

  const config = new Grammar<Handler>();
  for (const form of ['crypto key generate rsa', 'crypto key generate rsa general-keys']) {
    withNoconfirm(config, `${form} label <label> modulus <bits>`, generateKey());
    withNoconfirm(config, `${form} label <label>`, generateKey());
    withNoconfirm(config, `${form} modulus <bits>`, generateKey(DEFAULT_KEY_LABEL));
  }
  withNoconfirm(config, 'crypto key zeroize rsa label <label>', zeroizeKey);
  withNoconfirm(config, 'crypto key zeroize rsa', zeroizeKey);
  config.add('crypto ca trustpoint <tp>', enterTrustpoint);
  withNoconfirm(config, 'no crypto ca trustpoint <tp>', removeTrustpoint);
  withNoconfirm(config, 'crypto ca enroll <tp>', enroll);
  config
    .add('crypto ca authenticate <tp>', authenticate)
    .add('crypto ca import <tp> certificate', importCertificate)
    .add('crypto ca import <tp> pkcs12 <passphrase>', importPkcs12)
    .add('ssl trust-point <tp>', bindTrustpoint)
    .add('ssl trust-point <tp> <iface>', bindTrustpoint)
    .add('ssl trust-point <tp> domain <domain>', bindDomain)
    .add('no ssl trust-point <tp>', unbindTrustpoint)
    .add('no ssl trust-point <tp> <iface>', unbindTrustpoint)
    .add('ssl cipher <version> <level>', sslCipher)
    .add('ssl cipher <version> custom <custom>', sslCipher)
    .add('ssl server-version <version>', sslServerVersion)
    .add('exit', exitSubmode('privileged'))
    .add('end', exitSubmode('privileged'));

  const trustpoint = new Grammar<Handler>()
    .add(
      'enrollment self',
      setTrustpoint((tp) => (tp.enrollment = 'self')),
    )
    .add(
      'enrollment terminal',
      setTrustpoint((tp) => (tp.enrollment = 'terminal')),
    )
    .add(
      'enrollment url <url>',
      setTrustpoint((tp, a) => (tp.enrollment = `url ${a.url}`)),
    )
    .add('fqdn <fqdn>', setFqdn)
    .add(
      'no fqdn',
      setTrustpoint((tp) => (tp.fqdn = null)),
    )
    .add('subject-name <dn...>', setSubject)
    .add(
      'keypair <label>',
      setTrustpoint((tp, a) => (tp.keypair = a.label)),
    )
    .add('id-usage <usage...>', async () => {})
    .add('crl configure', enterCrl)
    .add('exit', exitSubmode('config'))
    .add('end', exitSubmode('privileged'));

  const crl = new Grammar<Handler>()
    .add('exit', exitSubmode('config-ca-trustpoint'))
    .add('end', exitSubmode('privileged'));

  return { user, privileged, exec, config, trustpoint, crl };
}
