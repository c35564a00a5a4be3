/**
 * Text helpers every ASA parser shares. Parsers accept output as the session returns it (echo and prompt already
 * stripped) and also as people paste it (with the `host# command` line and the trailing prompt), so fixtures from
 * the field parse unchanged.
 */

/** A line that is an ASA prompt, optionally followed by a typed command (`asa/act(config)# sh run ssl`). */
const PROMPT_LINE = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9._-]+)*(?:\([a-z0-9-]+\))?[#>](?:\s.*)?$/;

/** Split into lines: CR/LF normalised (the ASA sometimes sends `\r\n\r`), trailing blanks removed. */
export function toLines(text: string): string[] {
  return text
    .replace(/\r+\n/g, '\n')
    .replace(/\n\r+/g, '\n')
    .replace(/\r/g, '\n')
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''));
}

/** Lines without a leading `host# command` echo and a trailing bare prompt, when a capture includes them. */
export function bodyLines(text: string): string[] {
  const lines = toLines(text);
  while (lines.length > 0 && lines[0] === '') lines.shift();
  if (lines.length > 0 && PROMPT_LINE.test(lines[0]) && /[#>]\s+\S/.test(lines[0])) lines.shift();
  while (lines.length > 0 && (lines[lines.length - 1] === '' || isBarePrompt(lines[lines.length - 1]))) lines.pop();
  return lines;
}

export function isBarePrompt(line: string): boolean {
  return PROMPT_LINE.test(line) && /[#>]$/.test(line.trim());
}

/** Leading spaces: the ASA nests fields by indentation (two for fields, four for name components). */
export function indentOf(line: string): number {
  return /^ */.exec(line)![0].length;
}

/** A config line's tokens, keeping `"quoted strings"` whole (without the quotes). */
export function tokens(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) out.push(m[1] ?? m[2]);
  return out;
}

/**
 * Group `show run` output into top-level commands with their sub-lines. A header is a line at column 0 that
 * starts with one of `headers`; anything else belongs to the current header whatever its indentation (captures
 * in the seed doc lost their leading spaces).
 */
export function configBlocks(lines: string[], headers: RegExp): { header: string; children: string[] }[] {
  const blocks: { header: string; children: string[] }[] = [];
  for (const raw of lines) {
    if (raw.trim() === '' || raw.trim() === '!') continue;
    if (headers.test(raw)) {
      blocks.push({ header: raw.trim(), children: [] });
    } else if (blocks.length > 0) {
      blocks[blocks.length - 1].children.push(raw.trim());
    }
  }
  return blocks;
}
