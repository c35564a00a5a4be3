/** The TLS probe against the lab's phone-facing listener: what phones and EC clients are shown. */
import net from 'node:net';
import { AsaSession } from '../../../devices/asa/session';
import * as cmd from '../../../devices/asa/commands';
import { parseCertificate } from '../../../devices/cert';
import { InvalidInput, TransportError } from '../../../devices/errors';
import { probeAs, probeTls, TlsHandshakeRefused } from '../../../devices/tls-probe';
import { AsaLab, startAsaLab } from '../../../lab/asa';
import { sessionOptions, startLabWithActivities } from './helpers';

async function configure(lab: AsaLab, commands: cmd.AsaCommand[]): Promise<void> {
  const s = await AsaSession.open(sessionOptions(lab));
  try {
    await s.configure(() => s.runAll(commands));
  } finally {
    await s.close();
  }
}

describe('TLS probe vs the lab ASA', () => {
  it('phone ciphers get the certificate of the bound RSA trustpoint', async () => {
    const lab = await startAsaLab();
    try {
      const r = await probeAs('phone', lab.tls.host, lab.tls.port);
      const bound = parseCertificate(lab.boundCertificatePem());
      expect(r).toMatchObject({
        protocol: 'TLSv1.2',
        cipher: 'AES256-SHA',
        offered: ['AES256-SHA', 'AES128-SHA'],
        chainLength: 1,
      });
      expect(r.presented).toMatchObject({
        sha1Base64: bound.sha1Base64,
        sha1Hex: bound.sha1Hex,
        subjectRfc2253: 'unstructuredName=vpn.example.com,CN=vpn.example.com',
        keyType: 'RSA',
      });
      // Without the quirk (CSCuu02848 fixed) an EC-capable client is shown the configured RSA certificate too.
      const ec = await probeAs('ec', lab.tls.host, lab.tls.port);
      expect(ec.cipher).toBe('ECDHE-RSA-AES256-GCM-SHA384');
      expect(ec.presented.sha1Base64).toBe(bound.sha1Base64);
    } finally {
      await lab.close();
    }
  });

  it('ECDSA quirk: an EC client gets a different (EC self-signed) certificate until ssl cipher keeps only RSA suites', async () => {
    const lab = await startAsaLab({ ecdsaQuirk: true });
    try {
      const bound = parseCertificate(lab.boundCertificatePem()).sha1Base64;
      const phone = await probeAs('phone', lab.tls.host, lab.tls.port);
      const ec = await probeAs('ec', lab.tls.host, lab.tls.port);
      expect(phone.presented.sha1Base64).toBe(bound);
      expect(ec.presented.sha1Base64).not.toBe(bound);
      expect(ec).toMatchObject({ cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384' });
      expect(ec.presented).toMatchObject({
        keyType: 'EC',
        keyBits: 256,
        selfSigned: true,
        commonNames: ['ASA Temporary Self Signed Certificate'],
      });

      await configure(lab, [cmd.sslCipher('tlsv1.2', 'custom', 'AES256-SHA:AES128-SHA')]);
      const phoneAfter = await probeAs('phone', lab.tls.host, lab.tls.port);
      const ecAfter = await probeAs('ec', lab.tls.host, lab.tls.port);
      expect(phoneAfter.presented.sha1Base64).toBe(bound);
      expect(ecAfter.presented.sha1Base64).toBe(bound);
      expect(ecAfter.cipher).toBe('AES256-SHA');
    } finally {
      await lab.close();
    }
  });

  it('no EC certificate before 9.4(1), even with the quirk switched on', async () => {
    const lab = await startAsaLab({ ecdsaQuirk: true, version: '9.1(1)' });
    try {
      const ec = await probeAs('ec', lab.tls.host, lab.tls.port);
      expect(ec.presented.keyType).toBe('RSA');
    } finally {
      await lab.close();
    }
  });

  it('phones are refused when AES256-SHA/AES128-SHA are disabled', async () => {
    const lab = await startAsaLab({ phoneCiphersEnabled: false });
    try {
      const err = await probeAs('phone', lab.tls.host, lab.tls.port).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TlsHandshakeRefused);
      expect(err).toMatchObject({ alert: 'handshake_failure', retryable: false });
      expect((await probeAs('ec', lab.tls.host, lab.tls.port)).presented.keyType).toBe('RSA');
    } finally {
      await lab.close();
    }
  });

  it('an interface without a trustpoint presents the ASA temporary self-signed certificate', async () => {
    const lab = await startAsaLab({ initialTrustpoint: null });
    try {
      const r = await probeAs('phone', lab.tls.host, lab.tls.port);
      expect(r.presented.commonNames).toEqual(['ASA Temporary Self Signed Certificate']);
      expect(r.presented.sha1Base64).toBe(parseCertificate(lab.boundCertificatePem()).sha1Base64);
    } finally {
      await lab.close();
    }
  });

  it('the probeTls activity reports which client profile it probed as', async () => {
    const t = await startLabWithActivities({ ecdsaQuirk: true });
    try {
      const ec = await t.run(t.activities.probeTls, { asa: 'asa1', as: 'ec' });
      expect(ec).toMatchObject({ as: 'ec', host: t.lab.tls.host, port: t.lab.tls.port });
      expect(ec.presented.keyType).toBe('EC');
      const phone = await t.run(t.activities.probeTls, { asa: 'asa1', as: 'phone' });
      expect(phone.as).toBe('phone');
      expect(phone.presented.keyType).toBe('RSA');
    } finally {
      await t.close();
    }
  });

  it('validates its input and reports network trouble as retryable', async () => {
    await expect(probeTls({ host: '127.0.0.1', port: 443, ciphers: ['NOT-A-SUITE'] })).rejects.toBeInstanceOf(
      InvalidInput,
    );
    await expect(probeTls({ host: '127.0.0.1', port: 0, ciphers: ['AES256-SHA'] })).rejects.toBeInstanceOf(
      InvalidInput,
    );
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await probeAs('phone', '127.0.0.1', port).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ retryable: true });
    // A server that never answers: the probe gives up.
    const silent = net.createServer((s) => s.on('error', () => {}));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const t = await probeAs('phone', '127.0.0.1', (silent.address() as net.AddressInfo).port, {
        timeoutMs: 300,
      }).catch((e: unknown) => e);
      expect(t).toBeInstanceOf(TransportError);
      expect((t as Error).message).toMatch(/no certificate within 300 ms/);
    } finally {
      silent.close();
    }
  });
});
