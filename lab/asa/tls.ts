/**
 * The phone-facing TLS listener: presents the certificate of the trustpoint bound to the interface (or the ASA's
 * temporary self-signed one), with the cipher list from `ssl cipher tlsv1.2 …`. With the 9.4+ ECDSA quirk on
 * (no CSCuu02848 fix) an EC self-signed certificate is also loaded, so a client that offers ECDHE-ECDSA suites
 * is shown it unless the cipher list keeps only RSA suites (seed doc's matrix).
 */
import { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import { suitesOf } from '../../devices/asa/ciphers';
import { EC_TLS_SINCE, versionAtLeast } from '../../devices/asa/version';
import { Endpoint } from '../contracts';
import { AsaLabState } from './state';

/** What the interface presents to RSA clients: PEM of the leaf (and the CA after it when known) and its key. */
export function presentedRsa(state: AsaLabState, iface: string): { keyPem: string; chainPem: string; leafPem: string } {
  const name = state.boundTrustpoint(iface);
  const tp = name ? state.trustpoints.get(name) : undefined;
  const key = tp && state.keyOf(tp);
  if (tp?.identity && key) {
    return {
      keyPem: key.pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      chainPem: tp.identity.pem + (tp.ca?.pem ?? ''),
      leafPem: tp.identity.pem,
    };
  }
  const temp = state.temporaryCertificate('rsa');
  return {
    keyPem: temp.key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    chainPem: temp.cert.pem,
    leafPem: temp.cert.pem,
  };
}

export function ecQuirkActive(state: AsaLabState): boolean {
  return (
    state.ecdsaQuirk &&
    versionAtLeast(state.version, EC_TLS_SINCE) &&
    suitesOf(state.tls12Ciphers()).some((s) => s.startsWith('ECDHE-ECDSA'))
  );
}

function contextOptions(state: AsaLabState): tls.SecureContextOptions {
  const rsa = presentedRsa(state, state.iface);
  const keys = [rsa.keyPem];
  const certs = [rsa.chainPem];
  if (ecQuirkActive(state)) {
    const ec = state.temporaryCertificate('ec');
    keys.push(ec.key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    certs.push(ec.cert.pem);
  }
  return {
    key: keys,
    cert: certs,
    ciphers: suitesOf(state.tls12Ciphers()).join(':'),
    honorCipherOrder: true,
    minVersion: 'TLSv1.2',
    maxVersion: 'TLSv1.2',
  };
}

export class AsaTlsListener {
  private readonly server: tls.Server;
  private readonly sockets = new Set<Socket>();
  private readonly unsubscribe: () => void;

  constructor(private readonly state: AsaLabState) {
    this.server = tls.createServer(contextOptions(state), (socket) => {
      socket.on('error', () => {});
      // The WebVPN portal answers; phones and probes only care about the handshake.
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('tlsClientError', () => {});
    this.unsubscribe = state.onChange(() => this.server.setSecureContext(contextOptions(this.state)));
  }

  async listen(host = '127.0.0.1'): Promise<Endpoint> {
    await new Promise<void>((resolve) => this.server.listen(0, host, resolve));
    return { host, port: (this.server.address() as AddressInfo).port };
  }

  async close(): Promise<void> {
    this.unsubscribe();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
