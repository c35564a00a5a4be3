/** The lab's network faults for UDP: every datagram in either direction may be dropped or delayed. */
import type dgram from 'node:dgram';
import type { Random } from './random';

export interface LinkKnobs {
  /** Share of datagrams lost, 0-100, applied to what the server sends and to what it receives. */
  lossPercent: number;
  /** Delay added to every datagram the server sends. */
  latencyMs: number;
}

export class LossyLink {
  dropped = 0;

  constructor(
    private readonly knobs: LinkKnobs,
    private readonly random: Random,
  ) {}

  private lost(): boolean {
    if (this.knobs.lossPercent <= 0) return false;
    const lost = this.random() * 100 < this.knobs.lossPercent;
    if (lost) this.dropped += 1;
    return lost;
  }

  /** True when an arriving datagram is lost on the way in. */
  dropIncoming(): boolean {
    return this.lost();
  }

  send(socket: dgram.Socket, packet: Buffer, port: number, address: string): void {
    if (this.lost()) return;
    const deliver = () => {
      try {
        socket.send(packet, port, address);
      } catch {
        // The transfer ended (socket closed) while the packet was in flight: it is lost, as on a real link.
      }
    };
    if (this.knobs.latencyMs > 0) setTimeout(deliver, this.knobs.latencyMs).unref();
    else deliver();
  }
}
