/**
 * HTTP reader for the files the Cisco TFTP service also serves on TCP 6970 (`http://<tftp>:6970/<file>`): the
 * second channel for config verification (TCP, no lock-step). Same errors as the TFTP client: 404 is final,
 * 503 (serving count exhausted) is worth a retry later.
 */
import http from 'node:http';
import { InvalidInput, TransportError } from '../errors';
import { ConfigFileNotFound, FileTooLarge, TftpRefused, TftpServerBusy } from './errors';

export interface HttpGetOptions {
  host: string;
  /** 6970 on CUCM. */
  port?: number;
  file: string;
  timeoutMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface HttpGetResult {
  file: string;
  data: Buffer;
  status: number;
  elapsedMs: number;
}

const DEFAULT_PORT = 6970;

/** Each path segment is percent-encoded; `..` can never climb out of the TFTP root. */
function filePath(file: string): string {
  if (!/^[\x21-\x7e]{1,255}$/.test(file) || file.split('/').some((seg) => seg === '..' || seg === '')) {
    throw new InvalidInput('file name must be 1-255 printable ASCII characters, without empty or ".." segments');
  }
  return `/${file.split('/').map(encodeURIComponent).join('/')}`;
}

function statusError(file: string, status: number): Error {
  if (status === 404) return new ConfigFileNotFound(file, 'HTTP 404');
  if (status === 503) return new TftpServerBusy(`${file}: server cannot serve now (HTTP 503)`);
  if (status >= 500) return new TransportError(`${file}: HTTP ${status}`);
  return new TftpRefused(`${file}: HTTP ${status}`, status);
}

export async function httpGetFile(opts: HttpGetOptions): Promise<HttpGetResult> {
  const path = filePath(opts.file);
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: opts.host,
        port: opts.port ?? DEFAULT_PORT,
        path,
        timeout: opts.timeoutMs ?? 10_000,
        signal: opts.signal,
        headers: { Connection: 'close' },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          res.resume();
          return reject(statusError(opts.file, status));
        }
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > maxBytes) {
          res.destroy();
          return reject(new FileTooLarge(`${opts.file}: ${declared} bytes exceeds the cap of ${maxBytes}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new FileTooLarge(`${opts.file}: larger than the cap of ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ file: opts.file, data: Buffer.concat(chunks), status, elapsedMs: Date.now() - started }),
        );
        res.on('error', (err) => reject(new TransportError(`${opts.file}: HTTP read failed: ${err.message}`)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 10_000} ms`)));
    req.on('error', (err) => {
      if (opts.signal?.aborted) return reject(opts.signal.reason ?? err);
      reject(new TransportError(`${opts.file}: HTTP ${opts.host}:${opts.port ?? DEFAULT_PORT}: ${err.message}`));
    });
  });
}
