/**
 * The lab's RisPort70 (`/realtimeservice2/services/RISService70`): selectCmDeviceExt / selectCmDevice by name,
 * answered from the phone registry in the WSDL's element order, with CUCM's per-minute query budget and its exact
 * RateControl fault (the "Reatime" typo is genuine).
 */
import { SOAP_ENV_NS } from '../../devices/cucm/soap';
import { asArray, escapeXml, parseXml, path, text, XmlNode } from '../../devices/cucm/xml';
import { LabAnswer } from './axl-server';
import { CucmFaults } from './faults';
import { CucmModel, LabPhone, LabRegistration } from './model';

export const RIS_NS = 'http://schemas.cisco.com/ast/soap';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const MAX_DEVICES = 1000;

/** Numeric TypeModel values of common phones (public model ids); RisPort reports models as numbers. */
const MODEL_NUMBERS: Record<string, number> = {
  'Cisco 7821': 621,
  'Cisco 7841': 622,
  'Cisco 7861': 623,
  'Cisco 7942': 434,
  'Cisco 7945': 435,
  'Cisco 7962': 404,
  'Cisco 7965': 436,
  'Cisco 7975': 437,
  'Cisco 8811': 36217,
  'Cisco 8821': 36216,
  'Cisco 8841': 683,
  'Cisco 8845': 36224,
  'Cisco 8851': 684,
  'Cisco 8861': 685,
  'Cisco 8865': 36225,
};

export function rateControlFault(perMinute: number): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}"><soapenv:Body><soapenv:Fault>` +
    `<faultcode xmlns:ns1="http://xml.apache.org/axis/">ns1:Server.RateControl</faultcode>` +
    `<faultstring>AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime information is ${perMinute} requests per minute.</faultstring>` +
    `<detail/></soapenv:Fault></soapenv:Body></soapenv:Envelope>`
  );
}

function serverFault(message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>${escapeXml(message)}</faultstring><detail/></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
}

const nil = (name: string) => `<ns1:${name} xsi:nil="true"/>`;
const e = (name: string, value: string | number | boolean) => `<ns1:${name}>${escapeXml(String(value))}</ns1:${name}>`;

function deviceXml(phone: LabPhone, reg: LabRegistration, index: number): string {
  const registered = reg.status === 'Registered';
  return (
    '<ns1:item>' +
    e('Name', phone.name) +
    e('DirNumber', `${1000 + index}-${registered ? 'Registered' : 'UnRegistered'}`) +
    e('DeviceClass', 'Phone') +
    e('Model', MODEL_NUMBERS[phone.model] ?? 255) +
    e('Product', MODEL_NUMBERS[phone.model] ?? 255) +
    e('BoxProduct', 0) +
    e('Httpd', 'Yes') +
    e('RegistrationAttempts', 0) +
    e('IsCtiControllable', true) +
    nil('LoginUserId') +
    e('Status', reg.status) +
    e('StatusReason', reg.statusReason) +
    e('PerfMonObject', 2) +
    e('DChannel', 0) +
    e('Description', phone.description) +
    `<ns1:H323Trunk>${['ConfigName', 'TechPrefix', 'Zone', 'RemoteCmServer1', 'RemoteCmServer2', 'RemoteCmServer3', 'AltGkList', 'ActiveGk', 'CallSignalAddr', 'RasAddr'].map(nil).join('')}</ns1:H323Trunk>` +
    e('TimeStamp', reg.timeStamp) +
    e('Protocol', phone.protocol) +
    e('NumOfLines', 1) +
    `<ns1:LinesStatus><ns1:item>${e('DirectoryNumber', String(1000 + index))}${e('Status', registered ? 'Registered' : 'UnRegistered')}</ns1:item></ns1:LinesStatus>` +
    e('ActiveLoadID', 'sip88xx.14-2-1-0201-10') +
    nil('InactiveLoadID') +
    e('DownloadStatus', 'Unknown') +
    nil('DownloadFailureReason') +
    nil('DownloadServer') +
    `<ns1:IPAddress>${reg.ipAddress ? `<ns1:item>${e('IP', reg.ipAddress)}${e('IPAddrType', 'ipv4')}${e('Attribute', 'Unknown')}</ns1:item>` : ''}</ns1:IPAddress>` +
    '</ns1:item>'
  );
}

