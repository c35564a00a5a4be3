import * as req from '../../../devices/cucm/axl-requests';
import { axlEnvelope, axlNamespace } from '../../../devices/cucm/axl';
import {
  countPhonesByCommonPhoneConfigSql,
  PHONE_VPN_TRUST_SQL,
  phonesByCommonPhoneConfigSql,
} from '../../../devices/cucm/axl-sql';
import { InvalidInput } from '../../../devices/errors';
import { bodyDocument, validateAxl14 } from './xsd';

const NS = axlNamespace('14.0');

/** Every request builder, with inputs that exercise each branch (escaping, full gateway lists, paging). */
const everyRequest: Array<[string, req.AxlRequest]> = [
  ['getCCMVersion', req.getCCMVersionRequest()],
  ['getVpnGateway', req.getVpnGatewayRequest('ASA-PhoneVPN')],
  ['listVpnGateway', req.listVpnGatewayRequest()],
  ['listVpnGateway-pattern', req.listVpnGatewayRequest('ASA%')],
  [
    'updateVpnGateway-two',
    req.updateVpnGatewayRequest('ASA-PhoneVPN', [
      { issuerName: 'OU=PhoneVPN-2024,CN=vpn.example.com', serialNumber: '4b1d2c3e' },
      { issuerName: 'O=Example\\, Inc.,CN=vpn.example.com & <co>', serialNumber: '5C2E8B01' },
    ]),
  ],
  [
    'updateVpnGateway-ten',
    req.updateVpnGatewayRequest(
      'GW 2',
      Array.from({ length: 10 }, (_, i) => ({ issuerName: `CN=ca${i}`, serialNumber: (i + 1).toString(16) })),
    ),
  ],
  ['getVpnGroup', req.getVpnGroupRequest('PhoneVPN-Group')],
  ['listVpnGroup', req.listVpnGroupRequest()],
  ['getVpnProfile', req.getVpnProfileRequest('PhoneVPN-Profile')],
  ['listCommonPhoneConfig', req.listCommonPhoneConfigRequest()],
  ['getCommonPhoneConfig', req.getCommonPhoneConfigRequest('Standard Common Phone Profile')],
  ['listPhone', req.listPhoneRequest('SEP%', 2000, 1000)],
  ['getPhone', req.getPhoneRequest('SEP0011215A1AE3')],
  ['applyPhone', req.phoneActionRequest('applyPhone', 'SEP0011215A1AE3')],
  ['resetPhone', req.phoneActionRequest('resetPhone', 'SEP0011215A1AE3')],
  ['restartPhone', req.phoneActionRequest('restartPhone', 'SEP0011215A1AE3')],
  ['doDeviceReset-apply', req.doDeviceResetRequest('SEP0011215A1AE3', 'Apply Configuration')],
  ['doDeviceReset-reset', req.doDeviceResetRequest('SEP0011215A1AE3', 'Reset')],
  ['doDeviceReset-restart', req.doDeviceResetRequest('SEP0011215A1AE3', 'Restart')],
  ['executeSQLQuery-trust', req.executeSQLQueryRequest(PHONE_VPN_TRUST_SQL)],
  ['executeSQLQuery-count', req.executeSQLQueryRequest(countPhonesByCommonPhoneConfigSql(['VPN-CPP', 'VPN CPP 2']))],
  ['executeSQLQuery-page', req.executeSQLQueryRequest(phonesByCommonPhoneConfigSql(['VPN-CPP'], 1000, 1000))],
];

describe('AXL requests validate against the real AXLSoap.xsd (14.0)', () => {
  it('every request the client can build is valid', async () => {
    const docs = everyRequest.map(([name, r]) => ({
      name: `${name}.xml`,
      xml: bodyDocument(axlEnvelope('14.0', r), 'ns', NS),
    }));
    const result = await validateAxl14(docs);
    expect(result.errors).toEqual({});
    expect(result.valid).toBe(true);
  });

  it('the validator really rejects what the schema forbids (wrong order, 11 certificates, unknown element)', async () => {
    const eleven = `<ns:updateVpnGateway xmlns:ns="${NS}"><name>G</name><certificates>${'<certificate><issuerName>CN=a</issuerName><serialNumber>1</serialNumber></certificate>'.repeat(11)}</certificates></ns:updateVpnGateway>`;
    const result = await validateAxl14([
      {
        name: 'order.xml',
        xml: `<ns:listPhone xmlns:ns="${NS}"><returnedTags><name/></returnedTags><searchCriteria><name>%</name></searchCriteria></ns:listPhone>`,
      },
      { name: 'eleven.xml', xml: eleven },
      { name: 'unknown.xml', xml: `<ns:getVpnGateway xmlns:ns="${NS}"><gateway>G</gateway></ns:getVpnGateway>` },
    ]);
    expect(result.valid).toBe(false);
    expect(Object.keys(result.errors).sort()).toEqual(['eleven.xml', 'order.xml', 'unknown.xml']);
  });

  it('envelopes carry the version namespace and escape text', () => {
    const envelope = axlEnvelope('12.5', req.getVpnGatewayRequest('A&B <gw>'));
    expect(envelope).toContain('xmlns:ns="http://www.cisco.com/AXL/API/12.5"');
    expect(envelope).toContain('<ns:getVpnGateway><name>A&amp;B &lt;gw&gt;</name></ns:getVpnGateway>');
  });
});

describe('request builders refuse bad input before anything is sent', () => {
  it.each([
    ['an empty gateway list', () => req.updateVpnGatewayRequest('G', [])],
    [
      'eleven certificates',
      () =>
        req.updateVpnGatewayRequest(
          'G',
          Array.from({ length: 11 }, () => ({ issuerName: 'CN=a', serialNumber: '1' })),
        ),
    ],
    ['a non-hex serial', () => req.updateVpnGatewayRequest('G', [{ issuerName: 'CN=a', serialNumber: '12:34' }])],
    ['a control character in a name', () => req.getVpnGatewayRequest('G\u0001')],
    ['a device name with a quote', () => req.phoneActionRequest('applyPhone', "SEP1' OR 1=1")],
    ['a page of 1001', () => req.listPhoneRequest('%', 0, 1001)],
    ['an unknown reset type', () => req.doDeviceResetRequest('SEP1', 'Wipe' as never)],
    ['a quote in a common phone profile name (SQL)', () => countPhonesByCommonPhoneConfigSql(["x') OR 1=1 --"])],
    ['no common phone profile (SQL)', () => phonesByCommonPhoneConfigSql([], 0, 10)],
  ])('%s', (_what, build) => {
    expect(build).toThrow(InvalidInput);
  });

  it('builds the scope query as Informix paging ordered by name', () => {
    expect(phonesByCommonPhoneConfigSql(['VPN-CPP', 'VPN-CPP'], 2000, 500)).toBe(
      "SELECT SKIP 2000 FIRST 500 d.name, cpc.name AS cpp FROM device d JOIN commonphoneconfig cpc ON cpc.pkid = d.fkcommonphoneconfig WHERE cpc.name IN ('VPN-CPP') AND d.tkclass = 1 ORDER BY d.name",
    );
  });
});
