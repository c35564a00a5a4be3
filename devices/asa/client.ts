/**
 * The rollover's ASA steps on top of one SSH session, each idempotent (check before act, names chosen by the
 * caller) and each validating its input before the session is even opened, so bad input changes nothing and
 * sends nothing. Also `readState()`, the read-only picture the plan and the doctor judge.
 */
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { CertificateFacts, certificateFacts, parseCertificate, sameSerial } from '../cert';
import { InvalidInput } from '../errors';
import { includesPhoneCipher, normaliseCipherName, suitesOf } from './ciphers';
import * as cmd from './commands';
import { AsaCommandError, AsaStateConflict, TrustpointInUse, WriteMemoryFailed } from './errors';
import { parseCryptoCaEnroll } from './parse/crypto-ca-enroll';
import { parseCryptoCaExport } from './parse/crypto-ca-export';
import { AsaCertificateBlock, parseShowCryptoCaCertificates } from './parse/crypto-ca-certificates';
import { parseCryptoCaImport } from './parse/crypto-ca-paste';
import { AsaKeyPair, parseShowCryptoKeyMypubkey } from './parse/crypto-key';
import { parseShowRunCryptoCaTrustpoint, TrustpointConfig } from './parse/run-crypto-ca';
import { parseShowRunDap } from './parse/run-dap';
import { parseShowRunGroupPolicy } from './parse/run-group-policy';
import { parseShowRunLoadBalancing } from './parse/run-load-balancing';
import { parseShowRunSsl, RunSsl, trustpointForInterface } from './parse/run-ssl';
import { parseShowRunTunnelGroup } from './parse/run-tunnel-group';
import { parseShowRunWebvpn } from './parse/run-webvpn';
import { parseShowSsl } from './parse/show-ssl';
import { parseShowVersion } from './parse/show-version';
import { parseWriteMemory } from './parse/write-memory';
import { AsaSession, AsaSessionOptions } from './session';
import { AsaState, summarizeBlock } from './state';
import { EC_TLS_SINCE, versionAtLeast } from './version';

/** Everything about a certificate the rollover compares and stores (no private material). */
export type ExportedCertificate = CertificateFacts;

export interface KeyAndTrustpointSpec {
  trustpoint: string;
  keyLabel: string;
  subjectName: string;
  fqdn?: string;
  enrollment: 'self' | 'terminal';
}

function spkiHexOfCertificate(pem: string): string {
  return new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }).toString('hex');
}

function spkiHexOfCsr(csrPem: string): string {
  const csr = forge.pki.certificationRequestFromPem(csrPem);
  const der = forge.asn1.toDer(forge.pki.publicKeyToAsn1(csr.publicKey as forge.pki.rsa.PublicKey)).getBytes();
  return Buffer.from(der, 'binary').toString('hex');
}

export class AsaClient {
  private session?: AsaSession;

  /** `iface` is the phone-facing interface from the inventory. Nothing connects until a step needs the device. */
  constructor(
    private readonly options: AsaSessionOptions,
    readonly iface: string,
  ) {
    cmd.validIdentifier(iface, 'interface');
  }

  async close(): Promise<void> {
    await this.session?.close();
    this.session = undefined;
  }

  private async open(): Promise<AsaSession> {
    this.session ??= await AsaSession.open(this.options);
    return this.session;
  }

  private async run(command: cmd.AsaCommand): Promise<string> {
    return (await this.open()).run(command);
  }

  private async configure(commands: readonly cmd.AsaCommand[]): Promise<string[]> {
    const session = await this.open();
    return session.configure(() => session.runAll(commands));
  }

  // ---------------------------------------------------------------- reads

  async keys(): Promise<AsaKeyPair[]> {
    return parseShowCryptoKeyMypubkey(await this.run(cmd.showCryptoKeyMypubkeyRsa())).keys;
  }

  async trustpointConfigs(): Promise<TrustpointConfig[]> {
    return parseShowRunCryptoCaTrustpoint(await this.run(cmd.showRunCryptoCaTrustpoint())).trustpoints;
  }

