/**
 * Fetch a phone's config the way the phone does: `SEP<MAC>.cnf.xml.sgn` first (every phone with an ITL asks for
 * the signed file), the plain `SEP<MAC>.cnf.xml` only when CUCM has no signed one. Over TFTP or HTTP 6970.
 */
import { InvalidInput } from '../errors';
import { tftpGet, type TftpGetOptions } from './client';
import { ConfigFileNotFound } from './errors';
import { httpGetFile } from './http-6970';

export type ConfigChannel = 'tftp' | 'http';

export interface ConfigServer {
  host: string;
  /** TFTP request port (69). */
  port?: number;
  /** HTTP port of the TFTP service (6970), needed for the http channel. */
  httpPort?: number;
}

export interface FetchedConfig {
  file: string;
  bytes: Buffer;
  channel: ConfigChannel;
}

/** Config files are 5-20 KB; anything near this is not a phone config. */
export const CONFIG_MAX_BYTES = 1024 * 1024;

/** CUCM device names: SEP + MAC for phones; other prefixes exist (CSF, BOT, TCT…). */
export const DEVICE_NAME = /^[A-Za-z0-9_-]{1,50}$/;

export function configFileNames(deviceName: string): [signed: string, plain: string] {
  if (!DEVICE_NAME.test(deviceName)) throw new InvalidInput(`not a CUCM device name: ${JSON.stringify(deviceName)}`);
  return [`${deviceName}.cnf.xml.sgn`, `${deviceName}.cnf.xml`];
}

export interface ReadConfigOptions {
  channel?: ConfigChannel;
  signal?: AbortSignal;
  maxBytes?: number;
  /** TFTP timer settings (timeouts, retries). */
  tftp?: Omit<TftpGetOptions, 'host' | 'port' | 'file' | 'signal' | 'maxBytes'>;
}

export async function readConfigFile(
  server: ConfigServer,
  file: string,
  opts: ReadConfigOptions = {},
): Promise<Buffer> {
  const maxBytes = opts.maxBytes ?? CONFIG_MAX_BYTES;
  if ((opts.channel ?? 'tftp') === 'http') {
    if (!server.httpPort) throw new InvalidInput(`no HTTP port configured for TFTP server ${server.host}`);
    return (await httpGetFile({ host: server.host, port: server.httpPort, file, signal: opts.signal, maxBytes })).data;
  }
  return (
    await tftpGet({ ...opts.tftp, host: server.host, port: server.port ?? 69, file, signal: opts.signal, maxBytes })
  ).data;
}

/** The signed config, else the plain one; ConfigFileNotFound when CUCM has neither. */
export async function fetchPhoneConfig(
  server: ConfigServer,
  deviceName: string,
  opts: ReadConfigOptions = {},
): Promise<FetchedConfig> {
  const channel = opts.channel ?? 'tftp';
  const [signed, plain] = configFileNames(deviceName);
  try {
    return { file: signed, bytes: await readConfigFile(server, signed, opts), channel };
  } catch (err) {
    if (!(err instanceof ConfigFileNotFound)) throw err;
  }
  try {
    return { file: plain, bytes: await readConfigFile(server, plain, opts), channel };
  } catch (err) {
    if (err instanceof ConfigFileNotFound)
      throw new ConfigFileNotFound(deviceName, `neither ${signed} nor ${plain} exists`);
    throw err;
  }
}
