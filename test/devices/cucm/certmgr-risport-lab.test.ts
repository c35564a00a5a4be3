import { parseCertificate } from '../../../devices/cert';
import { CertmgrUnavailable, RisRateLimited } from '../../../devices/cucm/errors';
import { RIS_NAMESPACE, selectCmDeviceExtEnvelope } from '../../../devices/cucm/risport';
import { AuthError } from '../../../devices/errors';
import { CucmLab, generatePhoneSpecs, startCucmLab } from '../../../lab/cucm';
import { asaIdentityCertificate } from '../../../lab/cucm/pki';
import { selectCmDeviceResponse } from '../../../lab/cucm/risport-server';
import { CucmModel } from '../../../lab/cucm/model';
import { bodyDocument, validateRisport } from '../../unit/cucm/xsd';
import { axlClient, certmgrClient, oldAndNewCertificates, risportClient, testKey } from './helpers';

const DAY = 86_400_000;

describe('certmgr client <-> CUCM lab: Phone-VPN-trust with CUCM rules', () => {
  let lab: CucmLab;
  const certs = oldAndNewCertificates();
  const old = parseCertificate(certs.old);

  beforeEach(async () => {
    lab = await startCucmLab({ vpn: { certificates: [certs.old] } });
  });
  afterEach(async () => lab?.close());

  it('lists, uploads and deletes trust certificates, each parsed with its hash and store name', async () => {
    const certmgr = certmgrClient(lab);
    expect((await certmgr.listTrust()).map((e) => [e.certificateName, e.cert.sha1Base64])).toEqual([
      ['vpn.example.com.pem', old.sha1Base64],
    ]);
    await certmgr.uploadTrust(certs.renewed);
    const listed = await certmgr.listTrust();
    expect(listed.map((e) => e.certificateName).sort()).toEqual(['vpn-2025.example.com.pem', 'vpn.example.com.pem']);
    await certmgr.deleteTrust('vpn-2025.example.com.pem');
    expect((await certmgr.listTrust()).map((e) => e.certificateName)).toEqual(['vpn.example.com.pem']);
    await expect(certmgr.deleteTrust('vpn-2025.example.com.pem')).rejects.toMatchObject({
      type: 'CertmgrError',
      status: 404,
    });
    expect(lab.requestLog.filter((r) => r.api === 'certmgr').map((r) => `${r.operation}:${r.status}`)).toEqual([
      'listTrust:200',
      'uploadTrust:201',
      'listTrust:200',
      'deleteTrust:200',
      'listTrust:200',
      'deleteTrust:404',
    ]);
  });

  it('CSCuh19734: a same-CN certificate with a later notBefore silently replaces the old one and drops it from the gateway', async () => {
    await certmgrClient(lab).uploadTrust(certs.sameCn);
    const state = lab.state();
    expect(state.trust.map((t) => t.sha1Base64)).toEqual([parseCertificate(certs.sameCn).sha1Base64]);
    expect(state.gateways[0].certificates).toEqual([]);
  });

  it('refuses a same-CN certificate that is not newer, a wildcard and a non-certificate; nothing changes', async () => {
    const certmgr = certmgrClient(lab);
    const older = asaIdentityCertificate({
      cn: 'vpn.example.com',
      notBefore: new Date(Date.now() - 400 * DAY),
      key: testKey(),
    });
    const wildcard = asaIdentityCertificate({ cn: '*.example.com', key: testKey() });
    await expect(certmgr.uploadTrust(older.pem)).rejects.toMatchObject({ type: 'CertmgrError', status: 409 });
    await expect(certmgr.uploadTrust(wildcard.pem)).rejects.toThrow(/Wildcard certificates are not supported/);
    await expect(
      certmgr.uploadTrust('-----BEGIN CERTIFICATE-----\nnot a cert\n-----END CERTIFICATE-----'),
    ).rejects.toMatchObject({ type: 'InvalidInput' });
    expect(lab.state().trust.map((t) => t.sha1Base64)).toEqual([old.sha1Base64]);
  });

  it('accepts DER (bare base64 in the JSON body) as well as PEM', async () => {
    const der = parseCertificate(certs.renewed).pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    const raw = await fetchLab(
      lab,
      '/platformcom/api/v1/certmgr/config/trust/certificates',
      'POST',
      JSON.stringify({ service: ['Phone-VPN-trust'], certificates: [der] }),
    );
    expect(raw.status).toBe(201);
    expect(
      lab
        .state()
        .trust.map((t) => t.name)
        .sort(),
    ).toEqual(['vpn-2025.example.com.pem', 'vpn.example.com.pem']);
  });

  it('uses the platform administrator: a wrong password is a 401 AuthError', async () => {
    await expect(certmgrClient(lab, 'wrong').listTrust()).rejects.toBeInstanceOf(AuthError);
    await expect(certmgrClient(lab, lab.credentials.axlPassword).listTrust()).rejects.toBeInstanceOf(AuthError);
  });

  it('refuses a non-JSON or mis-typed upload with a clear CertmgrError', async () => {
    const raw = await fetchLab(
      lab,
      '/platformcom/api/v1/certmgr/config/trust/certificates',
      'POST',
      '{"service":"nope"}',
    );
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.body)).toEqual({ message: 'Invalid or missing service name' });
  });
});