  async certificates(trustpoint?: string): Promise<AsaCertificateBlock[]> {
    return parseShowCryptoCaCertificates(await this.run(cmd.showCryptoCaCertificates(trustpoint))).certificates;
  }

  async identityOf(trustpoint: string): Promise<AsaCertificateBlock | undefined> {
    return (await this.certificates(trustpoint)).find(
      (c) => c.kind === 'identity' && c.associatedTrustpoints.includes(trustpoint),
    );
  }

  async runSsl(): Promise<RunSsl> {
    return parseShowRunSsl(await this.run(cmd.showRunSsl()));
  }

  async readState(): Promise<AsaState> {
    const version = parseShowVersion(await this.run(cmd.showVersion()));
    const keys = await this.keys();
    const configs = await this.trustpointConfigs();
    const certs = await this.certificates();
    const ssl = parseShowRunSsl(await this.run(cmd.showRunAllSsl()));
    const showSsl = parseShowSsl(await this.run(cmd.showSsl()));
    const webvpn = parseShowRunWebvpn(await this.run(cmd.showRunWebvpn()));
    const tunnelGroups = parseShowRunTunnelGroup(await this.run(cmd.showRunTunnelGroup())).tunnelGroups;
    const groupPolicies = parseShowRunGroupPolicy(await this.run(cmd.showRunGroupPolicy())).groupPolicies;
    const dflt = parseShowRunGroupPolicy(await this.run(cmd.showRunAllGroupPolicy('DfltGrpPolicy'))).groupPolicies[0];
    const dapRecords = parseShowRunDap(await this.run(cmd.showRunDap())).records;
    const loadBalancing = parseShowRunLoadBalancing(await this.run(cmd.showRunVpnLoadBalancing()));

    const enabled =
      showSsl.enabledCiphers.find((e) => e.version === 'tlsv1.2')?.ciphers ??
      showSsl.enabledCiphers.find((e) => e.version === 'all')?.ciphers.map(normaliseCipherName) ??
      suitesOf(ssl.ciphers.find((c) => c.version === 'tlsv1.2') ?? { level: 'medium' });
    const names = new Set([...configs.map((c) => c.name), ...certs.flatMap((c) => c.associatedTrustpoints)]);
    const state: AsaState = {
      hostname: (await this.open()).hostname,
      version: version.version,
      ecTlsCapable: version.version !== undefined && versionAtLeast(version.version, EC_TLS_SINCE),
      failover: version.failover,
      iface: this.iface,
      trustpoints: [...names].map((name) => {
        const config = configs.find((c) => c.name === name);
        const identity = certs.find((c) => c.kind === 'identity' && c.associatedTrustpoints.includes(name));
        const ca = certs.find((c) => c.kind === 'ca' && c.associatedTrustpoints.includes(name));
        return {
          name,
          ...(config?.keypair !== undefined && { keypair: config.keypair }),
          ...(config?.enrollment !== undefined && { enrollment: config.enrollment }),
          ...(config?.fqdn !== undefined && { fqdn: config.fqdn }),
          ...(config?.subjectName !== undefined && { subjectName: config.subjectName }),
          ...(identity && { certificate: summarizeBlock(identity) }),
          ...(ca && { caCertificate: summarizeBlock(ca) }),
          boundTo: ssl.trustpoints
            .filter((b) => b.trustpoint === name)
            .map((b) => (b.domain ? `domain ${b.domain}` : (b.iface ?? '(all interfaces)'))),
        };
      }),
      keyLabels: keys.map((k) => k.label),
      ssl: {
        cipherLines: ssl.cipherLines,
        enabledCiphers: enabled,
        phoneCiphersEnabled: includesPhoneCipher(enabled),
        ecdsaCiphersEnabled: enabled.some((c) => c.startsWith('ECDHE-ECDSA')),
        bindings: ssl.trustpoints,
      },
      webvpn: {
        configured: webvpn.configured,
        csdEnabled: webvpn.csdEnabled,
        hostscanEnabled: webvpn.hostscanEnabled,
        enabledInterfaces: webvpn.enabledInterfaces,
      },
      tunnelGroups,
      groupPolicies,
      dapRecords,
      loadBalancing,
    };
    const bound = trustpointForInterface(ssl, this.iface);
    if (bound !== undefined) state.boundTrustpoint = bound;
    if (ssl.serverVersion !== undefined) state.ssl.serverVersion = ssl.serverVersion;
    if (version.phoneLicense) {
      const { name, line, enabled: on } = version.phoneLicense;
      state.phoneLicense = { name, line, enabled: on };
    }
    if (version.premiumPeers !== undefined) state.premiumPeers = version.premiumPeers;
    if (version.securityContexts !== undefined) state.securityContexts = version.securityContexts;
    if (dflt) state.defaultGroupPolicy = dflt;
    return state;
  }

