/**
 * One lab VPN phone. On Apply Config / Reset / Restart it unregisters, waits its boot delay, fetches its config
 * through the lab TFTP service (`.cnf.xml.sgn`, as phones with an ITL do), makes the phone's TLS handshake to the
 * ASA and registers only when the presented certificate's SHA-1 is in its certHash set and, with the host-ID
 * check on, the URL host matches the certificate's CN/SAN. Otherwise it stays unregistered and says why in its
 * console log, in the VPNC/SECD words of a real phone (domain.md §5.8).
 */
import { createHash } from 'node:crypto';
import { hostIdMatches, parseCertificate } from '../../devices/cert';
import { readPhoneConfig, type VpnGroup } from '../../devices/phone-config';
import { ConfigFileNotFound } from '../../devices/tftp/errors';
import { fetchPhoneConfig, readConfigFile } from '../../devices/tftp/fetch-phone-config';
import type { AsaTlsFace, CucmPhoneRegistry, Endpoint, LabPhoneRecord, PhoneAction } from '../contracts';
import type { Random } from '../tftp/random';
import { ConsoleLog, logHostIdFailure, logUnknownCa } from './console-log';
import { phoneHandshake } from './handshake';

export type PhoneState = 'registered' | 'unregistered' | 'booting';

/** RisPort StatusReason after each CUCM action (as the CUCM lab reports them). */
const ACTION_REASON: Record<PhoneAction, number> = { apply: 17, reset: 9, restart: 15 };
/** The tunnel dropped: CUCM stops hearing keepalives from the phone. */
const REASON_KEEPALIVE_TIMEOUT = 13;

export interface FleetKnobs {
  bootDelayMs: number;
  rehandshakeDelayMs: number;
  /** A phone whose VPN failed tries again this often (its failConnectTime); 0 = never. */
  retryIntervalMs: number;
}

/** What every phone shares: the labs it talks to, knobs, dice, the boot gate and the work accounting. */
export interface FleetContext {
  cucm: CucmPhoneRegistry;
  tftp: Endpoint;
  asa: AsaTlsFace;
  knobs: FleetKnobs;
  random: Random;
  /** base64 SHA-1 of certificates every phone refuses even when listed (a firmware fault knob). */
  rejected: Set<string>;
  /** Bounds how many phones fetch and handshake at once (a boot storm must not starve the event loop). */
  gate<T>(fn: () => Promise<T>): Promise<T>;
  /** Run fn after ms; counted as pending work (settle waits for it) unless background. */
  later(ms: number, fn: () => Promise<void> | void, background?: boolean): void;
}

export interface LabPhoneView {
  name: string;
  model: string;
  state: PhoneState;
  registered: boolean;
  /** base64 SHA-1 (certHash form) of the certificate the ASA presented at the last handshake. */
  lastHandshakeSha1?: string;
  lastHandshakeSha1Hex?: string;
  lastVpncLog?: string;
  /** The certHash set from the config the phone last loaded. */
  certHashes: string[];
  hostIdCheck?: boolean;
  configFile?: string;
  boots: number;
  /** Chosen by the neverReturnShare knob: powered off at its next reset. */
  neverReturns: boolean;
  registeredAt?: string;
}

export class LabPhone {
  private state: PhoneState = 'unregistered';
  private vpn?: VpnGroup;
  private hasConfig = false;
  private configFile?: string;
  private lastSha1?: { base64: string; hex: string };
  private registeredAt?: string;
  private boots = 0;
  /** Bumped by every CUCM action: work started for an older generation is dropped. */
  private generation = 0;
  private poweredOff = false;
  /** What RisPort shows for this phone as far as we know (the CUCM lab starts phones as Registered). */
  private reportedRegistered = true;
  readonly log = new ConsoleLog();

  constructor(
    readonly record: LabPhoneRecord,
    private readonly ip: string,
    readonly neverReturns: boolean,
    private readonly ctx: FleetContext,
  ) {}

  get name(): string {
    return this.record.name;
  }

