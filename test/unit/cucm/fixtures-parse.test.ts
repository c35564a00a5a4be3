import { readFileSync } from 'node:fs';
import path from 'node:path';
import { axlErrorFromFault, parsePhone, parseSqlRows, parseVpnGateway } from '../../../devices/cucm/axl-parse';
import { AxlFault, AxlQueryTooLarge, AxlThrottled, RisFault, RisRateLimited } from '../../../devices/cucm/errors';
import {
  parseSelectCmDeviceResponse,
  risErrorFromFault,
  RIS_NAMESPACE,
  selectCmDeviceExtEnvelope,
} from '../../../devices/cucm/risport';
import { readSoapResponse } from '../../../devices/cucm/soap';
import { InvalidInput } from '../../../devices/errors';
import { bodyDocument, validateRisport } from './xsd';

const fixture = (name: string) => readFileSync(path.resolve(__dirname, '../../fixtures/axl', name), 'utf8');

function fault(faultString: string, axlcode: number, request = 'listPhone') {
  return `<?xml version='1.0' encoding='UTF-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>${faultString}</faultstring><detail><axlError><axlcode>${axlcode}</axlcode><axlmessage>${faultString}</axlmessage><request>${request}</request></axlError></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
}

describe('real AXL fixtures', () => {
  it('reads the captured getPhone response (AXL 10.5, uuid attributes, inline xsi:nil)', () => {
    const res = readSoapResponse(fixture('getPhone_response__axl10.5_cisco8831_from-code-comment.xml'), 200);
    expect(res.name).toBe('getPhoneResponse');
    expect(parsePhone(res.body!)).toEqual({
      uuid: '{0B149639-2E49-0A08-5437-A3E858022FF1}',
      name: 'SEP000000000028',
      model: 'Cisco 8831',
      product: 'Cisco 8831',
      protocol: 'SIP',
      description: 'AZCDRBD - Conference phone',
      devicePoolName: 'AZ01_21_DP',
      commonPhoneConfigName: 'Standard Common Phone Profile',
    });
  });

  it('turns the captured SOAP fault into an AxlFault with code, message and operation', () => {
    const res = readSoapResponse(fixture('soap_fault__addRoutePartition_duplicate_-239.xml'), 500);
    expect(res.fault?.faultCode).toBe('soapenv:Client');
    const err = axlErrorFromFault(res.fault!, 'addRoutePartition');
    expect(err).toBeInstanceOf(AxlFault);
    expect(err).toMatchObject({ code: -239, operation: 'addRoutePartition', retryable: false, type: 'AxlFault' });
    expect(err.message).toMatch(/duplicate value in a UNIQUE INDEX column/);
  });

  it.each([
    ['Item not valid: The specified VPN Gateway was not found', 5007, AxlFault, false],
    [
      'Maximum AXL Memory Allocation Consumed. Please retry once requests in progress have completed',
      -1,
      AxlThrottled,
      true,
    ],
    [
      'Query request too large. Total rows matched: 90000 rows. Suggestive Row Fetch: less than 30000 rows',
      -1,
      AxlQueryTooLarge,
      false,
    ],
  ])('maps "%s" to the right typed error', (text, code, cls, retryable) => {
    const err = axlErrorFromFault(readSoapResponse(fault(text, code), 500).fault!, 'listPhone');
    expect(err).toBeInstanceOf(cls);
    expect(err.retryable).toBe(retryable);
  });

  it('reads a VPN gateway with its certificate members and executeSQLQuery rows with empty columns', () => {
    const gw = readSoapResponse(
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:getVpnGatewayResponse xmlns:ns="http://www.cisco.com/AXL/API/14.0"><return><vpnGateway uuid="{2B6A4C1E-7F3D-4E0A-9C11-5D2E8F7A9B30}"><name>ASA-PhoneVPN</name><description>Phone VPN on asa1</description><url>https://vpn.example.com/PhoneVPN</url><certificates><certificate uuid="{9E0F1A2B-3C4D-5E6F-7081-92A3B4C5D6E7}"><issuerName>OU=PhoneVPN-2024,CN=vpn.example.com</issuerName><serialNumber>4b1d2c3e</serialNumber></certificate></certificates></vpnGateway></return></ns:getVpnGatewayResponse></soapenv:Body></soapenv:Envelope>`,
      200,
    );
    expect(parseVpnGateway(gw.body!)).toEqual({
      uuid: '{2B6A4C1E-7F3D-4E0A-9C11-5D2E8F7A9B30}',
      name: 'ASA-PhoneVPN',
      description: 'Phone VPN on asa1',
      url: 'https://vpn.example.com/PhoneVPN',
      certificates: [
        {
          uuid: '{9E0F1A2B-3C4D-5E6F-7081-92A3B4C5D6E7}',
          issuerName: 'OU=PhoneVPN-2024,CN=vpn.example.com',
          serialNumber: '4b1d2c3e',
        },
      ],
    });
    const sql = readSoapResponse(
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns:executeSQLQueryResponse xmlns:ns="http://www.cisco.com/AXL/API/14.0"><return><row><pkid>a1</pkid><hash/></row><row><pkid>b2</pkid><hash>5X6B6plUwUSXZnjQ4kGM33mpMXY=</hash></row></return></ns:executeSQLQueryResponse></soapenv:Body></soapenv:Envelope>`,
      200,
    );
    expect(parseSqlRows(sql.body!)).toEqual([
      { pkid: 'a1', hash: '' },
      { pkid: 'b2', hash: '5X6B6plUwUSXZnjQ4kGM33mpMXY=' },
    ]);
  });
});

describe('RisPort70', () => {
  it('reads the real empty response with xsi:nil CmNodes', () => {
    const res = readSoapResponse(
      fixture('risport70_selectCmDevice_response__empty_nil-CmNodes_from-docstring.xml'),
      200,
    );
    expect(res.name).toBe('selectCmDeviceResponse');
    expect(parseSelectCmDeviceResponse(res.body!)).toEqual({ totalDevicesFound: 0, devices: [], stateInfo: '' });
  });

  it('keeps the newest record when two nodes report the same phone, and skips a nil CmDevices node', () => {
    const device = (name: string, status: string, reason: number, ts: number, ip: string) =>
      `<ns1:item><ns1:Name>${name}</ns1:Name><ns1:DirNumber>1001-${status}</ns1:DirNumber><ns1:DeviceClass>Phone</ns1:DeviceClass><ns1:Model>36213</ns1:Model><ns1:Status>${status}</ns1:Status><ns1:StatusReason>${reason}</ns1:StatusReason><ns1:TimeStamp>${ts}</ns1:TimeStamp><ns1:Protocol>SIP</ns1:Protocol><ns1:IPAddress><ns1:item><ns1:IP>${ip}</ns1:IP><ns1:IPAddrType>ipv4</ns1:IPAddrType><ns1:Attribute>Unknown</ns1:Attribute></ns1:item></ns1:IPAddress></ns1:item>`;
    const xml = `<?xml version='1.0' encoding='utf-8'?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><ns1:selectCmDeviceResponse xmlns:ns1="${RIS_NAMESPACE}"><ns1:selectCmDeviceReturn><ns1:SelectCmDeviceResult><ns1:TotalDevicesFound>3</ns1:TotalDevicesFound><ns1:CmNodes><ns1:item><ns1:ReturnCode>Ok</ns1:ReturnCode><ns1:Name>cucm-sub1</ns1:Name><ns1:NoChange>false</ns1:NoChange><ns1:CmDevices>${device('SEP000000000001', 'UnRegistered', 17, 1700000100, '10.0.0.1')}${device('SEP000000000002', 'Registered', 0, 1700000050, '10.0.0.2')}</ns1:CmDevices></ns1:item><ns1:item><ns1:ReturnCode>Ok</ns1:ReturnCode><ns1:Name>cucm-sub2</ns1:Name><ns1:NoChange>false</ns1:NoChange><ns1:CmDevices>${device('SEP000000000001', 'Registered', 0, 1700000200, '10.0.0.9')}</ns1:CmDevices></ns1:item><ns1:item><ns1:ReturnCode>NotFound</ns1:ReturnCode><ns1:Name>cucm-pub</ns1:Name><ns1:NoChange>false</ns1:NoChange><ns1:CmDevices xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/></ns1:item></ns1:CmNodes></ns1:SelectCmDeviceResult><ns1:StateInfo>&lt;StateInfo/&gt;</ns1:StateInfo></ns1:selectCmDeviceReturn></ns1:selectCmDeviceResponse></soapenv:Body></soapenv:Envelope>`;
    const parsed = parseSelectCmDeviceResponse(readSoapResponse(xml, 200).body!);
    expect(parsed.devices).toEqual([
      {
        name: 'SEP000000000001',
        status: 'Registered',
        statusReason: 0,
        timeStamp: 1700000200,
        ipAddress: '10.0.0.9',
        node: 'cucm-sub2',
        model: 36213,
        protocol: 'SIP',
      },
      {
        name: 'SEP000000000002',
        status: 'Registered',
        statusReason: 0,
        timeStamp: 1700000050,
        ipAddress: '10.0.0.2',
        node: 'cucm-sub1',
        model: 36213,
        protocol: 'SIP',
      },
    ]);
    expect(parsed.stateInfo).toBe('<StateInfo/>');
  });

  it('maps the RateControl fault (with its "Reatime" typo) to the retryable RisRateLimited', () => {
    const text =
      'AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime information is 15 requests per minute.';
    const err = risErrorFromFault({ faultCode: 'ns1:Server.RateControl', faultString: text, detail: undefined });
    expect(err).toBeInstanceOf(RisRateLimited);
    expect(err.retryable).toBe(true);
    expect(risErrorFromFault({ faultCode: 'soapenv:Server', faultString: 'boom', detail: undefined })).toBeInstanceOf(
      RisFault,
    );
  });

  it('builds selectCmDeviceExt requests that validate against the RISService70 schema, 1 to 1000 names', async () => {
    const one = bodyDocument(selectCmDeviceExtEnvelope(['SEP0011215A1AE3']), 'soap', RIS_NAMESPACE);
    const full = bodyDocument(
      selectCmDeviceExtEnvelope(
        Array.from({ length: 1000 }, (_, i) => `SEP${i.toString(16).padStart(12, '0').toUpperCase()}`),
      ),
      'soap',
      RIS_NAMESPACE,
    );
    const bad = `<soap:selectCmDeviceExt xmlns:soap="${RIS_NAMESPACE}"><soap:CmSelectionCriteria/></soap:selectCmDeviceExt>`;
    const result = await validateRisport([
      { name: 'one.xml', xml: one },
      { name: 'full.xml', xml: full },
      { name: 'bad.xml', xml: bad },
    ]);
    expect(Object.keys(result.errors)).toEqual(['bad.xml']);
    expect(() => selectCmDeviceExtEnvelope(Array.from({ length: 1001 }, (_, i) => `SEP${i}`))).toThrow(InvalidInput);
    expect(() => selectCmDeviceExtEnvelope([])).toThrow(InvalidInput);
  });
});
