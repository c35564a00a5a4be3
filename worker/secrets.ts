/**
 * Secret references from the inventory (`env:NAME`, `file:/path`) resolved at the last moment, in the worker only.
 * Values are never logged, never returned to workflows, never put in errors.
 */
import { readFileSync } from 'node:fs';
import { SECRET_REF } from '../config/inventory';

export class SecretError extends Error {
  readonly type = 'SecretError';
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

export type SecretResolver = (ref: string) => string;

/** Resolve one reference; the error names the reference, never a value. */
export function resolveSecret(ref: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!SECRET_REF.test(ref)) throw new SecretError(`not a secret reference: expected env:NAME or file:/path`);
  if (ref.startsWith('env:')) {
    const key = ref.slice(4);
    const value = env[key];
    if (value === undefined || value === '')
      throw new SecretError(`secret ${ref} is not set in the worker's environment`);
    return value;
  }
  const path = ref.slice(5);
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new SecretError(`secret ${ref} cannot be read`);
  }
}