  view(): LabPhoneView {
    return {
      name: this.name,
      model: this.record.model,
      state: this.state,
      registered: this.state === 'registered',
      lastHandshakeSha1: this.lastSha1?.base64,
      lastHandshakeSha1Hex: this.lastSha1?.hex,
      lastVpncLog: this.log.lastVpnc,
      certHashes: this.vpn?.certHashes.map((h) => h.base64) ?? [],
      hostIdCheck: this.vpn?.enableHostIDCheck,
      configFile: this.configFile,
      boots: this.boots,
      neverReturns: this.neverReturns,
      registeredAt: this.registeredAt,
    };
  }

  get phoneState(): PhoneState {
    return this.state;
  }

  /** The fleet starts: the phone boots now, as if it had just been plugged in. */
  powerOn(): void {
    const gen = ++this.generation;
    this.state = 'booting';
    this.ctx.later(this.jitter(50), () => this.boot(gen));
  }

  /** Apply Config, Reset or Restart from CUCM (AXL): the tunnel drops and the phone reboots. */
  onAction(action: PhoneAction): void {
    const gen = ++this.generation;
    this.ctx.cucm.setRegistration(this.name, { status: 'UnRegistered', statusReason: ACTION_REASON[action] });
    this.reportedRegistered = false;
    this.log.add(
      'NOT',
      `CFG: ${action === 'apply' ? 'Apply Config' : 'Restart'} requested by Cisco Unified Communications Manager`,
    );
    if (this.neverReturns) {
      // Off the desk, out of power, or waiting for a user who is not there: it does not come back.
      this.poweredOff = true;
      this.state = 'unregistered';
      return;
    }
    this.state = 'booting';
    this.ctx.later(this.jitter(this.ctx.knobs.bootDelayMs), () => this.boot(gen));
  }

  /** The ASA now presents another certificate: a connected phone meets it when its tunnel re-handshakes. */
  onTrustpointSwitch(): void {
    if (this.poweredOff || this.state === 'booting' || !this.hasConfig) return;
    const gen = this.generation;
    this.ctx.later(this.jitter(this.ctx.knobs.rehandshakeDelayMs), () => this.ctx.gate(() => this.connect(gen)));
  }

  private jitter(ms: number): number {
    return Math.round(ms * (0.5 + this.ctx.random()));
  }

  private async boot(gen: number): Promise<void> {
    await this.ctx.gate(async () => {
      if (gen !== this.generation) return;
      this.boots += 1;
      const loaded = await this.loadConfig();
      if (gen !== this.generation) return;
      if (!loaded) return this.fail(gen);
      await this.connect(gen);
    });
  }

  /** Fetch and read the config as the phone does; false (logged) when it cannot. */
  private async loadConfig(): Promise<boolean> {
    let fetched: { file: string; bytes: Buffer };
    try {
      fetched = await fetchPhoneConfig(this.ctx.tftp, this.name);
    } catch (err) {
      const file = `${this.name}.cnf.xml.sgn`;
      this.log.add(
        'ERR',
        err instanceof ConfigFileNotFound ? `CFG: File not found ${file}` : `CFG: TFTP Timeout : ${file}`,
      );
      return false;
    }
    let readout = readPhoneConfig(fetched.bytes, fetched.file);
    if (readout.kind === 'encrypted') {
      const decrypted = await this.decryptedConfig();
      if (!decrypted) return false;
      readout = readPhoneConfig(decrypted, `${this.name}.cnf.xml`);
    }
    if (readout.kind !== 'config') {
      this.log.add(
        'ERR',
        `CFG: TFTP Error : ${fetched.file} (${readout.kind === 'unreadable' ? readout.reason : readout.kind})`,
      );
      return false;
    }
    this.log.add('NOT', `CFG: ${fetched.file}`);
    this.vpn = readout.vpnGroup;
    this.hasConfig = true;
    this.configFile = fetched.file;
    return true;
  }

