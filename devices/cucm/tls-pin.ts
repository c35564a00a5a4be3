/**
 * One https.Agent per CUCM node, verified the way the inventory says: against a CA file, or against a SHA-256 pin of
 * the Tomcat leaf certificate (CUCM nodes are often addressed by IP and run self-signed Tomcat certificates, so a
 * name check would fail where a pin is exact). Shared by the AXL, certmgr and RisPort clients.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { PeerCertificate } from 'node:tls';
import { derToPem, toDer } from '../cert';
import { InvalidInput, PinMismatch, TransportError } from '../errors';
import { probeTls, TlsHandshakeRefused, TlsProbeResult } from '../tls-probe';

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
 * The TLS 1.2 suites the pin probe offers: Node's default client list (`tls.DEFAULT_CIPHERS` expanded for TLS 1.2,
 * what the https.Agent itself offers) in its order, restricted to the suites the probe can name. That keeps both the
 * ECDHE suites of current Tomcat and the plain-RSA AES suites a Cipher Management list may narrow HTTPS TLS down to,
 * and a TLS 1.2 server choosing by the same offer shows the probe the certificate it shows the agent (RSA or ECDSA
 * Tomcat). The agent re-checks the pin on every connection anyway, so any difference fails closed (PinMismatch).
 */
export const CUCM_PROBE_CIPHERS: readonly string[] = [
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'DHE-RSA-AES128-SHA256',
  'ECDHE-RSA-AES256-SHA384',
  'DHE-RSA-AES256-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA',
  'DHE-RSA-AES256-SHA',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'DHE-RSA-AES128-SHA',
  'AES256-GCM-SHA384',
  'AES128-GCM-SHA256',
  'AES256-SHA256',
  'AES128-SHA256',
  'AES256-SHA',
  'AES128-SHA',
];

/**
 * Fetch the certificate the server presents, without a TLS session: the probe (devices/tls-probe.ts) sends a
 * ClientHello offering TLS 1.2 at most (in 1.3 the certificate is encrypted), reads the Certificate message and
 * closes. Nothing is decrypted, nothing is sent after the ClientHello and no certificate verification is switched
 * off anywhere: the leaf is only compared with the pin, and the agent built from it verifies every real connection.
 * A CUCM whose Tomcat accepts TLS 1.3 only cannot be pinned this way and fails closed (TransportError).
 */
export async function fetchPresentedCertificate(host: string, port: number, timeoutMs = 10_000): Promise<Buffer> {
  let result: TlsProbeResult;
  try {
    result = await probeTls({
      host,
      port,
      ciphers: [...CUCM_PROBE_CIPHERS],
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      timeoutMs,
    });
  } catch (err) {
    if (err instanceof InvalidInput) throw err;
    const why = err instanceof TlsHandshakeRefused ? `the server refused it (${err.alert})` : (err as Error).message;
    throw new TransportError(`TLS handshake with ${host}:${port} failed: ${why}`, { cause: err });
  }
  return toDer(result.presented.pem);
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
    // The pinned leaf is the trust anchor even when a CA issued it. Node 20.18 / 22.9 added this option (package.json
    // engines); a Node without it ignores it and fails closed (the chain does not reach a self-signed root).
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