  // ---------------------------------------------------------------- rollover steps

  /** `crypto key generate rsa` + `crypto ca trustpoint`; `created: false` when both already exist exactly as asked. */
  async createKeyAndTrustpoint(spec: KeyAndTrustpointSpec): Promise<{ created: boolean }> {
    const definition = cmd.defineTrustpoint({
      name: spec.trustpoint,
      enrollment: spec.enrollment,
      fqdn: spec.fqdn,
      subjectName: spec.subjectName,
      keypair: spec.keyLabel,
    });
    const generate = cmd.generateRsaKey(spec.keyLabel);
    const wanted: TrustpointConfig = {
      name: spec.trustpoint,
      enrollment: spec.enrollment,
      fqdn: spec.fqdn === undefined ? null : cmd.validFqdn(spec.fqdn),
      subjectName: cmd.validSubjectName(spec.subjectName),
      keypair: spec.keyLabel,
      crlConfigure: false,
      otherLines: [],
    };

    const keyExists = (await this.keys()).some((k) => k.label === spec.keyLabel);
    const configs = await this.trustpointConfigs();
    const other = configs.find((c) => c.name !== spec.trustpoint && c.keypair === spec.keyLabel);
    if (other) {
      throw new AsaStateConflict(`key label ${spec.keyLabel} is already the key pair of trustpoint ${other.name}`);
    }
    const existing = configs.find((c) => c.name === spec.trustpoint);
    const fields = ['enrollment', 'fqdn', 'subjectName', 'keypair'] as const;
    let defined = false;
    if (existing) {
      // A field still unset is an earlier attempt cut off mid-definition: finish it. A different value is not ours.
      const differences = fields.filter((k) => existing[k] !== undefined && existing[k] !== wanted[k]);
      if (differences.length > 0) {
        throw new AsaStateConflict(
          `trustpoint ${spec.trustpoint} exists with different ${differences.join(', ')}; choose a new trustpoint name`,
        );
      }
      defined = fields.every((k) => existing[k] === wanted[k]);
      if (defined && keyExists) return { created: false };
    }
    await this.configure([...(keyExists ? [] : [generate]), ...(defined ? [] : definition)]);
    const after = (await this.trustpointConfigs()).find((c) => c.name === spec.trustpoint);
    const keyNow = (await this.keys()).some((k) => k.label === spec.keyLabel);
    if (!after || fields.some((k) => after[k] !== wanted[k]) || !keyNow) {
      throw new AsaCommandError(
        `trustpoint ${spec.trustpoint} or key ${spec.keyLabel} not as asked after creation`,
        generate.line,
        '',
      );
    }
    return { created: true };
  }

  private async trustpointFor(trustpoint: string, enrollment: 'self' | 'terminal'): Promise<TrustpointConfig> {
    const config = (await this.trustpointConfigs()).find((c) => c.name === trustpoint);
    if (!config) throw new AsaStateConflict(`trustpoint ${trustpoint} does not exist`);
    if (config.enrollment !== enrollment) {
      throw new AsaStateConflict(
        `trustpoint ${trustpoint} has enrollment ${config.enrollment ?? '(none)'}, not ${enrollment}`,
      );
    }
    return config;
  }