  /** An encrypted-config phone fetches `.enc.sgn` and decrypts it with its own key (via the CUCM lab). */
  private async decryptedConfig(): Promise<Buffer | undefined> {
    const file = `${this.name}.cnf.xml.enc.sgn`;
    try {
      const encrypted = await readConfigFile(this.ctx.tftp, file);
      const plain = this.ctx.cucm.decryptPhoneConfig?.(this.name, encrypted);
      if (!plain) this.log.add('ERR', `SECD: unable to decrypt ${file}: no key for this phone in the lab`);
      return plain;
    } catch {
      this.log.add('ERR', `CFG: TFTP Error : ${file}`);
      return undefined;
    }
  }

  /** Build the tunnel with what the config says; register or fail. */
  private async connect(gen: number): Promise<void> {
    if (gen !== this.generation || this.poweredOff) return;
    const vpn = this.vpn;
    if (!vpn) return this.register(); // no VPN settings: an on-net phone registers directly
    if (vpn.authMethodName !== 'certificate' && !vpn.pswdPersistent) {
      this.log.add('NOT', `VPNC: waiting for user credentials (authMethod ${vpn.authMethod}, password not persistent)`);
      return this.fail(gen);
    }
    const url = vpn.urls[0];
    if (!url) {
      this.log.add('ERR', 'VPNC: no VPN gateway URL in the config');
      return this.fail(gen);
    }
    const host = new URL(url).hostname;
    this.log.add('NOT', 'VPNC: ssl_state_cb: TLSv1: SSL_connect: before/connect initialization');
    let leafDer: Buffer;
    try {
      leafDer = (await phoneHandshake(this.ctx.asa.tls, host)).leafDer;
    } catch (err) {
      this.log.add('ERR', `VPNC: create_ssl_connection: SSL setup failure (${(err as Error).message})`);
      return this.fail(gen);
    }
    if (gen !== this.generation) return;
    this.judge(gen, host, vpn, leafDer);
  }

  private judge(gen: number, host: string, vpn: VpnGroup, leafDer: Buffer): void {
    const sha1 = createHash('sha1').update(leafDer).digest();
    this.lastSha1 = { base64: sha1.toString('base64'), hex: sha1.toString('hex').toUpperCase() };
    const cert = parseCertificate(leafDer);
    const subject = cert.subject.rdns.map((r) => `/${r.key}=${r.value}`).join('');
    if (this.ctx.rejected.has(this.lastSha1.base64)) {
      this.log.add('ERR', 'SECD: the presented certificate cannot be used by this firmware');
      logUnknownCa(this.log, subject, this.lastSha1.hex);
      return this.fail(gen);
    }
    // Set membership, as the phone does: any certHashN may be the presented certificate.
    if (!vpn.certHashes.some((h) => h.base64 === this.lastSha1!.base64)) {
      logUnknownCa(this.log, subject, this.lastSha1.hex);
      return this.fail(gen);
    }
    if (vpn.enableHostIDCheck) {
      const check = hostIdMatches(host, cert);
      if (!check.match) {
        const wildcard = [...cert.commonNames, ...cert.subjectAltNames.dns].find((n) => n.startsWith('*.'));
        logHostIdFailure(this.log, host, wildcard);
        return this.fail(gen);
      }
    }
    this.log.add('NOT', 'VPNC: set_login_state: LOGIN: 1 (TRYING) --> 2 (CONNECTED)');
    if (this.state !== 'registered') this.register();
  }

  private register(): void {
    this.state = 'registered';
    this.registeredAt = new Date().toISOString();
    this.ctx.cucm.setRegistration(this.name, { status: 'Registered', statusReason: 0, ipAddress: this.ip });
    this.reportedRegistered = true;
  }

  private fail(gen: number): void {
    // A registered phone loses CUCM when its tunnel goes; a rebooting one was already unregistered by the reset.
    if (this.reportedRegistered) {
      this.ctx.cucm.setRegistration(this.name, { status: 'UnRegistered', statusReason: REASON_KEEPALIVE_TIMEOUT });
      this.reportedRegistered = false;
    }
    this.state = 'unregistered';
    if (this.ctx.knobs.retryIntervalMs > 0 && this.hasConfig) {
      this.ctx.later(this.jitter(this.ctx.knobs.retryIntervalMs), () => this.ctx.gate(() => this.connect(gen)), true);
    }
  }
}
