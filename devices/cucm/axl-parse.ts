/**
 * Pure readers for AXL response bodies (the `ns:<op>Response` element, namespace prefixes already removed) and for
 * AXL faults. Children of `return` are unqualified; foreign keys come back as text with a `uuid` attribute.
 */
import { DeviceError } from '../errors';
import { AxlFault, AxlQueryTooLarge, AxlThrottled, CucmProtocolError, VpnFeatureUnavailable } from './errors';
import { SoapFault } from './soap';
import {
  CommonPhoneConfigVpn,
  NamedItem,
  PhoneDetail,
  PhoneSummary,
  TrustCertificateRow,
  VPN_AUTH_METHODS,
  VpnAuthMethod,
  VpnGateway,
  VpnGatewaySummary,
  VpnGroup,
  VpnProfile,
} from './types';
import { asArray, attr, child, path, text, XmlNode } from './xml';

function returned(body: XmlNode, operation: string): XmlNode {
  const ret = body.return;
  if (ret === undefined) throw new CucmProtocolError(`${operation}: response has no <return>`, 200);
  return (typeof ret === 'object' ? ret : {}) as XmlNode;
}

function bool(node: unknown): boolean {
  return text(node).toLowerCase() === 'true' || text(node) === 't' || text(node) === '1';
}

function optionalText(node: unknown): string | undefined {
  const value = text(node);
  return value === '' ? undefined : value;
}

export function parseCcmVersion(body: XmlNode): string {
  const version = text(path(returned(body, 'getCCMVersion'), 'componentVersion', 'version'));
  if (!version) throw new CucmProtocolError('getCCMVersion: no componentVersion/version', 200);
  return version;
}

function gatewaySummary(node: XmlNode): VpnGatewaySummary {
  return { uuid: attr(node, 'uuid'), name: text(node.name), description: text(node.description), url: text(node.url) };
}

export function parseVpnGateway(body: XmlNode): VpnGateway {
  const gw = child(returned(body, 'getVpnGateway'), 'vpnGateway') as XmlNode | undefined;
  if (!gw) throw new CucmProtocolError('getVpnGateway: no <vpnGateway>', 200);
  return {
    ...gatewaySummary(gw),
    certificates: asArray<XmlNode>(path(gw, 'certificates', 'certificate')).map((c) => ({
      uuid: attr(c, 'uuid'),
      issuerName: text(c.issuerName),
      serialNumber: text(c.serialNumber),
    })),
  };
}

export function parseVpnGatewayList(body: XmlNode): VpnGatewaySummary[] {
  return asArray<XmlNode>(returned(body, 'listVpnGateway').vpnGateway).map(gatewaySummary);
}

export function parseVpnGroup(body: XmlNode): VpnGroup {
  const group = child(returned(body, 'getVpnGroup'), 'vpnGroup') as XmlNode | undefined;
  if (!group) throw new CucmProtocolError('getVpnGroup: no <vpnGroup>', 200);
  const gateways = asArray<XmlNode>(path(group, 'vpnGateways', 'vpnGateway'))
    .map((g) => ({ name: text(g.vpnGatewayName), priority: Number(text(g.priority) || 0) }))
    .sort((a, b) => a.priority - b.priority);
  return { uuid: attr(group, 'uuid'), name: text(group.name), description: text(group.description), gateways };
}

function namedItems(body: XmlNode, operation: string, element: string): NamedItem[] {
  return asArray<XmlNode>(returned(body, operation)[element]).map((n) => ({
    uuid: attr(n, 'uuid'),
    name: text(n.name),
    description: text(n.description),
  }));
}

export function parseVpnGroupList(body: XmlNode): NamedItem[] {
  return namedItems(body, 'listVpnGroup', 'vpnGroup');
}

function authMethod(value: string): VpnAuthMethod {
  return (VPN_AUTH_METHODS as readonly string[]).includes(value) ? (value as VpnAuthMethod) : 'User and Password';
}

export function parseVpnProfile(body: XmlNode): VpnProfile {
  const p = child(returned(body, 'getVpnProfile'), 'vpnProfile') as XmlNode | undefined;
  if (!p) throw new CucmProtocolError('getVpnProfile: no <vpnProfile>', 200);
  return {
    uuid: attr(p, 'uuid'),
    name: text(p.name),
    description: text(p.description),
    autoNetworkDetection: bool(p.autoNetworkDetection),
    mtu: Number(text(p.mtu) || 1290),
    failToConnect: Number(text(p.failToConnect) || 30),
    clientAuthentication: authMethod(text(p.clientAuthentication)),
    pwdPersistant: bool(p.pwdPersistant),
    enableHostIdCheck: bool(p.enableHostIdCheck),
  };
}

