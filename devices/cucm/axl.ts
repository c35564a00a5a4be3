/**
 * AXL SOAP client: `POST https://<publisher>:8443/axl/` with `SOAPAction: "CUCM:DB ver=<v> <op>"` and the matching
 * `http://www.cisco.com/AXL/API/<v>` namespace. One HTTP attempt per call; HTTP 503 and the memory fault become
 * retryable AxlThrottled, everything else a non-retryable typed error. `CERTROLL_AXL_TRACE_DIR` keeps every request
 * and response body (never headers, so never credentials) for support.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AuthError } from '../errors';
import * as req from './axl-requests';
import { AxlRequest } from './axl-requests';
import * as parse from './axl-parse';
import { countPhonesByCommonPhoneConfigSql, PHONE_VPN_TRUST_SQL, phonesByCommonPhoneConfigSql } from './axl-sql';
import { AxlThrottled, AxlVersionUnsupported, CucmProtocolError } from './errors';
import { CucmHttp, CucmHttpOptions } from './http';
import { readSoapResponse, soapEnvelope } from './soap';
import {
  AxlVersion,
  CommonPhoneConfigVpn,
  DeviceResetType,
  NamedItem,
  PhoneDetail,
  PhoneSummary,
  TrustCertificateRow,
  VpnGateway,
  VpnGatewayMember,
  VpnGatewaySummary,
  VpnGroup,
  VpnProfile,
} from './types';
import { XmlNode } from './xml';

export interface AxlClientOptions extends CucmHttpOptions {
  version: AxlVersion;
  /** Defaults to the CERTROLL_AXL_TRACE_DIR environment variable. */
  traceDir?: string;
}

export function axlNamespace(version: string): string {
  return `http://www.cisco.com/AXL/API/${version}`;
}

/** The full SOAP envelope for one request (exported for XSD validation in tests). */
export function axlEnvelope(version: AxlVersion, request: AxlRequest): string {
  return soapEnvelope(request.body, { ns: axlNamespace(version) });
}

let traceSequence = 0;

export class AxlClient {
  private readonly http: CucmHttp;
  private readonly traceDir: string | undefined;

  constructor(private readonly opts: AxlClientOptions) {
    this.http = new CucmHttp(opts);
    this.traceDir = opts.traceDir ?? (process.env.CERTROLL_AXL_TRACE_DIR || undefined);
  }

  get version(): AxlVersion {
    return this.opts.version;
  }

  sessionCookieNames(): string[] {
    return this.http.sessionCookieNames();
  }

  /** Send one request and return the response element (`<op>Response`), or throw the typed error. */
  async call(request: AxlRequest): Promise<XmlNode> {
    const envelope = axlEnvelope(this.opts.version, request);
    const seq = this.trace(request.operation, 'request', envelope);
    const res = await this.http.request({
      method: 'POST',
      path: '/axl/',
      headers: {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: `"CUCM:DB ver=${this.opts.version} ${request.operation}"`,
      },
      body: envelope,
    });
    if (seq !== undefined) this.trace(request.operation, 'response', `<!-- HTTP ${res.status} -->\n${res.body}`, seq);
    return this.readResponse(request.operation, res.status, res.body);
  }

  private readResponse(operation: string, status: number, body: string): XmlNode {
    if (status === 401) throw new AuthError(`AXL ${operation}: the AXL user was refused (HTTP 401)`);
    if (status === 403)
      throw new AuthError(`AXL ${operation}: the AXL user lacks the Standard AXL API Access role (HTTP 403)`);
    if (status === 503)
      throw new AxlThrottled(`AXL ${operation}: write throttled by CUCM (HTTP 503)`, operation, 'http-503');
    if (status === 599) throw this.versionError(body);
    if (status !== 200 && status !== 500) {
      throw new CucmProtocolError(`AXL ${operation}: unexpected HTTP ${status}`, status);
    }
    const result = readSoapResponse(body, status);
    if (result.fault) throw parse.axlErrorFromFault(result.fault, operation);
    if (result.name !== `${operation}Response`) {
      throw new CucmProtocolError(`AXL ${operation}: unexpected response element ${result.name}`, status);
    }
    return result.body;
  }

  private versionError(body: string): AxlVersionUnsupported {
    const listed = /Supported axl versions?:\s*([0-9., ]+)/i.exec(body)?.[1] ?? '';
    const supported = listed
      .split(/[ ,]+/)
      .map((v) => v.trim())
      .filter(Boolean);
    return new AxlVersionUnsupported(
      `CUCM does not accept AXL ${this.opts.version}${supported.length ? ` (it accepts ${supported.join(', ')})` : ''}: set axlVersion in the inventory`,
      this.opts.version,
      supported,
    );
  }

