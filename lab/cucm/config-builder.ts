/**
 * The lab's Cisco TFTP service file store: `SEP<MAC>.cnf.xml`, its signed `.sgn` twin and, for phones with
 * encrypted config, the `.enc.sgn` file (whose plain files are stubs). Like CUCM, it rebuilds asynchronously: a
 * change is snapshotted when it happens and published after `rebuildDelayMs`. Files are rendered lazily on read
 * from the published snapshot (and cached), so a change touching 10,000 phones costs one snapshot, not 10,000
 * renders on the event loop.
 */
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, KeyObject, randomBytes } from 'node:crypto';
import { escapeXml } from '../../devices/cucm/xml';
import { ConfigFileSource } from '../contracts';
import { CucmModel, LabPhone, ModelChange, VpnView } from './model';
import { buildSgnFile, readSgnFile } from '../../devices/sgn';

export interface ConfigBuilderOptions {
  rebuildDelayMs: number;
  /** The CallManager (TFTP) certificate and key that sign .sgn files. */
  signer: { certificatePem: string; privateKeyPem: string };
  /** Name or address phones use for CUCM (callManager, TVS, CAPF). */
  cucmHost: string;
  /** Rendered files kept in memory (least recently built evicted first). */
  cacheSize?: number;
}

const AUTH_METHOD_CODE: Record<string, number> = { 'User and Password': 0, 'Password Only': 1, Certificate: 2 };
const LOADS: Record<string, string> = {
  'Cisco 7821': 'sip78xx.14-2-1-0201-10',
  'Cisco 7841': 'sip78xx.14-2-1-0201-10',
  'Cisco 7861': 'sip78xx.14-2-1-0201-10',
  'Cisco 8811': 'sip88xx.14-2-1-0201-10',
  'Cisco 8841': 'sip88xx.14-2-1-0201-10',
  'Cisco 8851': 'sip88xx.14-2-1-0201-10',
  'Cisco 8861': 'sip88xx.14-2-1-0201-10',
  'Cisco 8845': 'sip8845_65.14-2-1-0201-10',
  'Cisco 8865': 'sip8845_65.14-2-1-0201-10',
};

const PLAIN = '.cnf.xml';
const SIGNED = '.cnf.xml.sgn';
const ENCRYPTED = '.cnf.xml.enc.sgn';

interface PublishedPhone {
  phone: LabPhone;
  builtAt: string;
  version: number;
}

interface PublishedView {
  view: VpnView | undefined;
  key: string;
  builtAt: string;
  version: number;
}

function lowerUuid(uuid: string): string {
  return uuid.toLowerCase();
}

/** The `<vpnGroup>` element as CUCM renders it (domain.md §5.2; the seed doc's CUCM-generated sample). */
export function renderVpnGroup(view: VpnView): string {
  const p = view.profile;
  const lines = [
    '<vpnGroup>',
    `<mtu>${p?.mtu ?? 1290}</mtu>`,
    `<failConnectTime>${p?.failToConnect ?? 30}</failConnectTime>`,
    `<authMethod>${AUTH_METHOD_CODE[p?.clientAuthentication ?? 'User and Password']}</authMethod>`,
    `<pswdPersistent>${p?.pwdPersistant ? 1 : 0}</pswdPersistent>`,
    `<autoNetDetect>${p?.autoNetworkDetection ? 1 : 0}</autoNetDetect>`,
    `<enableHostIDCheck>${p?.enableHostIdCheck ? 1 : 0}</enableHostIDCheck>`,
    '<addresses>',
    ...view.urls.map((u, i) => `<url${i + 1}>${escapeXml(u)}</url${i + 1}>`),
    '</addresses>',
    '<credentials>',
    '<hashAlg>0</hashAlg>',
    ...view.hashes.map((h, i) => `<certHash${i + 1}>${h}</certHash${i + 1}>`),
    '</credentials>',
    '</vpnGroup>',
  ];
  return lines.join('\n');
}

