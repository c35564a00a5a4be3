/** A local webhook endpoint for notification tests: `/hook` records JSON bodies, `/broken` always answers 500. */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotificationPayload } from '../../activities/notify';

export interface WebhookReceiver {
  url: string;
  failingUrl: string;
  received: NotificationPayload[];
  readonly failed: number;
  close(): Promise<void>;
}

export async function webhookReceiver(): Promise<WebhookReceiver> {
  const received: NotificationPayload[] = [];
  let failed = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/broken') {
        failed++;
        res.writeHead(500).end('down for maintenance');
        return;
      }
      received.push(JSON.parse(body) as NotificationPayload);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    failingUrl: `http://127.0.0.1:${port}/broken`,
    received,
    get failed() {
      return failed;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