async function fetchLab(
  lab: CucmLab,
  path: string,
  method: string,
  body: string,
): Promise<{ status: number; body: string }> {
  const https = await import('node:https');
  const auth = Buffer.from(`${lab.credentials.platformUser}:${lab.credentials.platformPassword}`).toString('base64');
  return new Promise((resolve, reject) => {
    const r = https.request(
      {
        host: lab.https.host,
        port: lab.https.port,
        path,
        method,
        ca: lab.caPem,
        headers: { Authorization: `Basic ${auth}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

describe('certmgr on CUCM 12.5', () => {
  it('does not exist: the client says so (CertmgrUnavailable), AXL still works', async () => {
    const lab = await startCucmLab({ axlVersion: '12.5' });
    try {
      await expect(certmgrClient(lab).listTrust()).rejects.toBeInstanceOf(CertmgrUnavailable);
      expect(await axlClient(lab).getCCMVersion()).toBe('12.5.1.16900-48');
    } finally {
      await lab.close();
    }
  });
});

describe('RisPort client <-> CUCM lab', () => {
  let lab: CucmLab;
  const phones = generatePhoneSpecs(1200);

  beforeEach(async () => {
    lab = await startCucmLab({ phones, risportQueriesPerMinute: 3 });
  });
  afterEach(async () => lab?.close());

  it('answers selectCmDeviceExt from the registry: status, reason, timestamp, IP; unknown phones are absent', async () => {
    lab.setRegistration('SEP00AA00000001', { status: 'UnRegistered', statusReason: 17 });
    const result = await risportClient(lab).selectCmDeviceExt([
      'SEP00AA00000000',
      'SEP00AA00000001',
      'SEP0000DEADBEEF',
    ]);
    expect(result.totalDevicesFound).toBe(2);
    const byName = new Map(result.devices.map((d) => [d.name, d]));
    expect(byName.get('SEP00AA00000000')).toMatchObject({
      status: 'Registered',
      statusReason: 0,
      ipAddress: expect.stringMatching(/^10\./),
      model: 683,
    });
    expect(byName.get('SEP00AA00000001')).toMatchObject({ status: 'UnRegistered', statusReason: 17 });
    expect(byName.get('SEP00AA00000001')!.timeStamp).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 5);
    expect(byName.has('SEP0000DEADBEEF')).toBe(false);
  });

  it('takes 1,000 names a call', async () => {
    const names = phones.slice(0, 1000).map((p) => p.name);
    expect((await risportClient(lab).selectCmDeviceExt(names)).devices).toHaveLength(1000);
  });

  it('refuses queries past the per-minute budget with the exact RateControl fault, as a retryable RisRateLimited', async () => {
    const ris = risportClient(lab);
    for (let i = 0; i < 3; i++) await ris.selectCmDeviceExt(['SEP00AA00000000']);
    const err = await ris.selectCmDeviceExt(['SEP00AA00000000']).catch((e) => e);
    expect(err).toBeInstanceOf(RisRateLimited);
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(
      'RisPort70: AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime information is 3 requests per minute.',
    );
    lab.faults.risportQueriesPerMinute = 5;
    await expect(ris.selectCmDeviceExt(['SEP00AA00000000'])).resolves.toMatchObject({ totalDevicesFound: 1 });
  });

  it('answers in the WSDL shape: the lab response validates against the RISService70 schema', async () => {
    const model = new CucmModel();
    model.addCommonPhoneConfig({ name: 'VPN-CPP', description: '' });
    model.addPhones(
      [
        {
          name: 'SEP00AA00000000',
          description: 'x',
          model: 'Cisco 8841',
          commonPhoneConfigName: 'VPN-CPP',
          devicePoolName: 'Default',
          protocol: 'SIP',
          encryptedConfig: false,
        },
      ],
      ['cucm-sub1'],
      1_700_000_000,
    );
    const response = selectCmDeviceResponse(model, ['SEP00AA00000000']);
    const empty = selectCmDeviceResponse(model, ['SEP0000DEADBEEF']);
    const result = await validateRisport([
      { name: 'found.xml', xml: bodyDocument(response, 'ns1', RIS_NAMESPACE) },
      { name: 'empty.xml', xml: bodyDocument(empty, 'ns1', RIS_NAMESPACE) },
    ]);
    expect(result.errors).toEqual({});
    expect(selectCmDeviceExtEnvelope(['SEP00AA00000000'])).toContain('<soap:SelectBy>Name</soap:SelectBy>');
  });
});
