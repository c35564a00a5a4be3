/**
 * The TLS handshake a VPN phone makes to the ASA: only AES256-SHA and AES128-SHA (7962G firmware 9.1.1 per the
 * seed doc), TLS 1.0-1.2, the URL host as SNI when it is a name. Returns the presented leaf certificate.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Endpoint } from '../contracts';

export const PHONE_CIPHERS = 'AES256-SHA:AES128-SHA';

export interface PhoneHandshake {
  leafDer: Buffer;
  cipher: string;
  protocol: string;
}

export function phoneHandshake(
  target: Endpoint,
  urlHost: string | undefined,
  timeoutMs = 10_000,
): Promise<PhoneHandshake> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      servername: urlHost && net.isIP(urlHost) === 0 ? urlHost : undefined,
      ciphers: PHONE_CIPHERS,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.2',
      // A VPN phone trusts the ASA by hash pinning, never by a CA (domain.md §0): the caller compares the
      // presented leaf's SHA-1 with the certHash list before the tunnel carries anything. Lab-only code.
      rejectUnauthorized: false,
    });
    const timer = setTimeout(
      () => socket.destroy(new Error(`TLS handshake timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const peer = socket.getPeerCertificate();
      const cipher = socket.getCipher();
      const protocol = socket.getProtocol() ?? 'unknown';
      socket.destroy();
      if (!peer?.raw) return reject(new Error('the ASA presented no certificate'));
      resolve({ leafDer: peer.raw, cipher: cipher.standardName ?? cipher.name, protocol });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
