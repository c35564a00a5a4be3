/**
 * How the lab simulators plug into each other, so each can be built and tested alone and composed by
 * `certroll lab up` / `certroll demo` (lab/index.ts). The fleet of lab phones is the only part that needs all three:
 * it hears CUCM's Apply Config/Reset/Restart, fetches its config through the lab TFTP server, handshakes with the
 * ASA's TLS listener, and reports its registration back to CUCM's RisPort view.
 */

export interface Endpoint {
  host: string;
  port: number;
}

/** The CUCM TFTP service's file store, kept by the CUCM lab's config-file builder and served by lab/tftp. */
export interface ConfigFileSource {
  /** Current bytes of a file such as `SEP0011215A1AE3.cnf.xml` or `.cnf.xml.sgn`; undefined when CUCM has none. */
  readFile(name: string): Buffer | undefined;
  /** Every file name currently served (for ConfigFileCacheList-style listings and tests). */
  listFiles(): string[];
}

export type PhoneAction = 'apply' | 'reset' | 'restart';

/** RisPort70 registration states (CmDevRegStat) the lab uses. */
export type RegistrationStatus = 'Registered' | 'UnRegistered' | 'Rejected' | 'PartiallyRegistered' | 'Unknown';

export interface RegistrationUpdate {
  status: RegistrationStatus;
  /** RisPort StatusReason: 0 Registered, 9 CallManagerReset, 17 CallManagerApplyConfig, 8 DeviceInitiatedReset… */
  statusReason: number;
  ipAddress?: string;
}

export interface LabPhoneRecord {
  name: string; // SEP<MAC>
  model: string; // e.g. "Cisco 8841"
  commonPhoneConfigName: string;
}

/** The side of the CUCM lab that the phone fleet drives (RisPort is the truth the orchestrator discovers). */
export interface CucmPhoneRegistry {
  listPhones(): LabPhoneRecord[];
  /** AXL applyPhone/resetPhone/restartPhone/doDeviceReset reach the phone through this event. Returns an unsubscribe. */
  onPhoneAction(listener: (name: string, action: PhoneAction, at: Date) => void): () => void;
  /** The phone reports a state change; the registry stamps RisPort's TimeStamp with the current time. */
  setRegistration(name: string, update: RegistrationUpdate): void;
  /**
   * Optional: what an encrypted-config phone does with its own key (CAPF/LSC-protected in reality): turn its
   * `SEP<MAC>.cnf.xml.enc.sgn` back into the config XML. Without it, lab phones with encrypted configs cannot
   * read their vpnGroup and stay unregistered (logged as such).
   */
  decryptPhoneConfig?(name: string, encSgn: Buffer): Buffer | undefined;
}

/** The side of the ASA lab that phones see: the TLS listener of the phone-facing interface. */
export interface AsaTlsFace {
  tls: Endpoint;
  /** Fired after `ssl trust-point <tp> <interface>` changes what the interface presents. */
  onTrustpointSwitch(listener: (iface: string, trustpoint: string) => void): () => void;
}
