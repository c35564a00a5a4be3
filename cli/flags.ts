/** Flags and arguments checked with zod at the edge: the data, or exit 2 naming each bad flag as the user typed it. */
import { z } from 'zod';
import { UsageError } from './exit';

/** One line per bad flag or argument: `--ui-port: …; <host>: …` (commander gives camelCase keys). */
export function issuesText(error: z.ZodError, positional: string[] = []): string {
  const label = (key: string) =>
    positional.includes(key) ? `<${key}>` : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return error.issues.map((i) => `${i.path.length ? label(String(i.path[0])) : 'input'}: ${i.message}`).join('; ');
}

export function parseFlags<T>(schema: z.ZodType<T>, raw: unknown, positional: string[] = []): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UsageError(issuesText(parsed.error, positional));
  return parsed.data;
}
