/**
 * The CUCM pin probe: the Tomcat leaf is read from the Certificate message answering a ClientHello (devices/tls-probe),
 * never from a TLS session with verification switched off. It must see what the pinned https.Agent will see, reach
 * both current and narrowed (plain-RSA) Tomcat cipher lists, and fail closed where it cannot read the certificate.
 */
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { toDer } from '../../../devices/cert';
import {
  createCucmAgent,
  CUCM_PROBE_CIPHERS,
  fetchPresentedCertificate,
  sha256Pin,
} from '../../../devices/cucm/tls-pin';
import { PinMismatch, TransportError } from '../../../devices/errors';
import { CIPHER_CODES } from '../../../devices/tls-probe';
import { CucmLab, issueCertificate, startCucmLab } from '../../../lab/cucm';
import { testKey } from './helpers';

const NAME_OF_CODE = new Map(Object.entries(CIPHER_CODES).map(([name, code]) => [code, name]));

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The first ClientHello a client sends to a listener that never answers, as the cipher suite codes it offers. */
async function offeredSuites(connect: (port: number) => void): Promise<number[]> {
  let seen: (hello: Buffer) => void = () => undefined;
  const hello = new Promise<Buffer>((resolve) => (seen = resolve));
  const server = net.createServer((socket) => {
    let data = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 5 && data.length >= 5 + data.readUInt16BE(3)) {
        seen(data.subarray(5, 5 + data.readUInt16BE(3)));
        socket.destroy();
      }
    });
  });
  const port = await listen(server);
  try {
    connect(port);
    const body = (await hello).subarray(4); // handshake header: type, 24-bit length
    const sessionIdLength = body[34];
    const at = 35 + sessionIdLength;
    const length = body.readUInt16BE(at);
    const suites: number[] = [];
    for (let i = 0; i < length; i += 2) suites.push(body.readUInt16BE(at + 2 + i));
    return suites;
  } finally {
    await close(server);
  }
}

describe('the CUCM pin probe', () => {
  let lab: CucmLab;
  const leaf = issueCertificate({
    subject: [{ key: 'CN', value: 'cucm-probe.lab' }],
    ipAddresses: ['127.0.0.1'],
    key: testKey(),
  });

  beforeAll(async () => {
    lab = await startCucmLab();
  });
  afterAll(async () => lab?.close());

  it("reads the lab Tomcat's leaf without an HTTP request, and the pinned agent then verifies it", async () => {
    const der = await fetchPresentedCertificate(lab.https.host, lab.https.port);
    expect(sha256Pin(der)).toBe(lab.tlsSha256Pin);
    // The lab presents leaf + CA: the probe hands back the leaf, not the CA.
    expect(sha256Pin(der)).not.toBe(sha256Pin(toDer(lab.caPem)));
    await expect(
      createCucmAgent({ host: lab.https.host, port: lab.https.port, tls: { sha256: sha256Pin(Buffer.from('x')) } }),
    ).rejects.toBeInstanceOf(PinMismatch);
    expect(lab.requestLog).toEqual([]);
    // The pin becomes the agent's only trust anchor; a real request then goes through full verification.
    const agent = await createCucmAgent({
      host: lab.https.host,
      port: lab.https.port,
      tls: { sha256: lab.tlsSha256Pin },
    });
    try {
      const status = await new Promise<number | undefined>((resolve, reject) =>
        https
          .get({ host: lab.https.host, port: lab.https.port, path: '/axl/', agent }, (res) => {
            res.resume();
            resolve(res.statusCode);
          })
          .on('error', reject),
      );
      expect(status).toBe(401);
      expect(lab.requestLog).toHaveLength(1);
    } finally {
      agent.destroy();
    }
  });

  it("offers the https.Agent's own TLS 1.2 suites in its order, so both are shown the same certificate", async () => {
    const node = await offeredSuites((port) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca: leaf.pem });
      socket.on('error', () => undefined);
    });
    const probe = await offeredSuites(
      (port) => void fetchPresentedCertificate('127.0.0.1', port, 5_000).catch(() => 0),
    );
    const named = (codes: number[]) => codes.map((c) => NAME_OF_CODE.get(c)).filter((n): n is string => !!n);
    expect(named(probe)).toEqual([...CUCM_PROBE_CIPHERS]);
    expect(named(node)).toEqual([...CUCM_PROBE_CIPHERS]);
  });

  it('reaches a Tomcat narrowed to plain-RSA AES suites over TLS 1.2', async () => {
    const server = tls.createServer({
      key: testKey().privateKeyPem,
      cert: leaf.pem,
      ciphers: 'AES256-SHA:AES128-SHA',
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
    });
    server.on('tlsClientError', () => undefined);
    const port = await listen(server);
    try {
      expect(sha256Pin(await fetchPresentedCertificate('127.0.0.1', port))).toBe(sha256Pin(toDer(leaf.pem)));
    } finally {
      await close(server);
    }
  });

  it('fails closed, as a retryable TransportError, where the certificate cannot be read: TLS 1.3 only, nothing listening', async () => {
    const server = tls.createServer({ key: testKey().privateKeyPem, cert: leaf.pem, minVersion: 'TLSv1.3' });
    server.on('tlsClientError', () => undefined);
    const port = await listen(server);
    try {
      const tls13 = await fetchPresentedCertificate('127.0.0.1', port).catch((e: unknown) => e);
      expect(tls13).toBeInstanceOf(TransportError);
      expect(tls13).toMatchObject({ retryable: true, message: expect.stringMatching(/protocol_version/) });
    } finally {
      await close(server);
    }
    const refused = await fetchPresentedCertificate('127.0.0.1', port).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportError);
    expect((refused as Error).message).toMatch(/ECONNREFUSED/);
  });
});
