import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import * as requests from '../../../devices/cucm/axl-requests';
import { axlEnvelope, axlNamespace } from '../../../devices/cucm/axl';
import {
  countPhonesByCommonPhoneConfigSql,
  PHONE_VPN_TRUST_SQL,
  phonesByCommonPhoneConfigSql,
} from '../../../devices/cucm/axl-sql';
import { InvalidInput } from '../../../devices/errors';
import { bodyDocument, validateAxl14 } from './xsd';

const NS = axlNamespace('14.0');
const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The module's exported functions (its request builders), by name. */
const builderNames = Object.entries(requests)
  .filter(([, value]) => typeof value === 'function')
  .map(([name]) => name)
  .sort();

/** The builders, each recording that the list below called it: a builder the list never calls fails the suite. */
const covered = new Set<string>();
const req = Object.fromEntries(
  Object.entries(requests).map(([name, value]) => [
    name,
    typeof value === 'function'
      ? (...args: unknown[]) => {
          covered.add(name);
          return (value as (...a: unknown[]) => unknown)(...args);
        }
      : value,
  ]),
) as typeof requests;

/** Every request builder, with inputs that exercise each branch (escaping, full gateway lists, paging). */
const everyRequest: Array<[string, requests.AxlRequest]> = [
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
  it('the list covers every exported request builder, so a new builder cannot go unvalidated', () => {
    expect(builderNames).toEqual(expect.arrayContaining(['executeSQLQueryRequest', 'getCCMVersionRequest']));
    expect(builderNames.filter((name) => !covered.has(name))).toEqual([]);
  });

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
    const envelope = axlEnvelope('12.5', requests.getVpnGatewayRequest('A&B <gw>'));
    expect(envelope).toContain('xmlns:ns="http://www.cisco.com/AXL/API/12.5"');
    expect(envelope).toContain('<ns:getVpnGateway><name>A&amp;B &lt;gw&gt;</name></ns:getVpnGateway>');
  });
});

describe('request builders refuse bad input before anything is sent', () => {
  it.each([
    ['an empty gateway list', () => requests.updateVpnGatewayRequest('G', [])],
    [
      'eleven certificates',
      () =>
        requests.updateVpnGatewayRequest(
          'G',
          Array.from({ length: 11 }, () => ({ issuerName: 'CN=a', serialNumber: '1' })),
        ),
    ],
    ['a non-hex serial', () => requests.updateVpnGatewayRequest('G', [{ issuerName: 'CN=a', serialNumber: '12:34' }])],
    ['a control character in a name', () => requests.getVpnGatewayRequest('G\u0001')],
    ['a device name with a quote', () => requests.phoneActionRequest('applyPhone', "SEP1' OR 1=1")],
    ['a page of 1001', () => requests.listPhoneRequest('%', 0, 1001)],
    ['an unknown reset type', () => requests.doDeviceResetRequest('SEP1', 'Wipe' as never)],
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

describe('executeSQLQuery takes only the fixed queries of axl-sql.ts', () => {
  /** Type-check a snippet that sits next to this test, with the project's compiler options. */
  function typeErrors(snippet: string): Array<{ line: number; code: number }> {
    const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f));
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const file = path.join(__dirname, '__fixed-sql-snippet__.ts');
    const host = ts.createCompilerHost({ ...options, noEmit: true });
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, ...rest) =>
      path.resolve(name) === file ? ts.createSourceFile(name, snippet, version) : read(name, version, ...rest);
    host.fileExists = (
      (exists) => (name: string) =>
        path.resolve(name) === file || exists(name)
    )(host.fileExists);
    const program = ts.createProgram([file], { ...options, noEmit: true, types: [] }, host);
    const source = program.getSourceFile(file)!;
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ({
      line: source.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
      code: d.code,
    }));
  }

  it('a plain string does not type-check; the fixed queries do', () => {
    const errors = typeErrors(
      [
        "import { executeSQLQueryRequest } from '../../../devices/cucm/axl-requests';",
        "import * as sql from '../../../devices/cucm/axl-sql';",
        'executeSQLQueryRequest(sql.PHONE_VPN_TRUST_SQL);',
        "executeSQLQueryRequest(sql.countPhonesByCommonPhoneConfigSql(['VPN-CPP']));",
        "executeSQLQueryRequest(sql.phonesByCommonPhoneConfigSql(['VPN-CPP'], 0, 10));",
        "executeSQLQueryRequest('SELECT name FROM enduser');",
        'const text: string = sql.PHONE_VPN_TRUST_SQL;',
        'executeSQLQueryRequest(text);',
        'executeSQLQueryRequest(`${sql.PHONE_VPN_TRUST_SQL} UNION SELECT name FROM enduser`);',
      ].join('\n'),
    );
    // TS2345: argument not assignable to the parameter type; nothing else, and nothing on the fixed queries.
    expect(errors).toEqual([
      { line: 6, code: 2345 },
      { line: 8, code: 2345 },
      { line: 9, code: 2345 },
    ]);
  }, 60_000);

  it('no source outside axl-sql.ts mints the brand with a cast', () => {
    const cast = new RegExp(['\\bas\\s+', 'Fixed', 'Sql\\b|<\\s*', 'Fixed', 'Sql\\s*>'].join(''));
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(rel);
        else if (/\.(ts|js|mjs|cjs)$/.test(entry.name) && cast.test(readFileSync(path.join(ROOT, rel), 'utf8')))
          offenders.push(rel);
      }
    };
    for (const dir of [
      'devices',
      'lab',
      'activities',
      'worker',
      'cli',
      'config',
      'workflows',
      'scripts',
      'bench',
      'test',
    ])
      walk(dir);
    expect(offenders).toEqual([path.join('devices', 'cucm', 'axl-sql.ts')]);
  });
});
