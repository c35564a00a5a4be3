import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { validateInventory } from '../../../config/inventory';
import { parseCertificate } from '../../../devices/cert';
import * as req from '../../../devices/cucm/axl-requests';
import { axlEnvelope, axlNamespace } from '../../../devices/cucm/axl';
import { PHONE_VPN_TRUST_SQL } from '../../../devices/cucm/axl-sql';
import { AxlFault, AxlQueryTooLarge, AxlThrottled, AxlVersionUnsupported } from '../../../devices/cucm/errors';
import { AuthError, PinMismatch } from '../../../devices/errors';
import { CucmLab, generatePhoneSpecs, startCucmLab } from '../../../lab/cucm';
import { PhoneAction } from '../../../lab/contracts';
import { bodyDocument, validateAxl14 } from '../../unit/cucm/xsd';
import { axlClient, oldAndNewCertificates } from './helpers';

describe('AXL client <-> CUCM lab over pinned HTTPS', () => {
  let lab: CucmLab;
  const certs = oldAndNewCertificates();
  const old = parseCertificate(certs.old);
  const renewed = parseCertificate(certs.renewed);

  beforeAll(async () => {
    lab = await startCucmLab({
      axlVersion: '14.0',
      phones: [
        ...generatePhoneSpecs(3000, { model: 'Cisco 8841' }),
        ...generatePhoneSpecs(5, { firstMac: 0x00bb00000000, commonPhoneConfigName: 'Standard Common Phone Profile' }),
      ],
      vpn: { certificates: [certs.old], hostIdCheck: true },
    });
    lab.seedTrustCertificate(certs.renewed);
  });
  afterAll(async () => lab?.close());
  beforeEach(() => {
    lab.requestLog.length = 0;
  });

  it('describes itself as a valid inventory entry (pin or CA file)', () => {
    const refs = { axlPassword: 'env:LAB_AXL', platformPassword: 'env:LAB_PLATFORM' };
    const inventory = validateInventory({
      asa: {},
      cucm: { lab: lab.inventoryEntry(refs), labCa: lab.inventoryEntry(refs, 'caFile') },
      gateways: {},
    });
    expect(inventory.cucm.lab).toMatchObject({
      port: lab.https.port,
      axlVersion: '14.0',
      tls: { sha256: lab.tlsSha256Pin },
    });
    expect(inventory.cucm.labCa.tls).toEqual({ caFile: lab.caFile });
    expect(JSON.stringify(inventory)).not.toContain(lab.credentials.axlPassword);
  });

  it('reads the version, the VPN objects and the common phone profiles', async () => {
    const axl = axlClient(lab);
    expect(await axl.getCCMVersion()).toBe('14.0.1.13900-155');
    expect(await axl.listVpnGateway()).toEqual([
      {
        uuid: expect.stringMatching(/^\{[0-9A-F-]{36}\}$/),
        name: 'ASA-PhoneVPN',
        description: 'Phone VPN headend',
        url: 'https://vpn.example.com/PhoneVPN',
      },
    ]);
    const gw = await axl.getVpnGateway('ASA-PhoneVPN');
    expect(gw.certificates).toEqual([
      { uuid: expect.any(String), issuerName: old.issuer.rfc2253, serialNumber: old.serialHex },
    ]);
    expect(await axl.listVpnGroup()).toEqual([{ uuid: expect.any(String), name: 'PhoneVPN-Group', description: '' }]);
    expect((await axl.getVpnGroup('PhoneVPN-Group')).gateways).toEqual([{ name: 'ASA-PhoneVPN', priority: 0 }]);
    expect(await axl.getVpnProfile('PhoneVPN-Profile')).toMatchObject({
      clientAuthentication: 'Certificate',
      enableHostIdCheck: true,
      mtu: 1290,
      failToConnect: 30,
    });
    const cpps = await axl.listCommonPhoneConfig();
    expect(cpps.map((c) => [c.name, c.vpnGroupName, c.vpnProfileName])).toEqual([
      ['Standard Common Phone Profile', undefined, undefined],
      ['VPN-CPP', 'PhoneVPN-Group', 'PhoneVPN-Profile'],
    ]);
    expect(await axl.getCommonPhoneConfig('VPN-CPP')).toMatchObject({
      vpnGroupName: 'PhoneVPN-Group',
      vpnProfileName: 'PhoneVPN-Profile',
    });
    expect(await axl.getPhone('SEP00AA00000002')).toMatchObject({
      name: 'SEP00AA00000002',
      model: 'Cisco 8841',
      commonPhoneConfigName: 'VPN-CPP',
      protocol: 'SIP',
    });
  });

  it('updates the gateway with the whole list and reads it back; refuses a certificate not in Phone-VPN-trust', async () => {
    const axl = axlClient(lab);
    const both = [
      { issuerName: old.issuer.rfc2253, serialNumber: old.serialHex },
      { issuerName: renewed.issuer.rfc2253, serialNumber: renewed.serialHex },
    ];
    expect(await axl.updateVpnGateway('ASA-PhoneVPN', both)).toMatch(/^\{[0-9A-F-]{36}\}$/);
    expect((await axl.getVpnGateway('ASA-PhoneVPN')).certificates.map((c) => c.serialNumber)).toEqual([
      old.serialHex,
      renewed.serialHex,
    ]);
    const missing = axl.updateVpnGateway('ASA-PhoneVPN', [{ issuerName: 'CN=nobody', serialNumber: 'abcdef' }]);
    await expect(missing).rejects.toBeInstanceOf(AxlFault);
    await expect(missing).rejects.toMatchObject({ code: 5003 });
    expect((await axl.getVpnGateway('ASA-PhoneVPN')).certificates).toHaveLength(2);
    expect(lab.requestLog.filter((r) => r.operation === 'updateVpnGateway').map((r) => r.status)).toEqual([200, 500]);
    await axl.updateVpnGateway('ASA-PhoneVPN', [both[0]]);
  });

  it('sends Apply/Reset/Restart to the phone registry', async () => {
    const axl = axlClient(lab);
    const seen: Array<[string, PhoneAction]> = [];
    const off = lab.onPhoneAction((name, action) => seen.push([name, action]));
    const uuid = await axl.applyPhone('SEP00AA00000001');
    expect(uuid).toMatch(/^\{[0-9A-F-]{36}\}$/);
    await axl.resetPhone('SEP00AA00000002');
    await axl.restartPhone('SEP00AA00000003');
    expect(await axl.doDeviceReset('SEP00AA00000004', 'Apply Configuration')).toBe('true');
    off();
    await axl.applyPhone('SEP00AA00000005');
    expect(seen).toEqual([
      ['SEP00AA00000001', 'apply'],
      ['SEP00AA00000002', 'reset'],
      ['SEP00AA00000003', 'restart'],
      ['SEP00AA00000004', 'apply'],
    ]);
    await expect(axl.applyPhone('SEP0000DEADBEEF')).rejects.toMatchObject({
      type: 'AxlFault',
      code: 5007,
      operation: 'applyPhone',
    });
  });

  it('pages 3,000 phones with listPhone (first <= 1000) and with the scope query, in name order', async () => {
    const axl = axlClient(lab);
    const all: string[] = [];
    for (let skip = 0; ; skip += 1000) {
      const page = await axl.listPhone('SEP00AA%', skip, 1000);
      all.push(...page.map((p) => p.name));
      if (page.length < 1000) break;
    }
    expect(all).toHaveLength(3000);
    expect(new Set(all).size).toBe(3000);
    expect([...all].sort()).toEqual(all);
    expect(await axl.countPhonesByCommonPhoneConfig(['VPN-CPP'])).toBe(3000);
    expect(await axl.countPhonesByCommonPhoneConfig(['VPN-CPP', 'Standard Common Phone Profile'])).toBe(3005);
    const scoped: string[] = [];
    for (let skip = 0; skip < 3000; skip += 1000)
      scoped.push(...(await axl.listPhonesByCommonPhoneConfig(['VPN-CPP'], skip, 1000)));
    expect(scoped).toEqual(all);
    expect(lab.requestLog.filter((r) => r.operation === 'listPhone')).toHaveLength(4);
  });

  it('reads Phone-VPN-trust with each certificate hash through the fixed SQL query', async () => {
    const rows = await axlClient(lab).listPhoneVpnTrust();
    expect(rows.map((r) => [r.subjectName, r.issuerName, r.serialNumber, r.sha1Base64]).sort()).toEqual(
      [
        [old.subject.rfc2253, old.issuer.rfc2253, old.serialHex, old.sha1Base64],
        [renewed.subject.rfc2253, renewed.issuer.rfc2253, renewed.serialHex, renewed.sha1Base64],
      ].sort(),
    );
  });

  it('refuses a server whose certificate does not match the pin, before sending anything', async () => {
    const axl = axlClient(lab, { tls: { sha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
    await expect(axl.getCCMVersion()).rejects.toBeInstanceOf(PinMismatch);
    expect(lab.requestLog).toEqual([]);
  });

  it('verifies against the CA file when the inventory names one', async () => {
    const axl = axlClient(lab, { tls: { caFile: lab.caFile } });
    expect(await axl.getCCMVersion()).toBe('14.0.1.13900-155');
    const otherCa = path.join(mkdtempSync(path.join(os.tmpdir(), 'certroll-ca-')), 'other.pem');
    writeFileSync(otherCa, oldAndNewCertificates().old);
    await expect(axlClient(lab, { tls: { caFile: otherCa } }).getCCMVersion()).rejects.toBeInstanceOf(PinMismatch);
    rmSync(path.dirname(otherCa), { recursive: true, force: true });
  });

  it('reuses the Tomcat session cookie instead of logging in on every call', async () => {
    const axl = axlClient(lab);
    for (let i = 0; i < 4; i++) await axl.getCCMVersion();
    expect(lab.requestLog.map((r) => r.newSession)).toEqual([true, false, false, false]);
    expect(axl.sessionCookieNames().sort()).toEqual(['JSESSIONID', 'JSESSIONIDSSO']);
  });

  it('maps 401 (an HTML page, not SOAP) to a non-retryable AuthError', async () => {
    const err = await axlClient(lab, { password: 'wrong' })
      .getCCMVersion()
      .catch((e) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain('wrong');
    expect(lab.requestLog.map((r) => r.status)).toEqual([401]);
  });

  it('maps 5007 to a non-retryable AxlFault with code, message and operation', async () => {
    const err = await axlClient(lab)
      .getVpnGateway('No-Such-Gateway')
      .catch((e) => e);
    expect(err).toBeInstanceOf(AxlFault);
    expect(err).toMatchObject({ code: 5007, operation: 'getVpnGateway', retryable: false });
    expect(err.message).toContain('Item not valid: The specified VPN Gateway was not found');
  });

  it('answers a 503 write throttle with one attempt and a retryable AxlThrottled (no loop in the client)', async () => {
    lab.faults.axlThrottle503 = 2;
    const axl = axlClient(lab);
    const member = [{ issuerName: old.issuer.rfc2253, serialNumber: old.serialHex }];
    for (let i = 0; i < 2; i++) {
      const err = await axl.updateVpnGateway('ASA-PhoneVPN', member).catch((e) => e);
      expect(err).toBeInstanceOf(AxlThrottled);
      expect(err).toMatchObject({ retryable: true, reason: 'http-503' });
    }
    expect(await axl.updateVpnGateway('ASA-PhoneVPN', member)).toMatch(/^\{/);
    expect(lab.requestLog.map((r) => `${r.operation}:${r.status}`)).toEqual([
      'updateVpnGateway:503',
      'updateVpnGateway:503',
      'updateVpnGateway:200',
    ]);
  });

  it('turns the memory fault into a retryable AxlThrottled and "Query request too large" into a non-retryable error', async () => {
    const axl = axlClient(lab);
    lab.faults.axlMemoryFault = 1;
    await expect(axl.listPhone('%', 0, 1000)).rejects.toMatchObject({
      type: 'AxlThrottled',
      reason: 'memory',
      retryable: true,
    });
    lab.faults.axlResponseLimitBytes = 50_000;
    try {
      const err = await axl.listPhone('%', 0, 1000).catch((e) => e);
      expect(err).toBeInstanceOf(AxlQueryTooLarge);
      expect(err.message).toMatch(
        /Query request too large\. Total rows matched: 1000 rows\. Suggestive Row Fetch: less than \d+ rows/,
      );
      expect(err.retryable).toBe(false);
    } finally {
      lab.faults.axlResponseLimitBytes = 8 * 1024 * 1024;
    }
  });

  it('injects a fault on one operation with CUCM code and text', async () => {
    lab.faults.axlFaultOn = { operation: 'getVpnProfile', code: 5003, message: 'Simulated', count: 1 };
    await expect(axlClient(lab).getVpnProfile('PhoneVPN-Profile')).rejects.toMatchObject({
      code: 5003,
      message: expect.stringContaining('Simulated'),
    });
    expect(lab.faults.axlFaultOn).toBeUndefined();
    await expect(axlClient(lab).getVpnProfile('PhoneVPN-Profile')).resolves.toMatchObject({ name: 'PhoneVPN-Profile' });
  });

  it('accepts older majors (N-2) and answers a newer schema with HTTP 599 and the list it supports', async () => {
    expect(await axlClient(lab, { version: '12.5' }).getCCMVersion()).toBe('14.0.1.13900-155');
    const err = await axlClient(lab, { version: '15.0' })
      .getCCMVersion()
      .catch((e) => e);
    expect(err).toBeInstanceOf(AxlVersionUnsupported);
    expect(err.supported).toEqual(['11.0', '11.5', '12.0', '12.5', '14.0']);
    expect(lab.requestLog.map((r) => r.status)).toEqual([200, 599]);
  });

  it('writes every request and response body to CERTROLL_AXL_TRACE_DIR, never credentials', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'certroll-axl-trace-'));
    try {
      const axl = axlClient(lab, { traceDir: dir });
      await axl.getVpnGateway('ASA-PhoneVPN');
      await axl.getVpnGateway('No-Such-Gateway').catch(() => undefined);
      const files = readdirSync(dir).sort();
      expect(files.map((f) => f.replace(/^\d+-/, ''))).toEqual([
        'getVpnGateway-request.xml',
        'getVpnGateway-response.xml',
        'getVpnGateway-request.xml',
        'getVpnGateway-response.xml',
      ]);
      const all = files.map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
      expect(all).toContain('<name>No-Such-Gateway</name>');
      expect(all).toContain('<axlcode>5007</axlcode>');
      expect(all).not.toContain(lab.credentials.axlPassword);
      expect(all).not.toMatch(/Authorization|Basic /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers with CUCM's response shapes: every lab response validates against AXLSoap.xsd", async () => {
    const requests = [
      req.getCCMVersionRequest(),
      req.getVpnGatewayRequest('ASA-PhoneVPN'),
      req.listVpnGatewayRequest(),
      req.updateVpnGatewayRequest('ASA-PhoneVPN', [{ issuerName: old.issuer.rfc2253, serialNumber: old.serialHex }]),
      req.getVpnGroupRequest('PhoneVPN-Group'),
      req.listVpnGroupRequest(),
      req.getVpnProfileRequest('PhoneVPN-Profile'),
      req.listCommonPhoneConfigRequest(),
      req.getCommonPhoneConfigRequest('VPN-CPP'),
      req.listPhoneRequest('SEP%', 0, 20),
      req.getPhoneRequest('SEP00AA00000001'),
      req.phoneActionRequest('applyPhone', 'SEP00AA00000001'),
      req.phoneActionRequest('resetPhone', 'SEP00AA00000001'),
      req.phoneActionRequest('restartPhone', 'SEP00AA00000001'),
      req.doDeviceResetRequest('SEP00AA00000001', 'Reset'),
      req.executeSQLQueryRequest(PHONE_VPN_TRUST_SQL),
    ];
    const agent = new https.Agent({ ca: lab.caPem });
    const auth = `Basic ${Buffer.from(`${lab.credentials.axlUser}:${lab.credentials.axlPassword}`).toString('base64')}`;
    const docs = await Promise.all(
      requests.map(async (r, i) => {
        const body = await new Promise<string>((resolve, reject) => {
          const call = https.request(
            {
              host: lab.https.host,
              port: lab.https.port,
              path: '/axl/',
              method: 'POST',
              agent,
              headers: {
                Authorization: auth,
                SOAPAction: `"CUCM:DB ver=14.0 ${r.operation}"`,
                'Content-Type': 'text/xml',
              },
            },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (c) => (text += c));
              res.on('end', () =>
                res.statusCode === 200
                  ? resolve(text)
                  : reject(new Error(`${r.operation}: HTTP ${res.statusCode} ${text}`)),
              );
            },
          );
          call.on('error', reject);
          call.end(axlEnvelope('14.0', r));
        });
        return { name: `${i}-${r.operation}Response.xml`, xml: bodyDocument(body, 'ns', axlNamespace('14.0')) };
      }),
    );
    const result = await validateAxl14(docs);
    expect(result.errors).toEqual({});
    expect(result.valid).toBe(true);
  });
});