  private trace(operation: string, kind: 'request' | 'response', content: string, seq?: number): number | undefined {
    if (!this.traceDir) return undefined;
    const n = seq ?? ++traceSequence;
    mkdirSync(this.traceDir, { recursive: true });
    const file = `${String(n).padStart(6, '0')}-${operation}-${kind}.xml`;
    writeFileSync(path.join(this.traceDir, file), content);
    return n;
  }

  async getCCMVersion(): Promise<string> {
    return parse.parseCcmVersion(await this.call(req.getCCMVersionRequest()));
  }

  async getVpnGateway(name: string): Promise<VpnGateway> {
    return parse.parseVpnGateway(await this.call(req.getVpnGatewayRequest(name)));
  }

  async listVpnGateway(namePattern = '%'): Promise<VpnGatewaySummary[]> {
    return parse.parseVpnGatewayList(await this.call(req.listVpnGatewayRequest(namePattern)));
  }

  /** Replaces the whole list. Returns the gateway's UUID. */
  async updateVpnGateway(name: string, certificates: VpnGatewayMember[]): Promise<string> {
    return parse.parseStandardResponse(
      await this.call(req.updateVpnGatewayRequest(name, certificates)),
      'updateVpnGateway',
    );
  }

  async getVpnGroup(name: string): Promise<VpnGroup> {
    return parse.parseVpnGroup(await this.call(req.getVpnGroupRequest(name)));
  }

  async listVpnGroup(namePattern = '%'): Promise<NamedItem[]> {
    return parse.parseVpnGroupList(await this.call(req.listVpnGroupRequest(namePattern)));
  }

  async getVpnProfile(name: string): Promise<VpnProfile> {
    return parse.parseVpnProfile(await this.call(req.getVpnProfileRequest(name)));
  }

  async listCommonPhoneConfig(namePattern = '%'): Promise<CommonPhoneConfigVpn[]> {
    return parse.parseCommonPhoneConfigList(await this.call(req.listCommonPhoneConfigRequest(namePattern)));
  }

  async getCommonPhoneConfig(name: string): Promise<CommonPhoneConfigVpn> {
    return parse.parseCommonPhoneConfig(await this.call(req.getCommonPhoneConfigRequest(name)));
  }

  /** One page of listPhone (first <= 1000, as Cisco advises to stay under the 8 MB response limit). */
  async listPhone(namePattern: string, skip: number, first: number): Promise<PhoneSummary[]> {
    return parse.parsePhoneList(await this.call(req.listPhoneRequest(namePattern, skip, first)));
  }

  async getPhone(name: string): Promise<PhoneDetail> {
    return parse.parsePhone(await this.call(req.getPhoneRequest(name)));
  }

  async applyPhone(name: string): Promise<string> {
    return parse.parseStandardResponse(await this.call(req.phoneActionRequest('applyPhone', name)), 'applyPhone');
  }

  async resetPhone(name: string): Promise<string> {
    return parse.parseStandardResponse(await this.call(req.phoneActionRequest('resetPhone', name)), 'resetPhone');
  }

  async restartPhone(name: string): Promise<string> {
    return parse.parseStandardResponse(await this.call(req.phoneActionRequest('restartPhone', name)), 'restartPhone');
  }

  async doDeviceReset(name: string, type: DeviceResetType): Promise<string> {
    return parse.parseStandardResponse(await this.call(req.doDeviceResetRequest(name, type)), 'doDeviceReset');
  }

  /** Phone-VPN-trust as the database stores it: subject/issuer (RFC 2253), serial (hex) and the certHash. */
  async listPhoneVpnTrust(): Promise<TrustCertificateRow[]> {
    return parse.parseTrustRows(parse.parseSqlRows(await this.call(req.executeSQLQueryRequest(PHONE_VPN_TRUST_SQL))));
  }

  async countPhonesByCommonPhoneConfig(names: string[]): Promise<number> {
    const rows = parse.parseSqlRows(
      await this.call(req.executeSQLQueryRequest(countPhonesByCommonPhoneConfigSql(names))),
    );
    const count = Number(rows[0]?.phones);
    if (!Number.isInteger(count)) throw new CucmProtocolError('phone count query returned no number', 200);
    return count;
  }

  /** Device names using the given common phone profiles, ordered by name. */
  async listPhonesByCommonPhoneConfig(names: string[], skip: number, first: number): Promise<string[]> {
    const sql = phonesByCommonPhoneConfigSql(names, skip, first);
    return parse.parseSqlRows(await this.call(req.executeSQLQueryRequest(sql))).map((r) => r.name);
  }
}