/** SEP<MAC>.cnf.xml in CUCM's style (two spaces before attributes, lower-case uuids, undeclared xsi prefix). */
export function renderPhoneConfig(
  phone: LabPhone,
  view: VpnView | undefined,
  cucmHost: string,
  versionStamp: string,
): string {
  const host = escapeXml(cucmHost);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<device  xsi:type="axl:XIPPhone" ctiid="${phone.ctiid}" uuid="${lowerUuid(phone.uuid)}">`,
    '<fullConfig>true</fullConfig>',
    `<portalDefaultServer>${host}</portalDefaultServer>`,
    `<deviceProtocol>${phone.protocol}</deviceProtocol>`,
    '<sshUserId></sshUserId>',
    '<sshPassword></sshPassword>',
    '<ipAddressMode>0</ipAddressMode>',
    '<allowAutoConfig>true</allowAutoConfig>',
    '<devicePool  uuid="{1b1b9eb6-7803-11d3-bdf0-00108302ead1}">',
    '<revertPriority>0</revertPriority>',
    `<name>${escapeXml(phone.devicePoolName)}</name>`,
    '<callManagerGroup>',
    '<name>Default</name>',
    '<tftpDefault>true</tftpDefault>',
    '<members>',
    '<member  priority="0">',
    '<callManager>',
    `<name>${host}</name>`,
    '<ports>',
    '<ethernetPhonePort>2000</ethernetPhonePort>',
    '<sipPort>5060</sipPort>',
    '<securedSipPort>5061</securedSipPort>',
    '</ports>',
    `<processNodeName>${host}</processNodeName>`,
    '</callManager>',
    '</member>',
    '</members>',
    '</callManagerGroup>',
    '</devicePool>',
    '<TVS>',
    '<members>',
    '<member  priority="0">',
    '<port>2445</port>',
    `<address>${host}</address>`,
    '</member>',
    '</members>',
    '</TVS>',
    '<MissedCallLoggingOption>1</MissedCallLoggingOption>',
    '<commonProfile>',
    '<phonePassword></phonePassword>',
    '<backgroundImageAccess>true</backgroundImageAccess>',
    '<callLogBlfEnabled>3</callLogBlfEnabled>',
    '</commonProfile>',
    ...(view ? [renderVpnGroup(view)] : []),
    `<loadInformation>${LOADS[phone.model] ?? ''}</loadInformation>`,
    '<inactiveLoadInformation></inactiveLoadInformation>',
    '<vendorConfig>',
    '<disableSpeaker>false</disableSpeaker><pcPort>0</pcPort><garp>1</garp><webAccess>0</webAccess>',
    '</vendorConfig>',
    `<versionStamp>${versionStamp}</versionStamp>`,
    '<userLocale>',
    '<name>English_United_States</name>',
    '<uid>1</uid>',
    '<langCode>en_US</langCode>',
    '</userLocale>',
    '<networkLocale>United_States</networkLocale>',
    '<deviceSecurityMode>1</deviceSecurityMode>',
    '<idleTimeout>0</idleTimeout>',
    `<authenticationURL>http://${host}:8080/ccmcip/authenticate.jsp</authenticationURL>`,
    `<directoryURL>http://${host}:8080/ccmcip/xmldirectory.jsp</directoryURL>`,
    '<dscpForSCCPPhoneConfig>96</dscpForSCCPPhoneConfig>',
    '<transportLayerProtocol>4</transportLayerProtocol>',
    '<capfAuthMode>0</capfAuthMode>',
    '<capfList>',
    '<capf>',
    '<phonePort>3804</phonePort>',
    `<processNodeName>${host}</processNodeName>`,
    '</capf>',
    '</capfList>',
    '<certHash></certHash>',
    '<encrConfig>false</encrConfig>',
    '</device>',
    '',
  ].join('\n');
}

