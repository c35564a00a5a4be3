/**
 * The ASA's command matcher: keywords match by unambiguous prefix (`sh run ssl`), arguments take one token or the
 * rest of the line, and a failure reports the column of the offending token for the caret line.
 */
export interface Token {
  text: string;
  start: number;
}

export interface Match<H> {
  handler: H;
  args: Record<string, string>;
  /** Where each argument started (for caret errors raised by handlers). */
  positions: Record<string, number>;
}

export type MatchFailure = { kind: 'invalid' | 'ambiguous'; at: number } | { kind: 'incomplete'; at: number };

interface Node<H> {
  keywords: Map<string, Node<H>>;
  arg?: { name: string; rest: boolean; node: Node<H> };
  handler?: H;
}

const newNode = <H>(): Node<H> => ({ keywords: new Map() });

export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  const re = /"[^"]*"|\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) out.push({ text: m[0], start: m.index });
  return out;
}

const unquote = (s: string) => (/^".*"$/.test(s) ? s.slice(1, -1) : s);

export class Grammar<H> {
  private readonly root = newNode<H>();

  /** `pattern`: keywords, `<name>` (one token), `<name...>` (rest of line). */
  add(pattern: string, handler: H): this {
    let node = this.root;
    for (const word of pattern.split(' ')) {
      const arg = /^<([a-z]+)(\.\.\.)?>$/.exec(word);
      if (arg) {
        node.arg ??= { name: arg[1], rest: Boolean(arg[2]), node: newNode<H>() };
        node = node.arg.node;
      } else {
        if (!node.keywords.has(word)) node.keywords.set(word, newNode<H>());
        node = node.keywords.get(word)!;
      }
    }
    node.handler = handler;
    return this;
  }

  match(line: string): Match<H> | MatchFailure {
    const tokens = tokenize(line);
    let node = this.root;
    const args: Record<string, string> = {};
    const positions: Record<string, number> = {};
    for (let i = 0; i < tokens.length; i++) {
      const tok = tokens[i];
      const word = tok.text.toLowerCase();
      const exact = node.keywords.get(word);
      if (exact) {
        node = exact;
        continue;
      }
      if (node.arg) {
        args[node.arg.name] = node.arg.rest ? line.slice(tok.start).trimEnd() : unquote(tok.text);
        positions[node.arg.name] = tok.start;
        const rest = node.arg.rest;
        node = node.arg.node;
        if (rest) break;
        continue;
      }
      const candidates = [...node.keywords.keys()].filter((k) => k.startsWith(word));
      if (candidates.length === 1) {
        node = node.keywords.get(candidates[0])!;
        continue;
      }
      return { kind: candidates.length > 1 ? 'ambiguous' : 'invalid', at: tok.start };
    }
    if (node.handler === undefined) return { kind: 'incomplete', at: line.length };
    return { handler: node.handler, args, positions };
  }
}

export function isFailure<H>(m: Match<H> | MatchFailure): m is MatchFailure {
  return 'kind' in m;
}
