/** Read ASA fixtures and the seed doc's quoted outputs from the repository (CI has only the repo). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures');
const ASA_DIR = path.join(FIXTURES, 'asa');
const SEED = path.join(FIXTURES, 'seed', 'cisco-tac-anyconnect-vpn-phone-ja.txt');

export function asaFixture(name: string): string {
  return readFileSync(path.join(ASA_DIR, name), 'utf8');
}

export function asaFixtureNames(): string[] {
  return readdirSync(ASA_DIR).sort();
}

/**
 * The seed doc's text from the first line containing `from` (at or after the `occurrence`-th match) through the
 * next line containing `to`, with Markdown fence lines removed (the translated doc splits some outputs into one
 * fence per line).
 */
export function seedBetween(from: string, to: string, occurrence = 0): string {
  const lines = readFileSync(SEED, 'utf8').split('\n');
  let start = -1;
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].includes(from) && seen++ === occurrence) {
      start = i;
      break;
    }
  }
  if (start < 0) throw new Error(`seed: no line containing ${JSON.stringify(from)}`);
  const end = lines.findIndex((l, i) => i >= start && l.includes(to));
  if (end < 0) throw new Error(`seed: no line containing ${JSON.stringify(to)} after ${JSON.stringify(from)}`);
  return lines
    .slice(start, end + 1)
    .filter((l) => !/^```/.test(l))
    .join('\n');
}
