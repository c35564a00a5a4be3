/**
 * The Cisco TFTP service's HTTP face (TCP 6970 on CUCM): `GET /SEP<MAC>.cnf.xml(.sgn)` returns the same bytes as
 * TFTP, `ConfigFileCacheList.txt` lists the served files, a missing file is a 404 ("File Not Found – 404" in
 * CUCM's traces), and requests take the same serving slots as TFTP, 503 past the Maximum Serving Count.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfigFileSource, Endpoint } from '../contracts';
import type { ServingQueue } from './serving-queue';
import type { TftpLabKnobs, TransferRecord } from './udp-server';

export interface HttpServerDeps {
  files: ConfigFileSource;
  knobs: TftpLabKnobs;
  queue: ServingQueue;
  record: (r: Omit<TransferRecord, 'at'>) => void;
  host: string;
}

const CACHE_LIST = 'ConfigFileCacheList.txt';

function contentType(file: string): string {
  return /\.xml$/i.test(file) ? 'text/xml' : 'application/octet-stream';
}

function lookupFile(deps: HttpServerDeps, file: string): Buffer | undefined {
  if (file === CACHE_LIST) return Buffer.from(deps.files.listFiles().join('\r\n') + '\r\n');
  if (deps.knobs.missing.has(file)) return undefined;
  return deps.files.readFile(file);
}

function handle(deps: HttpServerDeps, req: http.IncomingMessage, res: http.ServerResponse): void {
  const from = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let file: string;
  try {
    file = decodeURIComponent(new URL(req.url ?? '/', 'http://lab').pathname.slice(1));
  } catch {
    res.writeHead(400).end();
    return;
  }
  const accepted = deps.queue.enter((release) => {
    const respond = () => {
      const body = lookupFile(deps, file);
      if (!body) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('File Not Found\n');
        deps.record({ file, from, channel: 'http', result: 'not-found' });
      } else {
        res.writeHead(200, { 'Content-Type': contentType(file), 'Content-Length': body.length });
        res.end(req.method === 'HEAD' ? undefined : body);
        deps.record({ file, from, channel: 'http', result: 'ok' });
      }
      release();
    };
    if (deps.knobs.latencyMs > 0) setTimeout(respond, deps.knobs.latencyMs);
    else respond();
  });
  if (!accepted) {
    res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '1' }).end('Service Unavailable\n');
    deps.record({ file, from, channel: 'http', result: 'refused' });
  }
}

export class Http6970Server {
  private server?: http.Server;

  constructor(private readonly deps: HttpServerDeps) {}

  listen(port: number): Promise<Endpoint> {
    const server = http.createServer((req, res) => handle(this.deps, req, res));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.deps.host, () => {
        server.off('error', reject);
        resolve({ host: this.deps.host, port: (server.address() as AddressInfo).port });
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