  async enrollSelfSigned(trustpoint: string): Promise<{ enrolled: boolean }> {
    const enroll = cmd.enrollSelfSigned(trustpoint);
    await this.trustpointFor(trustpoint, 'self');
    if ((await this.identityOf(trustpoint))?.status === 'Available') return { enrolled: false };
    await this.configure([enroll]);
    if ((await this.identityOf(trustpoint))?.status !== 'Available') {
      throw new AsaCommandError(`no identity certificate on ${trustpoint} after enrollment`, enroll.line, '');
    }
    return { enrolled: true };
  }

  /** Terminal enrollment: the CSR for the trustpoint's key (a retry produces an equivalent CSR for the same key). */
  async createCsr(trustpoint: string): Promise<{ csrPem: string }> {
    const enroll = cmd.enrollTerminal(trustpoint);
    const config = await this.trustpointFor(trustpoint, 'terminal');
    if (await this.identityOf(trustpoint)) {
      throw new AsaStateConflict(`trustpoint ${trustpoint} already has an identity certificate; no new CSR`);
    }
    const [output] = await this.configure([enroll]);
    const csrPem = parseCryptoCaEnroll(output).csrPem;
    if (!csrPem) throw new AsaCommandError(`no certificate request in the enrollment output`, enroll.line, output);
    const key = (await this.keys()).find((k) => k.label === config.keypair);
    if (key?.publicKeyHex && spkiHexOfCsr(csrPem) !== key.publicKeyHex) {
      throw new AsaCommandError(`the CSR is not for key pair ${config.keypair}`, enroll.line, output);
    }
    return { csrPem };
  }

  /** `crypto ca authenticate` (the issuing CA, once) then `crypto ca import … certificate`. */
  async importSignedCertificate(
    trustpoint: string,
    certificatePem: string,
    caPems: string[],
  ): Promise<{ imported: boolean }> {
    const cert = parseCertificate(certificatePem);
    const cas = caPems.map((p) => parseCertificate(p));
    const issuer = cas.find(
      (ca) =>
        ca.subject.rfc2253 === cert.issuer.rfc2253 &&
        new X509Certificate(cert.pem).verify(new X509Certificate(ca.pem).publicKey),
    );
    if (!issuer)
      throw new InvalidInput('none of the CA certificates issued the certificate (name and signature checked)');
    if (Date.parse(cert.notAfter) <= Date.now()) throw new InvalidInput(`the certificate expired ${cert.notAfter}`);
    const authenticate = cmd.authenticateCa(trustpoint, issuer.pem);
    const importing = cmd.importCertificate(trustpoint, cert.pem);

    const config = await this.trustpointFor(trustpoint, 'terminal');
    const key = (await this.keys()).find((k) => k.label === config.keypair);
    if (!key?.publicKeyHex) throw new AsaStateConflict(`key pair ${config.keypair} of ${trustpoint} not found`);
    if (spkiHexOfCertificate(cert.pem) !== key.publicKeyHex) {
      throw new InvalidInput(`the certificate is not for key pair ${config.keypair} of trustpoint ${trustpoint}`);
    }
    const blocks = await this.certificates(trustpoint);
    const identity = blocks.find((b) => b.kind === 'identity');
    if (identity) {
      if (sameSerial(identity.serialHex ?? '', cert.serialHex) && identity.subjectRfc2253 === cert.subject.rfc2253) {
        return { imported: false };
      }
      throw new AsaStateConflict(`trustpoint ${trustpoint} already holds a different identity certificate`);
    }
    const ca = blocks.find((b) => b.kind === 'ca');
    if (ca && !sameSerial(ca.serialHex ?? '', issuer.serialHex)) {
      throw new AsaStateConflict(`trustpoint ${trustpoint} is authenticated to a different CA (${ca.subjectRfc2253})`);
    }
    const outputs = await this.configure(ca ? [importing] : [authenticate, importing]);
    const output = outputs[outputs.length - 1];
    if (!parseCryptoCaImport(output).imported) {
      throw new AsaCommandError(`certificate import into ${trustpoint} not confirmed`, importing.line, output);
    }
    return { imported: true };
  }

