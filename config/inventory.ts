/**
 * The inventory: which ASA headends, CUCM clusters and VPN gateways certroll manages.
 * Validated with zod at the edge; secrets are references (`env:NAME`, `file:/path`) that only the worker resolves.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';

export const IDENTIFIER = /^[A-Za-z0-9._-]{1,64}$/;
const HOSTNAME =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
/** OpenSSH-style SHA-256 fingerprint: `SHA256:` + unpadded base64 of 32 bytes (43 characters). */
export const SHA256_PIN = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
/** A secret reference: never the secret itself. */
export const SECRET_REF = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/[^\0\n]+)$/;

const name = z.string().regex(IDENTIFIER, 'expected a name of letters, digits, ".", "_" or "-" (1-64 characters)');
const host = z.string().refine((h) => IPV4.test(h) || HOSTNAME.test(h), 'expected a host name or IPv4 address');
const port = z.number().int().min(1).max(65535);
const secretRef = z
  .string()
  .regex(SECRET_REF, 'expected a secret reference "env:NAME" or "file:/absolute/path", never the secret itself');
const sha256Pin = z.string().regex(SHA256_PIN, 'expected SHA256:<base64>');
const httpsUrl = z.string().refine((u) => {
  try {
    const parsed = new URL(u);
    return parsed.protocol === 'https:' && parsed.hostname.length > 0;
  } catch {
    return false;
  }
}, 'expected an https:// URL');
const httpUrl = z.string().refine((u) => {
  try {
    return ['http:', 'https:'].includes(new URL(u).protocol);
  } catch {
    return false;
  }
}, 'expected an http(s):// URL');

export const AsaSchema = z
  .object({
    host,
    port: port.default(22),
    username: z.string().min(1).max(64),
    password: secretRef,
    enablePassword: secretRef,
    hostKeySha256: sha256Pin,
    interface: name.default('outside'),
    tlsHost: host.optional(),
    tlsPort: port.default(443),
    vpnUrls: z.array(httpsUrl).min(1),
  })
  .strict();

export const TlsPinSchema = z.union([
  z.object({ caFile: z.string().min(1) }).strict(),
  z.object({ sha256: sha256Pin }).strict(),
]);

export const TftpServerSchema = z
  .object({
    host,
    port: port.default(69),
    httpPort: port.optional(),
    /** How many of CUCM's 5 TFTP serving slots certroll may use at once (phones need the rest). */
    slots: z.number().int().min(1).max(5).default(3),
  })
  .strict();

export const AXL_VERSIONS = ['12.5', '14.0', '15.0'] as const;

export const CucmSchema = z
  .object({
    publisher: host,
    port: port.default(8443),
    axlVersion: z.enum(AXL_VERSIONS),
    axlUser: z.string().min(1),
    axlPassword: secretRef,
    platformUser: z.string().min(1),
    platformPassword: secretRef,
    tls: TlsPinSchema,
    tftpServers: z.array(TftpServerSchema).min(1),
    /** RisPort70 allows 15 queries a minute per cluster by default; keep a margin for other tools. */
    risportQueriesPerMinute: z.number().int().min(1).max(18).default(12),
    /** AXL calls in flight at once (Cisco advises sequential or a small pool). */
    axlConcurrency: z.number().int().min(1).max(3).default(2),
  })
  .strict();

export const GatewaySchema = z
  .object({
    asa: name,
    cluster: name,
  })
  .strict();

export const WebhookSchema = z
  .object({
    /** An http(s) URL, or a secret reference to one (Slack/Teams webhook URLs are credentials). */
    url: z.union([httpUrl, secretRef]),
    /** json: the structured event plus `text`; slack: `{text}`; teams: a message with an Adaptive Card of the text. */
    format: z.enum(['json', 'slack', 'teams']).default('json'),
  })
  .strict();

export const InventorySchema = z
  .object({
    asa: z.record(name, AsaSchema),
    cucm: z.record(name, CucmSchema),
    gateways: z.record(name, GatewaySchema),
    notifications: z
      .object({ webhooks: z.array(WebhookSchema).default([]) })
      .strict()
      .optional(),
    temporal: z.object({ uiUrl: httpUrl.optional() }).strict().optional(),
  })
  .strict()
  .superRefine((inv, ctx) => {
    for (const [gw, g] of Object.entries(inv.gateways)) {
      if (!(g.asa in inv.asa)) {
        ctx.addIssue({ code: 'custom', path: ['gateways', gw, 'asa'], message: `unknown ASA "${g.asa}"` });
      }
      if (!(g.cluster in inv.cucm)) {
        ctx.addIssue({
          code: 'custom',
          path: ['gateways', gw, 'cluster'],
          message: `unknown CUCM cluster "${g.cluster}"`,
        });
      }
    }
  });

