/**
 * The lab AXL endpoint's version checks, by raw POST (the client never builds these requests): the body namespace
 * against the SOAPAction version, the SOAPAction operation against the body, and a SOAPAction that is not
 * `CUCM:DB ver=<v> [op]`. Each is refused with CUCM's status and fault text and changes nothing. Then a 15.0 client
 * against a 15.0 lab reads one object.
 */
import https from 'node:https';
import { parseCertificate } from '../../../devices/cert';
import { getCCMVersionRequest, updateVpnGatewayRequest } from '../../../devices/cucm/axl-requests';
import { axlEnvelope } from '../../../devices/cucm/axl';
import { parseXml, path as xmlPath, text } from '../../../devices/cucm/xml';
import { CucmLab, startCucmLab } from '../../../lab/cucm';
import { axlClient, oldAndNewCertificates } from './helpers';

interface RawAnswer {
  status: number | undefined;
  contentType: string | undefined;
  body: string;
}

/** POST one envelope to the lab's /axl/ with exactly the SOAPAction given (none when undefined). */
function rawAxlPost(lab: CucmLab, envelope: string, soapAction: string | undefined): Promise<RawAnswer> {
  const headers: Record<string, string> = {
    Authorization: `Basic ${Buffer.from(`${lab.credentials.axlUser}:${lab.credentials.axlPassword}`).toString('base64')}`,
    'Content-Type': 'text/xml; charset=utf-8',
  };
  if (soapAction !== undefined) headers.SOAPAction = soapAction;
  return new Promise((resolve, reject) => {
    const call = https.request(
      { host: lab.https.host, port: lab.https.port, path: '/axl/', method: 'POST', ca: lab.caPem, headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, contentType: res.headers['content-type'], body }));
      },
    );
    call.on('error', reject);
    call.end(envelope);
  });
}

/** faultcode, faultstring and axlcode of a SOAP fault body. */
function fault(body: string): { faultcode: string; faultstring: string; axlcode: string } {
  const f = xmlPath(parseXml(body), 'Envelope', 'Body', 'Fault');
  return {
    faultcode: text(xmlPath(f, 'faultcode')),
    faultstring: text(xmlPath(f, 'faultstring')),
    axlcode: text(xmlPath(f, 'detail', 'axlError', 'axlcode')),
  };
}

describe('lab AXL version checks (raw POST)', () => {
  let lab: CucmLab;
  const certs = oldAndNewCertificates();

  beforeAll(async () => {
    lab = await startCucmLab({ axlVersion: '14.0', vpn: { certificates: [certs.old] } });
    lab.seedTrustCertificate(certs.renewed);
  });
  afterAll(async () => lab?.close());
  beforeEach(() => {
    lab.requestLog.length = 0;
  });

  it('answers a matching namespace and SOAPAction (the control for the refusals below)', async () => {
    const ok = await rawAxlPost(lab, axlEnvelope('14.0', getCCMVersionRequest()), '"CUCM:DB ver=14.0 getCCMVersion"');
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('<version>14.0.1.13900-155</version>');
    expect(lab.requestLog).toMatchObject([{ api: 'axl', operation: 'getCCMVersion', status: 200 }]);
  });

  it('refuses a body namespace that differs from the SOAPAction version', async () => {
    const answer = await rawAxlPost(
      lab,
      axlEnvelope('12.5', getCCMVersionRequest()),
      '"CUCM:DB ver=14.0 getCCMVersion"',
    );
    expect(answer.status).toBe(500);
    expect(answer.contentType).toMatch(/^text\/xml/);
    expect(fault(answer.body)).toEqual({
      faultcode: 'soapenv:Client',
      faultstring: 'The request namespace (AXL 12.5) does not match the SOAPAction version 14.0',
      axlcode: '-1',
    });
    expect(lab.requestLog).toMatchObject([{ operation: 'unknown', write: false, status: 500 }]);
  });

  it('refuses a SOAPAction operation that differs from the body, and the write in the body does not happen', async () => {
    const before = lab.state().gateways;
    // A write the lab would accept (the renewal is in Phone-VPN-trust) if it were dispatched.
    const members = [certs.old, certs.renewed].map((pem) => parseCertificate(pem));
    const write = updateVpnGatewayRequest(
      'ASA-PhoneVPN',
      members.map((c) => ({ issuerName: c.issuer.rfc2253, serialNumber: c.serialHex })),
    );
    const accepted = await rawAxlPost(lab, axlEnvelope('14.0', write), '"CUCM:DB ver=14.0 updateVpnGateway"');
    expect(accepted.status).toBe(200);
    expect(lab.state().gateways[0].certificates).toHaveLength(2);
    // Back to the one-certificate list, then the same write under another operation's SOAPAction.
    const restore = updateVpnGatewayRequest('ASA-PhoneVPN', [
      { issuerName: members[0].issuer.rfc2253, serialNumber: members[0].serialHex },
    ]);
    expect((await rawAxlPost(lab, axlEnvelope('14.0', restore), '"CUCM:DB ver=14.0 updateVpnGateway"')).status).toBe(
      200,
    );
    expect(lab.state().gateways).toEqual(before);
    lab.requestLog.length = 0;
    const answer = await rawAxlPost(lab, axlEnvelope('14.0', write), '"CUCM:DB ver=14.0 getVpnGateway"');
    expect(answer.status).toBe(500);
    expect(fault(answer.body)).toEqual({
      faultcode: 'soapenv:Client',
      faultstring: 'SOAPAction getVpnGateway does not match the request updateVpnGateway',
      axlcode: '-1',
    });
    expect(lab.state().gateways).toEqual(before);
    expect(lab.requestLog).toMatchObject([{ operation: 'unknown', write: false, status: 500 }]);
  });

  it.each([
    ['no "CUCM:DB ver="', '"urn:getCCMVersion"'],
    ['a version without a minor', '"CUCM:DB ver=14 getCCMVersion"'],
    ['two operations', '"CUCM:DB ver=14.0 getCCMVersion listPhone"'],
  ])('refuses an invalid SOAPAction: %s', async (_what, soapAction) => {
    const answer = await rawAxlPost(lab, axlEnvelope('14.0', getCCMVersionRequest()), soapAction);
    expect(answer.status).toBe(500);
    expect(fault(answer.body)).toEqual({
      faultcode: 'soapenv:Client',
      faultstring: `Invalid SOAPAction ${soapAction}`,
      axlcode: '-1',
    });
    expect(lab.requestLog).toMatchObject([{ operation: 'unknown', status: 500 }]);
  });
});

describe('AXL 15.0 client against a 15.0 lab', () => {
  let lab: CucmLab;
  beforeAll(async () => {
    lab = await startCucmLab({ axlVersion: '15.0' });
  });
  afterAll(async () => lab?.close());

  it('reads one object with the 15.0 schema', async () => {
    const axl = axlClient(lab, { version: '15.0' });
    expect(await axl.getVpnGateway('ASA-PhoneVPN')).toMatchObject({
      name: 'ASA-PhoneVPN',
      url: 'https://vpn.example.com/PhoneVPN',
    });
    expect(lab.requestLog).toMatchObject([{ api: 'axl', operation: 'getVpnGateway', status: 200 }]);
  });
});
