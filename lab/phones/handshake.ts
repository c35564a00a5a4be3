/**
 * The TLS handshake a VPN phone makes to the ASA: only AES256-SHA and AES128-SHA (7962G firmware 9.1.1 per the
 * seed doc), TLS 1.0-1.2, the URL host as SNI when it is a name. Returns the presented leaf certificate.
 *
 * A VPN phone trusts the ASA by hash pinning, never by a CA (domain.md §0): the caller compares the presented leaf's
 * SHA-1 with the certHash list before the tunnel carries anything. So the simulated phone only needs what the ASA
 * presents, and reads it with the project's ClientHello probe (devices/tls-probe.ts, profile `phone`): the same
 * offer, no TLS session, no certificate verification to switch off.
 */
import net from 'node:net';
import { toDer } from '../../devices/cert';
import { probeAs } from '../../devices/tls-probe';
import type { Endpoint } from '../contracts';

export interface PhoneHandshake {
  leafDer: Buffer;
  /** OpenSSL name of the suite the ASA chose, e.g. `AES256-SHA`. */
  cipher: string;
  /** `TLSv1`, `TLSv1.1` or `TLSv1.2`. */
  protocol: string;
}

/** What the probe accepts as SNI (a DNS name); anything else is not sent, as a phone would not send it. */
const SNI_NAME = /^[A-Za-z0-9.-]{1,253}$/;

export async function phoneHandshake(
  target: Endpoint,
  urlHost: string | undefined,
  timeoutMs = 10_000,
): Promise<PhoneHandshake> {
  const servername = urlHost && net.isIP(urlHost) === 0 && SNI_NAME.test(urlHost) ? urlHost : undefined;
  const result = await probeAs('phone', target.host, target.port, { servername, timeoutMs });
  return { leafDer: toDer(result.presented.pem), cipher: result.cipher, protocol: result.protocol };
}