function commonPhoneConfig(node: XmlNode): CommonPhoneConfigVpn {
  return {
    uuid: attr(node, 'uuid'),
    name: text(node.name),
    description: text(node.description),
    vpnGroupName: optionalText(node.vpnGroupName),
    vpnProfileName: optionalText(node.vpnProfileName),
  };
}

export function parseCommonPhoneConfigList(body: XmlNode): CommonPhoneConfigVpn[] {
  return asArray<XmlNode>(returned(body, 'listCommonPhoneConfig').commonPhoneConfig).map(commonPhoneConfig);
}

export function parseCommonPhoneConfig(body: XmlNode): CommonPhoneConfigVpn {
  const cpp = child(returned(body, 'getCommonPhoneConfig'), 'commonPhoneConfig') as XmlNode | undefined;
  if (!cpp) throw new CucmProtocolError('getCommonPhoneConfig: no <commonPhoneConfig>', 200);
  return commonPhoneConfig(cpp);
}

function phoneSummary(p: XmlNode): PhoneSummary {
  return {
    uuid: attr(p, 'uuid'),
    name: text(p.name),
    model: text(p.model),
    commonPhoneConfigName: text(p.commonPhoneConfigName),
    devicePoolName: text(p.devicePoolName),
  };
}

export function parsePhoneList(body: XmlNode): PhoneSummary[] {
  return asArray<XmlNode>(returned(body, 'listPhone').phone).map(phoneSummary);
}

/** getPhone (the real 10.5 capture in test/fixtures/axl parses with this too). */
export function parsePhone(body: XmlNode): PhoneDetail {
  const p = child(returned(body, 'getPhone'), 'phone') as XmlNode | undefined;
  if (!p) throw new CucmProtocolError('getPhone: no <phone>', 200);
  return { ...phoneSummary(p), product: text(p.product), protocol: text(p.protocol), description: text(p.description) };
}

/** StandardResponse: `true`, `false` or the object's `{UUID}` (which one a live apply returns is not documented). */
export function parseStandardResponse(body: XmlNode, operation: string): string {
  const value = text(body.return);
  if (!/^(true|false|\{[0-9A-Fa-f-]{36}\})$/.test(value)) {
    throw new CucmProtocolError(`${operation}: unexpected <return> "${value.slice(0, 60)}"`, 200);
  }
  return value;
}

/** executeSQLQuery rows: one element per column, named after the column or alias; empty values are empty elements. */
export function parseSqlRows(body: XmlNode): Array<Record<string, string>> {
  return asArray<XmlNode>(returned(body, 'executeSQLQuery').row).map((row) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(row)) if (!k.startsWith('@_')) out[k] = text(v);
    return out;
  });
}

export function parseTrustRows(rows: Array<Record<string, string>>): TrustCertificateRow[] {
  return rows.map((r) => ({
    pkid: r.pkid ?? '',
    subjectName: r.subjectname ?? '',
    issuerName: r.issuername ?? '',
    serialNumber: (r.serialnumber ?? '').toLowerCase(),
    sha1Base64: r.hash ?? '',
  }));
}

const MEMORY_FAULT = /Maximum AXL Memory Allocation Consumed/i;
const TOO_LARGE = /Query request too large/i;
const NO_VPN = /export unrestricted/i;

/** Map a SOAP fault from AXL to the typed error the activities and retry policies understand. */
export function axlErrorFromFault(fault: SoapFault, operation: string): DeviceError {
  const axlError = fault.detail ? (child(fault.detail, 'axlError') as XmlNode | undefined) : undefined;
  const message = text(axlError?.axlmessage) || fault.faultString || 'SOAP fault without a message';
  const codeText = text(axlError?.axlcode);
  const code = codeText === '' ? undefined : Number(codeText);
  const request = text(axlError?.request) || operation;
  if (MEMORY_FAULT.test(message)) return new AxlThrottled(`AXL ${request}: ${message}`, request, 'memory');
  if (TOO_LARGE.test(message)) return new AxlQueryTooLarge(`AXL ${request}: ${message}`, request);
  if (NO_VPN.test(message)) return new VpnFeatureUnavailable(`AXL ${request}: ${message}`);
  return new AxlFault(message, Number.isNaN(code) ? undefined : code, request);
}