export type Inventory = z.infer<typeof InventorySchema>;
export type AsaEntry = z.infer<typeof AsaSchema>;
export type CucmEntry = z.infer<typeof CucmSchema>;
export type TftpServerEntry = z.infer<typeof TftpServerSchema>;

/** Bad inventory input: every problem with its field path, ready to print. */
export class InventoryError extends Error {
  readonly type = 'InventoryError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid inventory\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InventoryError';
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => String(p)).join('.') || '(root)';
}

function friendlyMessage(message: string): string {
  if (/received undefined$/.test(message)) return 'required field is missing';
  if (message === 'Invalid key in record')
    return 'invalid name: use letters, digits, ".", "_" or "-" (1-64 characters)';
  return message;
}

/** Validate an already-parsed document. Throws InventoryError listing every invalid field. */
export function validateInventory(doc: unknown, source = 'inventory'): Inventory {
  const result = InventorySchema.safeParse(doc);
  if (!result.success) {
    throw new InventoryError(
      source,
      result.error.issues.map((i) => `${formatPath(i.path)}: ${friendlyMessage(i.message)}`),
    );
  }
  return result.data;
}

/** Read a YAML or JSON inventory file (JSON is valid YAML). */
export function loadInventory(file: string): Inventory {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InventoryError(file, [`cannot read file: ${(err as Error).message}`]);
  }
  const lineCounter = new LineCounter();
  // Duplicate keys are found below, with their field path; every other YAML error stops here.
  const parsed = parseDocument(text, { uniqueKeys: false, lineCounter });
  if (parsed.errors.length > 0) {
    throw new InventoryError(file, [`not valid YAML/JSON: ${parsed.errors[0].message.split('\n')[0]}`]);
  }
  const duplicates = duplicateKeys(parsed.contents, [], lineCounter);
  // With a duplicate the document is ambiguous (which entry is meant?): report the duplicates only.
  if (duplicates.length > 0) throw new InventoryError(file, duplicates);
  return validateInventory(parsed.toJS(), file);
}

/** Sections whose keys are names of things (ASA, cluster, gateway): a repeated key there is a duplicate name. */
const NAMED_SECTIONS = new Set(['asa', 'cucm', 'gateways']);

/** Every key that appears twice in the same mapping, as `path.key: duplicate … (line N, first at line M)`. */
function duplicateKeys(node: unknown, path: string[], lines: LineCounter): string[] {
  const problems: string[] = [];
  if (isSeq(node)) {
    node.items.forEach((item, i) => problems.push(...duplicateKeys(item, [...path, String(i)], lines)));
  } else if (isMap(node)) {
    const firstLine = new Map<string, number>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const range = isScalar(pair.key) ? pair.key.range : undefined;
      const line = range ? lines.linePos(range[0]).line : 0;
      const first = firstLine.get(key);
      if (first === undefined) {
        firstLine.set(key, line);
        problems.push(...duplicateKeys(pair.value, [...path, key], lines));
      } else {
        const what = path.length === 1 && NAMED_SECTIONS.has(path[0]) ? 'duplicate name' : 'duplicate key';
        problems.push(`${formatPath([...path, key])}: ${what} (line ${line}, first at line ${first})`);
      }
    }
  }
  return problems;
}

/** Where the inventory comes from when --inventory is not given. */
export function defaultInventoryPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CERTROLL_INVENTORY || './certroll.yaml';
}

/** A summary that is safe to print: names, hosts and counts, never a secret reference's value. */
export function summarizeInventory(inv: Inventory) {
  return {
    asa: Object.entries(inv.asa).map(([n, a]) => ({
      name: n,
      host: `${a.host}:${a.port}`,
      interface: a.interface,
      tls: `${a.tlsHost ?? a.host}:${a.tlsPort}`,
      vpnUrls: a.vpnUrls,
    })),
    cucm: Object.entries(inv.cucm).map(([n, c]) => ({
      name: n,
      publisher: `${c.publisher}:${c.port}`,
      axlVersion: c.axlVersion,
      tls: 'caFile' in c.tls ? 'CA file' : 'SHA-256 pin',
      tftpServers: c.tftpServers.map((t) => `${t.host}:${t.port} (${t.slots} slots)`),
      risportQueriesPerMinute: c.risportQueriesPerMinute,
    })),
    gateways: Object.entries(inv.gateways).map(([n, g]) => ({ name: n, asa: g.asa, cluster: g.cluster })),
  };
}

/** Look up the ASA and cluster a gateway belongs to; a clear error when the names do not match. */
export function resolveGateway(
  inv: Inventory,
  gateway: string,
): { asa: AsaEntry; cucm: CucmEntry; asaName: string; clusterName: string } {
  const g = inv.gateways[gateway];
  if (!g) throw new InventoryError('inventory', [`gateways.${gateway}: no such gateway`]);
  return { asa: inv.asa[g.asa], cucm: inv.cucm[g.cluster], asaName: g.asa, clusterName: g.cluster };
}
