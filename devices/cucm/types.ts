/** The CUCM objects certroll reads and writes, in AXL's own field names where AXL has one. */

export const AXL_VERSIONS = ['12.5', '14.0', '15.0'] as const;
export type AxlVersion = (typeof AXL_VERSIONS)[number];

/** A certificate on a VPN gateway: CUCM references Phone-VPN-trust entries by issuer (RFC 2253) and serial (hex). */
export interface VpnGatewayMember {
  issuerName: string;
  serialNumber: string;
}

export interface VpnGateway {
  uuid?: string;
  name: string;
  description: string;
  url: string;
  certificates: Array<VpnGatewayMember & { uuid?: string }>;
}

export interface VpnGatewaySummary {
  uuid?: string;
  name: string;
  description: string;
  url: string;
}

export interface VpnGroup {
  uuid?: string;
  name: string;
  description: string;
  /** In priority order (the phone tries them in this order). */
  gateways: Array<{ name: string; priority: number }>;
}

export interface NamedItem {
  uuid?: string;
  name: string;
  description: string;
}

export const VPN_AUTH_METHODS = ['User and Password', 'Password Only', 'Certificate'] as const;
export type VpnAuthMethod = (typeof VPN_AUTH_METHODS)[number];

export interface VpnProfile {
  uuid?: string;
  name: string;
  description: string;
  autoNetworkDetection: boolean;
  mtu: number;
  failToConnect: number;
  clientAuthentication: VpnAuthMethod;
  /** AXL's spelling. */
  pwdPersistant: boolean;
  enableHostIdCheck: boolean;
}

export interface CommonPhoneConfigVpn {
  uuid?: string;
  name: string;
  description: string;
  vpnGroupName?: string;
  vpnProfileName?: string;
}

export interface PhoneSummary {
  uuid?: string;
  name: string;
  model: string;
  commonPhoneConfigName: string;
  devicePoolName: string;
}

export interface PhoneDetail extends PhoneSummary {
  product: string;
  protocol: string;
  description: string;
}

/** A Phone-VPN-trust row as the database stores it (certificate + certificatehashmap). */
export interface TrustCertificateRow {
  pkid: string;
  subjectName: string;
  issuerName: string;
  serialNumber: string;
  /** base64 SHA-1 of the DER: what phones receive as certHashN. */
  sha1Base64: string;
}

export type DeviceResetType = 'Reset' | 'Restart' | 'Apply Configuration';