/** What an encrypted-config phone's plain files hold: just enough to fetch the encrypted one. */
export function renderEncryptedStub(phone: LabPhone, versionStamp: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<device  xsi:type="axl:XIPPhone" ctiid="${phone.ctiid}" uuid="${lowerUuid(phone.uuid)}">`,
    '<fullConfig>false</fullConfig>',
    `<loadInformation>${LOADS[phone.model] ?? ''}</loadInformation>`,
    '<capfAuthMode>0</capfAuthMode>',
    `<versionStamp>${versionStamp}</versionStamp>`,
    '<encrConfig>true</encrConfig>',
    '</device>',
    '',
  ].join('\n');
}

function versionStampOf(builtAt: string, phone: LabPhone): string {
  const digest = createHash('sha1').update(`${phone.uuid}|${builtAt}`).digest('hex');
  return `${Math.floor(Date.parse(builtAt) / 1000)}-${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`;
}

export class ConfigBuilder implements ConfigFileSource {
  private readonly phones = new Map<string, PublishedPhone>();
  private readonly views = new Map<string, PublishedView>();
  private readonly cache = new Map<string, { key: string; bytes: Buffer }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly encryptionKey = randomBytes(16);
  private readonly signingKey: KeyObject;
  private version = 0;
  private closed = false;

  constructor(
    private readonly model: CucmModel,
    private readonly opts: ConfigBuilderOptions,
  ) {
    this.signingKey = createPrivateKey(opts.signer.privateKeyPem);
    this.publishViews(this.snapshotViews(), new Date().toISOString());
    this.publishPhones(this.snapshotPhones([...model.phones.keys()]), new Date().toISOString());
    model.onChange((change) => this.onChange(change));
  }

  private onChange(change: ModelChange): void {
    // Snapshot now: the files show the database as it was when the change happened, once the rebuild is done.
    const publish =
      change.kind === 'phones'
        ? (
            (s) => () =>
              this.publishPhones(s, new Date().toISOString())
          )(this.snapshotPhones(change.names))
        : (
            (s) => () =>
              this.publishViews(s, new Date().toISOString())
          )(this.snapshotViews());
    if (this.opts.rebuildDelayMs <= 0) return publish();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) publish();
    }, this.opts.rebuildDelayMs);
    this.timers.add(timer);
  }

  private snapshotViews(): Map<string, VpnView | undefined> {
    const views = new Map<string, VpnView | undefined>();
    for (const name of this.model.commonPhoneConfigs.keys()) {
      const view = this.model.vpnViewOf(name);
      views.set(
        name,
        view && {
          ...view,
          profile: view.profile && { ...view.profile },
          urls: [...view.urls],
          hashes: [...view.hashes],
        },
      );
    }
    return views;
  }

  private snapshotPhones(names: string[]): LabPhone[] {
    return names
      .map((n) => this.model.phones.get(n))
      .filter((p): p is LabPhone => p !== undefined)
      .map((p) => ({ ...p }));
  }

  private publishViews(views: Map<string, VpnView | undefined>, at: string): void {
    for (const [cpp, view] of views) {
      const key = JSON.stringify(view ?? null);
      if (this.views.get(cpp)?.key === key) continue; // unaffected files are not rebuilt
      this.views.set(cpp, { view, key, builtAt: at, version: ++this.version });
    }
  }

  private publishPhones(phones: LabPhone[], at: string): void {
    for (const phone of phones) this.phones.set(phone.name, { phone, builtAt: at, version: ++this.version });
  }

  /** Pending rebuilds (for tests and `lab status`). */
  pendingRebuilds(): number {
    return this.timers.size;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private split(name: string): { device: string; suffix: string } | undefined {
    const m = /^(SEP[0-9A-F]{12})(\.cnf\.xml(?:\.enc)?(?:\.sgn)?)$/.exec(name);
    if (!m || m[2] === '.cnf.xml.enc') return undefined;
    return { device: m[1], suffix: m[2] };
  }

  /** When the file's current content was built (ISO time), or undefined when CUCM serves no such file. */
  /**
   * What the phone does with its key: strip the signature header, AES-128-CBC-decrypt (the IV leads the payload).
   * The lab holds one key for every encrypted-config phone; a real CUCM encrypts for each phone's own key.
   */
  decryptConfig(encSgn: Buffer): Buffer | undefined {
    try {
      const { payload } = readSgnFile(encSgn);
      const decipher = createDecipheriv('aes-128-cbc', this.encryptionKey, payload.subarray(0, 16));
      return Buffer.concat([decipher.update(payload.subarray(16)), decipher.final()]);
    } catch {
      return undefined;
    }
  }

  fileBuiltAt(name: string): string | undefined {
    const parts = this.split(name);
    const published = parts && this.phones.get(parts.device);
    if (!parts || !published || !this.serves(published.phone, parts.suffix)) return undefined;
    const view = this.views.get(published.phone.commonPhoneConfigName);
    return view && view.builtAt > published.builtAt ? view.builtAt : published.builtAt;
  }

  private serves(phone: LabPhone, suffix: string): boolean {
    return suffix === ENCRYPTED ? phone.encryptedConfig : suffix === PLAIN || suffix === SIGNED;
  }

  listFiles(): string[] {
    const files: string[] = [];
    for (const { phone } of this.phones.values()) {
      files.push(`${phone.name}${PLAIN}`, `${phone.name}${SIGNED}`);
      if (phone.encryptedConfig) files.push(`${phone.name}${ENCRYPTED}`);
    }
    return files;
  }

  readFile(name: string): Buffer | undefined {
    const builtAt = this.fileBuiltAt(name);
    if (!builtAt) return undefined;
    const { device, suffix } = this.split(name)!;
    const published = this.phones.get(device)!;
    const view = this.views.get(published.phone.commonPhoneConfigName);
    const key = `${published.version}:${view?.version ?? 0}`;
    const cached = this.cache.get(name);
    if (cached?.key === key) return cached.bytes;
    const bytes = this.render(published.phone, view?.view, suffix, builtAt, name);
    this.cache.delete(name);
    this.cache.set(name, { key, bytes });
    if (this.cache.size > (this.opts.cacheSize ?? 4000)) this.cache.delete(this.cache.keys().next().value!);
    return bytes;
  }

  private render(
    phone: LabPhone,
    view: VpnView | undefined,
    suffix: string,
    builtAt: string,
    fileName: string,
  ): Buffer {
    const stamp = versionStampOf(builtAt, phone);
    const at = new Date(builtAt);
    if (suffix === ENCRYPTED) {
      const full = Buffer.from(renderPhoneConfig(phone, view, this.opts.cucmHost, stamp));
      const iv = randomBytes(16);
      const cipher = createCipheriv('aes-128-cbc', this.encryptionKey, iv);
      const encrypted = Buffer.concat([iv, cipher.update(full), cipher.final()]);
      return this.sign(encrypted, fileName, at);
    }
    const xml = phone.encryptedConfig
      ? renderEncryptedStub(phone, stamp)
      : renderPhoneConfig(phone, view, this.opts.cucmHost, stamp);
    const payload = Buffer.from(xml);
    return suffix === SIGNED ? this.sign(payload, fileName, at) : payload;
  }

  private sign(payload: Buffer, fileName: string, at: Date): Buffer {
    return buildSgnFile({
      payload,
      fileName,
      at,
      signer: { certificatePem: this.opts.signer.certificatePem, privateKey: this.signingKey },
    });
  }
}