/** The selectCmDevice response for the named phones, grouped by the node each one is registered to. */
export function selectCmDeviceResponse(model: CucmModel, names: string[]): string {
  const byNode = new Map<string, string[]>();
  let found = 0;
  for (const name of new Set(names)) {
    const phone = model.phones.get(name);
    const reg = model.registrations.get(name);
    if (!phone || !reg) continue;
    found++;
    const list = byNode.get(reg.node) ?? [];
    list.push(deviceXml(phone, reg, found));
    byNode.set(reg.node, list);
  }
  const nodes =
    found === 0
      ? '<ns1:CmNodes xsi:nil="1"/>'
      : `<ns1:CmNodes>${[...byNode]
          .map(
            ([node, devices]) =>
              `<ns1:item>${e('ReturnCode', 'Ok')}${e('Name', node)}${e('NoChange', false)}<ns1:CmDevices>${devices.join('')}</ns1:CmDevices></ns1:item>`,
          )
          .join('')}</ns1:CmNodes>`;
  return (
    `<?xml version='1.0' encoding='utf-8'?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}"><soapenv:Body>` +
    `<ns1:selectCmDeviceResponse xmlns:ns1="${RIS_NS}" xmlns:xsi="${XSI}"><ns1:selectCmDeviceReturn><ns1:SelectCmDeviceResult>` +
    `${e('TotalDevicesFound', found)}${nodes}</ns1:SelectCmDeviceResult>${e('StateInfo', '')}</ns1:selectCmDeviceReturn>` +
    `</ns1:selectCmDeviceResponse></soapenv:Body></soapenv:Envelope>`
  );
}

/** Sliding one-minute window of accepted queries (refused ones do not count). */
export class RisRateWindow {
  private readonly accepted: number[] = [];

  admit(now: number, perMinute: number): boolean {
    while (this.accepted.length > 0 && this.accepted[0] <= now - 60_000) this.accepted.shift();
    if (this.accepted.length >= perMinute) return false;
    this.accepted.push(now);
    return true;
  }
}

export function handleRisport(model: CucmModel, faults: CucmFaults, window: RisRateWindow, body: string): LabAnswer {
  const answer = (status: number, content: string, operation: string): LabAnswer => ({
    status,
    contentType: 'text/xml;charset=utf-8',
    body: content,
    operation,
    write: false,
  });
  let doc: XmlNode;
  try {
    doc = parseXml(body);
  } catch {
    return answer(500, serverFault('Unable to parse the request'), 'unknown');
  }
  const soapBody = path(doc, 'Envelope', 'Body') as XmlNode | undefined;
  const operation = Object.keys(soapBody ?? {}).find((k) => k === 'selectCmDeviceExt' || k === 'selectCmDevice');
  if (!operation) return answer(500, serverFault('No such operation'), 'unknown');
  if (!window.admit(Date.now(), faults.risportQueriesPerMinute)) {
    return answer(500, rateControlFault(faults.risportQueriesPerMinute), operation);
  }
  const criteria = path(soapBody, operation, 'CmSelectionCriteria') as XmlNode | undefined;
  if (text(criteria?.SelectBy) !== 'Name')
    return answer(500, serverFault('The certroll lab answers SelectBy Name only'), operation);
  const names = asArray<XmlNode>(path(criteria, 'SelectItems', 'item')).map((i) => text(i.Item));
  if (names.length > MAX_DEVICES)
    return answer(500, serverFault(`Too many devices requested: at most ${MAX_DEVICES}`), operation);
  return answer(200, selectCmDeviceResponse(model, names), operation);
}
