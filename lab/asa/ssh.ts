/**
 * The ASA's SSH server (ssh2): password or keyboard-interactive login, one CLI per shell channel, no exec.
 * A "wrong host key" fault answers new connections with a different host key, as a man in the middle would.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import net, { AddressInfo } from 'node:net';
import { Connection, Server, utils } from 'ssh2';
import { Endpoint } from '../contracts';
import { AsaCliSession, CliContext } from './cli';

let sharedHostKey: string | undefined;

/** One RSA host key for every lab in the process (an ASA's SSH key is long-lived; generating one costs time). */
export function defaultHostKeyPem(): string {
  sharedHostKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
  return sharedHostKey;
}

export function hostKeyFingerprint(pem: string): string {
  const parsed = utils.parseKey(pem);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return `SHA256:${createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
}

export interface SshCredentials {
  username: string;
  password: string;
}

export class AsaSshServer {
  private readonly front: net.Server;
  private readonly real: Server;
  private impostor?: Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly ctx: CliContext,
    private readonly credentials: SshCredentials,
    hostKeyPem: string,
  ) {
    this.real = this.sshServer(hostKeyPem);
    this.front = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
      // Interactive CLI traffic: small writes, answered at once (no Nagle delay on loopback).
      socket.setNoDelay(true);
      const target = ctx.faults.wrongHostKey ? this.impostorServer() : this.real;
      target.injectSocket(socket);
    });
  }

  async listen(host = '127.0.0.1'): Promise<Endpoint> {
    await new Promise<void>((resolve) => this.front.listen(0, host, resolve));
    return { host, port: (this.front.address() as AddressInfo).port };
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.front.close(() => resolve()));
  }

  private impostorServer(): Server {
    this.impostor ??= this.sshServer(
      generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs1', format: 'pem' })
        .toString(),
    );
    return this.impostor;
  }

  private sshServer(hostKeyPem: string): Server {
    return new Server({ hostKeys: [hostKeyPem], ident: 'SSH-2.0-Cisco-1.25' }, (client) => this.onClient(client));
  }

  private onClient(client: Connection): void {
    const { username, password } = this.credentials;
    client.on('error', () => {});
    client.on('authentication', (auth) => {
      if (auth.method === 'password') {
        return auth.username === username && auth.password === password ? auth.accept() : auth.reject();
      }
      if (auth.method === 'keyboard-interactive') {
        return auth.prompt([{ prompt: 'Password: ', echo: false }], (answers) =>
          auth.username === username && answers[0] === password ? auth.accept() : auth.reject(),
        );
      }
      auth.reject(['password', 'keyboard-interactive']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('pty', (ok) => ok?.());
        session.on('window-change', (ok) => ok?.());
        session.on('env', (ok) => ok?.());
        session.on('exec', (_ok, reject) => reject?.());
        session.on('shell', (ok) => {
          const stream = ok();
          const cli = new AsaCliSession(
            this.ctx,
            (text) => {
              if (stream.writable) stream.write(text);
            },
            () => {
              stream.end();
              client.end();
            },
          );
          stream.on('data', (data: Buffer) => cli.feed(data.toString('utf8')));
          stream.on('close', () => cli.closeSession());
          cli.start();
        });
      });
    });
  }
}