  async exportIdentityCertificate(trustpoint: string): Promise<ExportedCertificate> {
    const exporting = cmd.exportIdentityCertificate(trustpoint);
    const output = await this.run(exporting);
    const pem = parseCryptoCaExport(output).pem;
    if (!pem) throw new AsaCommandError(`no certificate in the export of ${trustpoint}`, exporting.line, output);
    const info = parseCertificate(pem);
    const identity = await this.identityOf(trustpoint);
    if (!identity || !sameSerial(identity.serialHex ?? '', info.serialHex)) {
      throw new AsaCommandError(
        `exported certificate does not match ${trustpoint}'s identity certificate`,
        exporting.line,
        output,
      );
    }
    return certificateFacts(info);
  }

  /** `ssl trust-point TP <iface>`: the switch. `previous` is what the interface presented before. */
  async bindTrustpoint(trustpoint: string): Promise<{ previous: string | undefined; changed: boolean }> {
    const bind = cmd.bindTrustpoint(trustpoint, this.iface);
    const previous = trustpointForInterface(await this.runSsl(), this.iface);
    if (previous === trustpoint) return { previous, changed: false };
    if ((await this.identityOf(trustpoint))?.status !== 'Available') {
      throw new AsaStateConflict(`trustpoint ${trustpoint} has no available identity certificate to present`);
    }
    await this.configure([bind]);
    const now = trustpointForInterface(await this.runSsl(), this.iface);
    if (now !== trustpoint)
      throw new AsaCommandError(`${this.iface} presents ${now} after the switch, not ${trustpoint}`, bind.line, '');
    return { previous, changed: true };
  }

  async writeMemory(): Promise<{ ok: true }> {
    const output = await this.run(cmd.writeMemory());
    const result = parseWriteMemory(output);
    if (!result.ok) {
      throw new WriteMemoryFailed(
        `write memory failed: ${result.errors.join(' / ') || 'no [OK]'}; the running configuration is not saved`,
        result.errors,
      );
    }
    return { ok: true };
  }

  /** Compensation: remove the trustpoint, then zeroize its key by label. Refused while anything presents it. */
  async removeTrustpoint(trustpoint: string, keyLabel: string): Promise<{ removed: boolean }> {
    const remove = cmd.removeTrustpoint(trustpoint);
    const zeroize = cmd.zeroizeRsaKey(keyLabel);
    const bindings = (await this.runSsl()).trustpoints.filter((b) => b.trustpoint === trustpoint);
    if (bindings.length > 0) {
      const where = bindings.map((b) => b.iface ?? b.domain ?? 'all interfaces').join(', ');
      throw new TrustpointInUse(`trustpoint ${trustpoint} is bound to ${where}; switch away from it first`);
    }
    const configs = await this.trustpointConfigs();
    const existing = configs.find((c) => c.name === trustpoint);
    if (existing && existing.keypair !== undefined && existing.keypair !== keyLabel) {
      throw new AsaStateConflict(`trustpoint ${trustpoint} uses key pair ${existing.keypair}, not ${keyLabel}`);
    }
    const sharing = configs.find((c) => c.name !== trustpoint && c.keypair === keyLabel);
    if (sharing) throw new TrustpointInUse(`key pair ${keyLabel} is also used by trustpoint ${sharing.name}`);
    const keyExists = (await this.keys()).some((k) => k.label === keyLabel);
    const commands = [...(existing ? [remove] : []), ...(keyExists ? [zeroize] : [])];
    if (commands.length === 0) return { removed: false };
    await this.configure(commands);
    return { removed: true };
  }
}
