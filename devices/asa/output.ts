/**
 * Pure helpers for what comes back over the ASA shell: prompt forms, CR/LF clean-up, pager residue, the command
 * echo, and the error lines that turn a command into an AsaCommandError.
 */

export interface AsaPrompt {
  hostname: string;
  /** Failover and context parts after the hostname: `act`, `pri`, `stby`, or a context name. */
  qualifiers: string[];
  /** `user` (`>`), `privileged` (`#`), or the config mode name (`config`, `config-ca-trustpoint`…). */
  mode: string;
  text: string;
}

const PROMPT = /^([A-Za-z0-9][A-Za-z0-9._-]*)((?:\/[A-Za-z0-9._-]+)*)(?:\(([a-z0-9-]+)\))?([#>]) ?$/;

/** Recognise `host>`, `host#`, `host(config…)#`, `host/act#`, `host/pri/act#`, `host/ctx#` (optionally one trailing space). */
export function parsePrompt(line: string, hostname?: string): AsaPrompt | undefined {
  const m = PROMPT.exec(line);
  if (!m) return undefined;
  if (hostname !== undefined && m[1] !== hostname) return undefined;
  const mode = m[3] ?? (m[4] === '>' ? 'user' : 'privileged');
  if (m[4] === '>' && m[3]) return undefined;
  return { hostname: m[1], qualifiers: m[2].split('/').filter(Boolean), mode, text: line.trimEnd() };
}

export const MORE = '<--- More --->';

/** `\r\n\r`, lone CRs, backspaces and the pager's erase sequence removed; lines end in `\n`. */
export function normaliseOutput(raw: string): string {
  return (
    raw
      // The pager line and the spaces/backspaces the ASA writes to erase it.
      .replace(/<--- More --->(?:\r[ ]*\r|[\b ]*)?/g, '')
      .replace(/[\b]+/g, '')
      .replace(/\r+\n/g, '\n')
      .replace(/\n\r+/g, '\n')
      .replace(/\r/g, '')
  );
}

/** Drop the echoed command line (the ASA echoes what it receives) and return the output body. */
export function stripEcho(output: string, command: string): string {
  const lines = output.split('\n');
  if (lines.length > 0 && lines[0].trim() === command.trim()) lines.shift();
  return lines.join('\n');
}

const ERROR_LINES: { pattern: RegExp; what: string }[] = [
  { pattern: /^ERROR: % Invalid input detected at '\^' marker\./, what: 'invalid input' },
  { pattern: /^% Invalid input detected at '\^' marker\./, what: 'invalid input' },
  { pattern: /^(?:ERROR: )?Command authorization failed/, what: 'command authorization failed' },
  { pattern: /^(?:ERROR: )?% Incomplete command/, what: 'incomplete command' },
  { pattern: /^(?:ERROR: )?% Ambiguous command/, what: 'ambiguous command' },
  { pattern: /^% Error in saving certificate/, what: 'error in saving certificate' },
  { pattern: /^ERROR:/, what: 'error' },
];

/** The first error line the ASA printed, if any, with a short description. */
export function detectCommandError(output: string): { line: string; what: string } | undefined {
  for (const line of output.split('\n')) {
    const t = line.trim();
    const hit = ERROR_LINES.find((e) => e.pattern.test(t));
    if (hit) return { line: t, what: hit.what };
  }
  return undefined;
}
