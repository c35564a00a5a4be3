/**
 * `write memory`: success only when `[OK]` is printed. Read-only or corrupt flash prints `%Error opening …` and
 * `[FAILED]` (limits.md §4.5): the running config is then not durable and a reload would revert the switch.
 */
import { bodyLines } from './lines';

export interface WriteMemory {
  ok: boolean;
  cryptochecksum?: string;
  bytes?: number;
  seconds?: number;
  /** `%Error…`, `ERROR:…` and `[FAILED]` lines as printed. */
  errors: string[];
}

export function parseWriteMemory(text: string): WriteMemory {
  const out: WriteMemory = { ok: false, errors: [] };
  for (const raw of bodyLines(text)) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if (line === '[OK]') out.ok = true;
    else if ((m = /^Cryptochecksum:\s*(.+)$/.exec(line))) out.cryptochecksum = m[1].replace(/\s+/g, ' ');
    else if ((m = /^(\d+) bytes copied in ([\d.]+) secs/.exec(line))) {
      out.bytes = +m[1];
      out.seconds = +m[2];
    } else if (/^(%\s*Error|ERROR:|\[FAILED\]|Error executing)/i.test(line)) out.errors.push(line);
  }
  if (out.errors.length > 0) out.ok = false;
  return out;
}
