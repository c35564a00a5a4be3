/**
 * A hand-driven TFTP server for tests that need exact packet sequences (duplicates, strays, ERROR 8): every
 * datagram the client sends is recorded, and the test decides what to answer and from which port.
 */
import dgram from 'node:dgram';
import { decodePacket, type TftpPacket } from '../../../devices/tftp/packets';

export interface Received {
  packet: TftpPacket;
  from: { address: string; port: number };
  on: 'request' | 'transfer' | 'stray';
}

export interface ScriptedPeer {
  requestPort: number;
  /** Sockets: the request port, the transfer ID port, and an unrelated "stray" port. */
  request: dgram.Socket;
  transfer: dgram.Socket;
  stray: dgram.Socket;
  received: Received[];
  /** Resolve when a packet matching the predicate has been received (or reject after timeoutMs). */
  waitFor(pred: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
  close(): void;
}

function bindSocket(): Promise<dgram.Socket> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => resolve(s));
  });
}

export async function startScriptedPeer(): Promise<ScriptedPeer> {
  const [request, transfer, stray] = await Promise.all([bindSocket(), bindSocket(), bindSocket()]);
  const received: Received[] = [];
  const waiters: Array<{ pred: (r: Received) => boolean; resolve: (r: Received) => void }> = [];
  const listen = (socket: dgram.Socket, on: Received['on']) =>
    socket.on('message', (msg, rinfo) => {
      const r: Received = { packet: decodePacket(msg), from: { address: rinfo.address, port: rinfo.port }, on };
      received.push(r);
      for (const w of [...waiters]) {
        if (w.pred(r)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(r);
        }
      }
    });
  listen(request, 'request');
  listen(transfer, 'transfer');
  listen(stray, 'stray');
  return {
    requestPort: request.address().port,
    request,
    transfer,
    stray,
    received,
    waitFor(pred, timeoutMs = 5000) {
      const already = received.find(pred);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('scripted peer: expected packet did not arrive')), timeoutMs);
        waiters.push({
          pred,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        });
      });
    },
    close() {
      for (const s of [request, transfer, stray]) s.close();
    },
  };
}
