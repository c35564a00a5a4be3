/**
 * HTTPS transport shared by the CUCM clients: axios over the pinned agent, Basic auth, and reuse of Tomcat's
 * JSESSIONID/JSESSIONIDSSO cookies so CUCM does not re-authenticate every call. One attempt per request: retries
 * belong to Temporal's retry policy, never to this layer.
 */
import https from 'node:https';
import axios, { AxiosError, AxiosInstance } from 'axios';
import { PinMismatch, TransportError } from '../errors';
import { createCucmAgent, CucmTls, PIN_MISMATCH_CODE } from './tls-pin';

export interface CucmHttpOptions {
  host: string;
  port: number;
  tls: CucmTls;
  username: string;
  password: string;
  timeoutMs?: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const SESSION_COOKIES = /^(JSESSIONID|JSESSIONIDSSO)$/;
const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

export class CucmHttp {
  private agent: Promise<https.Agent> | undefined;
  private readonly cookies = new Map<string, string>();
  private readonly axios: AxiosInstance;

  constructor(private readonly opts: CucmHttpOptions) {
    this.axios = axios.create({
      baseURL: `https://${opts.host}:${opts.port}`,
      timeout: opts.timeoutMs ?? 60_000,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      auth: { username: opts.username, password: opts.password },
    });
  }

  /** Cookies currently reused (names only), for tests and diagnostics. */
  sessionCookieNames(): string[] {
    return [...this.cookies.keys()];
  }

  private getAgent(): Promise<https.Agent> {
    if (!this.agent) {
      this.agent = createCucmAgent({ host: this.opts.host, port: this.opts.port, tls: this.opts.tls });
      // A failed probe must not stick: the next activity attempt probes again.
      this.agent.catch(() => (this.agent = undefined));
    }
    return this.agent;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const httpsAgent = await this.getAgent();
    const headers: Record<string, string> = { ...req.headers };
    if (this.cookies.size > 0) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    try {
      const res = await this.axios.request<string>({
        method: req.method,
        url: req.path,
        data: req.body,
        headers,
        httpsAgent,
      });
      this.keepSessionCookies(res.headers['set-cookie']);
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers))
        flat[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
      return {
        status: res.status,
        headers: flat,
        body: typeof res.data === 'string' ? res.data : String(res.data ?? ''),
      };
    } catch (err) {
      throw this.transportError(err as AxiosError);
    }
  }

  private keepSessionCookies(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      if (SESSION_COOKIES.test(name)) this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  private transportError(err: AxiosError): Error {
    const code = err.code ?? (err.cause as NodeJS.ErrnoException | undefined)?.code;
    const where = `${this.opts.host}:${this.opts.port}`;
    if (code === PIN_MISMATCH_CODE) {
      this.agent = undefined;
      const expected = 'sha256' in this.opts.tls ? this.opts.tls.sha256 : 'CA file';
      return new PinMismatch(`CUCM ${where}: ${err.message}`, expected, 'a different certificate');
    }
    if (code && TLS_VERIFY_CODES.has(code)) {
      return new PinMismatch(
        `CUCM ${where}: TLS verification failed (${code})`,
        'certificate issued by the CA file',
        code,
      );
    }
    // No `cause`: an AxiosError carries the request config, Basic-auth password included.
    return new TransportError(`CUCM ${where}: ${code ?? 'network error'}: ${err.message}`);
  }
}
