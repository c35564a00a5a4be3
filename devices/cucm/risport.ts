/**
 * RisPort70 `selectCmDeviceExt` by device name: at most 1,000 names a call, CmNodes/CmDevices parsed (including the
 * `xsi:nil` CmNodes of an empty answer), one result per device (the newest TimeStamp wins when several nodes report
 * it). The per-minute RateControl fault becomes the retryable RisRateLimited; pacing is the task queue's job.
 */
import { z } from 'zod';
import { AuthError, DeviceError, InvalidInput, TransportError } from '../errors';
import { deviceName } from './axl-requests';
import { CucmProtocolError, RisFault, RisRateLimited } from './errors';
import { CucmHttp, CucmHttpOptions } from './http';
import { readSoapResponse, SoapFault, soapEnvelope } from './soap';
import { asArray, element, isNil, path, text, XmlNode } from './xml';

export const RIS_NAMESPACE = 'http://schemas.cisco.com/ast/soap';
export const RIS_PATH = '/realtimeservice2/services/RISService70';
export const RIS_MAX_DEVICES = 1000;

export interface RisDevice {
  name: string;
  /** CmDevRegStat: Registered, UnRegistered, Rejected, PartiallyRegistered, Unknown. */
  status: string;
  /** 0 Registered, 9 CallManagerReset, 15 CallManagerRestart, 17 CallManagerApplyConfig… */
  statusReason: number;
  /** Epoch seconds of the last state change. */
  timeStamp: number;
  ipAddress?: string;
  node: string;
  model?: number;
  protocol?: string;
}

export interface RisResult {
  totalDevicesFound: number;
  devices: RisDevice[];
  stateInfo: string;
}

const names = z.array(deviceName).min(1).max(RIS_MAX_DEVICES);

/** The body element of a selectCmDeviceExt request for these device names. */
export function selectCmDeviceExtBody(deviceNames: string[], stateInfo = ''): string {
  const parsed = names.safeParse(deviceNames);
  if (!parsed.success) {
    throw new InvalidInput(
      `RisPort query needs 1 to ${RIS_MAX_DEVICES} device names: ${parsed.error.issues[0]?.message}`,
    );
  }
  const items = parsed.data.map((n) => `<soap:item>${element('soap:Item', n)}</soap:item>`).join('');
  return (
    `<soap:selectCmDeviceExt>${element('soap:StateInfo', stateInfo)}<soap:CmSelectionCriteria>` +
    `${element('soap:MaxReturnedDevices', parsed.data.length)}<soap:DeviceClass>Phone</soap:DeviceClass>` +
    `<soap:Model>255</soap:Model><soap:Status>Any</soap:Status><soap:NodeName></soap:NodeName>` +
    `<soap:SelectBy>Name</soap:SelectBy><soap:SelectItems>${items}</soap:SelectItems>` +
    `<soap:Protocol>Any</soap:Protocol><soap:DownloadStatus>Any</soap:DownloadStatus>` +
    `</soap:CmSelectionCriteria></soap:selectCmDeviceExt>`
  );
}

export function selectCmDeviceExtEnvelope(deviceNames: string[], stateInfo = ''): string {
  return soapEnvelope(selectCmDeviceExtBody(deviceNames, stateInfo), { soap: RIS_NAMESPACE });
}

function firstIpv4(device: XmlNode): string | undefined {
  const items = asArray<XmlNode>(path(device, 'IPAddress', 'item'));
  const v4 = items.find((i) => text(i.IPAddrType) === 'ipv4') ?? items[0];
  const ip = text(v4?.IP);
  return ip === '' ? undefined : ip;
}

function optionalNumber(node: unknown): number | undefined {
  const t = text(node);
  return t === '' ? undefined : Number(t);
}

/** Parse a selectCmDevice(Ext) response element; several nodes reporting one device keep the newest record. */
export function parseSelectCmDeviceResponse(body: XmlNode): RisResult {
  const ret = body.selectCmDeviceReturn as XmlNode | undefined;
  if (!ret) throw new CucmProtocolError('selectCmDevice: no selectCmDeviceReturn', 200);
  const result = ret.SelectCmDeviceResult as XmlNode | undefined;
  const nodes =
    result?.CmNodes === undefined || isNil(result.CmNodes) ? [] : asArray<XmlNode>(path(result, 'CmNodes', 'item'));
  const newest = new Map<string, RisDevice>();
  for (const node of nodes) {
    const nodeName = text(node.Name);
    if (isNil(node.CmDevices)) continue;
    for (const d of asArray<XmlNode>(path(node, 'CmDevices', 'item'))) {
      const device: RisDevice = {
        name: text(d.Name),
        status: text(d.Status) || 'Unknown',
        statusReason: Number(text(d.StatusReason) || 0),
        timeStamp: Number(text(d.TimeStamp) || 0),
        ipAddress: firstIpv4(d),
        node: nodeName,
        model: optionalNumber(d.Model),
        protocol: text(d.Protocol) || undefined,
      };
      const seen = newest.get(device.name);
      if (!seen || device.timeStamp > seen.timeStamp) newest.set(device.name, device);
    }
  }
  return {
    totalDevicesFound: Number(text(result?.TotalDevicesFound) || 0),
    devices: [...newest.values()],
    stateInfo: text(ret.StateInfo),
  };
}

export function risErrorFromFault(fault: SoapFault): DeviceError {
  if (/RateControl/i.test(fault.faultCode) || /Exceeded allowed rate/i.test(fault.faultString)) {
    return new RisRateLimited(`RisPort70: ${fault.faultString}`);
  }
  return new RisFault(`RisPort70: ${fault.faultString || fault.faultCode}`, fault.faultCode);
}

export class RisPortClient {
  private readonly http: CucmHttp;

  constructor(opts: CucmHttpOptions) {
    this.http = new CucmHttp(opts);
  }

  /** One RisPort call for up to 1,000 device names. Devices RisPort does not know are simply absent. */
  async selectCmDeviceExt(deviceNames: string[]): Promise<RisResult> {
    const envelope = selectCmDeviceExtEnvelope(deviceNames);
    const res = await this.http.request({
      method: 'POST',
      path: RIS_PATH,
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"selectCmDeviceExt"' },
      body: envelope,
    });
    if (res.status === 401) throw new AuthError('RisPort70: the user was refused (HTTP 401)');
    if (res.status === 503) throw new TransportError('RisPort70: service unavailable (HTTP 503)');
    if (res.status !== 200 && res.status !== 500)
      throw new CucmProtocolError(`RisPort70: unexpected HTTP ${res.status}`, res.status);
    const result = readSoapResponse(res.body, res.status);
    if (result.fault) throw risErrorFromFault(result.fault);
    if (!/^selectCmDevice(Ext)?Response$/.test(result.name)) {
      throw new CucmProtocolError(`RisPort70: unexpected response element ${result.name}`, res.status);
    }
    return parseSelectCmDeviceResponse(result.body);
  }
}
