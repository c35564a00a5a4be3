/**
 * Rollover options as operators give them (CLI flags, UI start payload), validated with zod. Pure: also used inside
 * workflow code, so it imports nothing but zod.
 */
import { z } from 'zod';

const IDENT = /^[A-Za-z0-9._-]{1,64}$/;
const DURATION = /^\d+(\.\d+)?\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/;
const duration = z.string().regex(DURATION, 'expected a duration like "30 seconds", "15 minutes", "7 days"');
const gatePolicy = z.enum(['manual', 'auto', 'auto-if-full']);
/** ASA subject-name: comma-separated RDNs with keys from an allow-list; values without quotes, commas or newlines
 * unless quoted (control characters are refused separately). */
const RDN = '(?:CN|OU|O|L|ST|St|C|EA|serialNumber)=(?:"[^"\\n\\r]+"|[^,"\\n\\r=]+)';
const SUBJECT = new RegExp(`^${RDN}(?:,${RDN})*$`);
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f]/;
const FQDN = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export const RolloverOptionsSchema = z
  .object({
    certificateMode: z.enum(['self-signed', 'csr']),
    subjectName: z
      .string()
      .max(400)
      .refine((v) => !CONTROL.test(v), 'control characters are not allowed')
      .regex(SUBJECT, 'expected an ASA subject-name like CN=vpn.example.com,OU=PhoneVPN'),
    fqdn: z.string().regex(FQDN, 'expected a fully-qualified domain name'),
    waveSize: z.number().int().min(1).max(500),
    batchSize: z.number().int().min(1).max(200),
    maxParallelWaves: z.number().int().min(1).max(5),
    failureThresholdPercent: z.number().min(0).max(100),
    registrationTimeout: duration,
    registrationPollInterval: duration,
    configVerifyTimeout: duration,
    planSampleSize: z.number().int().min(0).max(100),
    gates: z
      .object({ plan: gatePolicy, push: gatePolicy, switch: gatePolicy, cleanup: gatePolicy })
      .partial()
      .refine((g) => g.plan !== 'auto-if-full' && g.push !== 'auto-if-full' && g.cleanup !== 'auto-if-full', {
        message: 'auto-if-full applies to the switch gate only',
      }),
    gateTimeout: duration,
    soak: duration,
    switchSettle: duration,
    applyAction: z.enum(['apply', 'reset', 'restart']),
    dryRun: z.boolean(),
  })
  .partial()
  .strict();

export type RolloverOptionsInput = z.infer<typeof RolloverOptionsSchema>;

export const RolloverStartSchema = z
  .object({
    asa: z.string().regex(IDENT, 'expected an inventory ASA name'),
    cluster: z.string().regex(IDENT, 'expected an inventory cluster name'),
    gateway: z.string().regex(IDENT, 'expected an inventory gateway name'),
    options: RolloverOptionsSchema.optional(),
  })
  .strict();

/** Problems as `path: message` lines, or an empty list. */
export function rolloverInputProblems(input: unknown): string[] {
  const r = RolloverStartSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
}
