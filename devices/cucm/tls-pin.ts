/**
 * One https.Agent per CUCM node, verified the way the inventory says: against a CA file, or against a SHA-256 pin of
 * the Tomcat leaf certificate (CUCM nodes are often addressed by IP and run self-signed Tomcat certificates, so a
 * name check would fail where a pin is exact). Shared by the AXL, certmgr and RisPort clients.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { isIP } from 'node:net';
import tls, { PeerCertificate } from 'node:tls';
import { derToPem } from '../cert';
import { InvalidInput, PinMismatch, TransportError } from '../errors';

export type CucmTls = { caFile: string } | { sha256: string };

export interface PinnedAgentTarget {
  host: string;
  port: number;
  tls: CucmTls;
  /** Handshake timeout for the pin probe. */
  timeoutMs?: number;
}

/** Error code carried by a pin failure raised inside the TLS stack, so HTTP clients can map it back. */
export const PIN_MISMATCH_CODE = 'ERR_CERTROLL_PIN_MISMATCH';

/** OpenSSH-style fingerprint of a DER certificate: `SHA256:` + unpadded base64. */
export function sha256Pin(der: Buffer): string {
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

function samePin(a: string, b: string): boolean {
  return a.replace(/=+$/, '') === b.replace(/=+$/, '');
}

/**
 * Fetch the certificate the server presents. Handshake only: the socket is destroyed as soon as the handshake ends
 * and no application data is ever written, which is why verification may be off here (and only here).
 */
export function fetchPresentedCertificate(host: string, port: number, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: isIP(host) ? undefined : host,
      // Handshake-only probe: no application data is sent; the presented leaf is compared with the pin afterwards.
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TransportError(`TLS handshake with ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      socket.destroy();
      if (!cert?.raw) reject(new TransportError(`${host}:${port} presented no certificate`));
      else resolve(cert.raw);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new TransportError(`TLS handshake with ${host}:${port} failed: ${err.message}`, { cause: err }));
    });
  });
}

function agentFromCaFile(caFile: string): https.Agent {
  let ca: string;
  try {
    ca = readFileSync(caFile, 'utf8');
  } catch (err) {
    throw new InvalidInput(`cannot read the CUCM CA file ${caFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return new https.Agent({ ca, rejectUnauthorized: true, keepAlive: true, maxSockets: 4 });
}

/** The leaf must still be the pinned one on every later connection (a re-keyed node is refused, not trusted). */
function pinnedIdentityCheck(pin: string) {
  return (_host: string, cert: PeerCertificate): Error | undefined => {
    const actual = sha256Pin(cert.raw);
    if (samePin(actual, pin)) return undefined;
    const err = new Error(`certificate SHA-256 ${actual} does not match the pinned ${pin}`) as NodeJS.ErrnoException;
    err.code = PIN_MISMATCH_CODE;
    return err;
  };
}

async function agentFromPin(host: string, port: number, pin: string, timeoutMs?: number): Promise<https.Agent> {
  const der = await fetchPresentedCertificate(host, port, timeoutMs);
  const actual = sha256Pin(der);
  if (!samePin(actual, pin)) {
    throw new PinMismatch(
      `CUCM ${host}:${port} presented a certificate whose SHA-256 does not match the inventory pin`,
      pin,
      actual,
    );
  }
  new X509Certificate(der); // throws on garbage before it becomes a trust anchor
  return new https.Agent({
    ca: derToPem(der),
    rejectUnauthorized: true,
    // The pinned leaf is the trust anchor even when a CA issued it (Node >= 20.18; older Node fails closed).
    allowPartialTrustChain: true,
    checkServerIdentity: pinnedIdentityCheck(pin),
    keepAlive: true,
    maxSockets: 4,
  });
}

/** Build the agent for one CUCM node. A pin mismatch throws PinMismatch before any request is sent. */
export async function createCucmAgent(target: PinnedAgentTarget): Promise<https.Agent> {
  if ('caFile' in target.tls) return agentFromCaFile(target.tls.caFile);
  return agentFromPin(target.host, target.port, target.tls.sha256, target.timeoutMs);
}
