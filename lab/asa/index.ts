/**
 * The ASA lab: an SSH CLI and a phone-facing TLS listener on loopback (ephemeral ports) behaving like an ASA 9.x
 * as domain.md §1 and §7 describe. Tests and `certroll lab`/`demo` start it with `startAsaLab()`.
 */
import { AsaTlsFace, Endpoint } from '../contracts';
import { buildGrammars } from './commands';
import { CliContext } from './cli';
import { buildCsr, keyPairFromPem, newRsaKey, signCsr } from './pki';
import { runningConfig } from './render';
import { AsaSshServer, defaultHostKeyPem, hostKeyFingerprint } from './ssh';
import {
  AsaLabState,
  certificateSubject,
  defaultKnobs,
  labCert,
  parseTypedSubject,
  selfSignedCertificate,
} from './state';
import { AsaTlsListener, presentedRsa } from './tls';
import { AsaConfigKnobs, AsaFaults, AsaLabOptions, AsaLabSnapshot } from './types';

export type { AsaConfigKnobs, AsaFaults, AsaLabOptions, AsaLabSnapshot, DropFault, PromptForm } from './types';
export { createLabCa, signCsr } from './pki';
export type { LabCa } from './pki';

export interface AsaLab extends AsaTlsFace {
  ssh: Endpoint;
  /** `SHA256:<base64>` pin of the SSH host key, for the inventory. */
  hostKeySha256: string;
  tls: Endpoint;
  /** Login details (lab-only values; the inventory refers to them through secret references). */
  credentials: { username: string; password: string; enablePassword: string };
  /** Every line received at a prompt, in order (never passwords, dialog answers or pasted lines). */
  commandLog: string[];
  /** Mutable fault knobs. */
  faults: AsaFaults;
  state(): AsaLabSnapshot;
  /** PEM of the leaf certificate the interface presents to RSA clients. */
  boundCertificatePem(iface?: string): string;
  /** Change doctor-facing configuration while running. */
  updateConfig(knobs: Partial<AsaConfigKnobs>): void;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

async function addInitialTrustpoint(
  state: AsaLabState,
  init: NonNullable<AsaLabOptions['initialTrustpoint']>,
): Promise<void> {
  const key = await newRsaKey(2048);
  state.keys.set(init.name, { label: init.name, pair: key, generatedAt: new Date() });
  const subjectName = `CN=${init.cn}${init.subjectExtra ? `,${init.subjectExtra}` : ''}`;
  const typed = parseTypedSubject(subjectName);
  if (!typed) throw new Error(`startAsaLab: initialTrustpoint subject "${subjectName}" is not a valid subject-name`);
  const notBefore = init.notBefore ?? new Date(Date.now() - 335 * DAY_MS);
  const notAfter = init.notAfter ?? new Date(Date.now() + 30 * DAY_MS);
  const subject = certificateSubject(typed, init.fqdn);
  state.trustpoints.set(init.name, {
    name: init.name,
    enrollment: init.signedBy ? 'terminal' : 'self',
    fqdn: init.fqdn ?? null,
    subjectName,
    keypair: init.name,
    crlConfigure: false,
    ...(init.signedBy
      ? {
          ca: labCert(init.signedBy.pem),
          identity: labCert(
            signCsr(init.signedBy, buildCsr(subject, key, init.fqdn ? [init.fqdn] : []), {
              notBefore,
              days: (notAfter.getTime() - notBefore.getTime()) / DAY_MS,
            }),
          ),
        }
      : { identity: selfSignedCertificate(key, subject, init.fqdn, notBefore, notAfter) }),
  });
  state.ssl.bindings.push({ trustpoint: init.name, iface: state.iface });
}

export async function startAsaLab(opts: AsaLabOptions = {}): Promise<AsaLab> {
  const iface = opts.iface ?? 'outside';
  const hostKeyPem = opts.hostKeyPem ?? defaultHostKeyPem();
  const initial =
    opts.initialTrustpoint === undefined
      ? { name: 'VPN-CURRENT', cn: 'vpn.example.com', fqdn: 'vpn.example.com' }
      : opts.initialTrustpoint;
  const state = new AsaLabState({
    hostname: opts.hostname ?? 'asa1',
    version: opts.version ?? '9.16(2)',
    iface,
    phoneLicense: opts.phoneLicense ?? 'enabled',
    premiumPeers: opts.premiumPeers ?? 250,
    ecdsaQuirk: opts.ecdsaQuirk ?? false,
    knobs: { ...defaultKnobs(iface, initial?.fqdn ?? 'vpn.example.com'), ...opts.config },
    defaultKey: keyPairFromPem(hostKeyPem),
  });
  if (initial) await addInitialTrustpoint(state, initial);
  if (opts.phoneCiphersEnabled === false) state.ssl.ciphers.set('tlsv1.2', { level: 'high' });
  // The lab boots from a saved configuration.
  state.startup = { config: runningConfig(state), keyLabels: [...state.keys.keys()] };

  const credentials = {
    username: opts.username ?? 'certroll',
    password: opts.password ?? 'lab-ssh-password',
    enablePassword: opts.enablePassword ?? 'lab-enable-password',
  };
  const faults: AsaFaults = { pagerDefault: 24 };
  const commandLog: string[] = [];
  const ctx: CliContext = {
    state,
    faults,
    commandLog,
    enablePassword: credentials.enablePassword,
    landInEnable: opts.landInEnable ?? false,
    grammars: buildGrammars(),
    dropsFired: new WeakMap(),
  };
  const sshServer = new AsaSshServer(ctx, credentials, hostKeyPem);
  const tlsListener = new AsaTlsListener(state);
  const [ssh, tls] = await Promise.all([sshServer.listen(), tlsListener.listen()]);

  return {
    ssh,
    tls,
    hostKeySha256: hostKeyFingerprint(hostKeyPem),
    credentials,
    commandLog,
    faults,
    state: () => state.snapshot(runningConfig(state)),
    boundCertificatePem: (which = iface) => presentedRsa(state, which).leafPem,
    onTrustpointSwitch: (listener) => state.onTrustpointSwitch(listener),
    updateConfig: (knobs) => {
      state.knobs = { ...state.knobs, ...knobs };
      state.changed();
    },
    close: async () => {
      await Promise.all([sshServer.close(), tlsListener.close()]);
    },
  };
}
