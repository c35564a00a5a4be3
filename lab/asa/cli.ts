/**
 * One SSH shell on the simulated ASA: line input with typeahead, echo, prompts per mode, the 24-line pager with
 * `<--- More --->`, `[yes/no]` questions, paste mode ending in `quit`, the caret error, and the fault knobs
 * (dropped connection, slow output, authorization failure). Commands themselves live in lab/asa/commands.ts.
 */
import { Grammar, isFailure, Match, MatchFailure } from './grammar';
import { Mode, promptText } from './render';
import { AsaLabState } from './state';
import { AsaFaults, DropFault } from './types';

export const MORE = '<--- More --->';

/** What a command handler can do with the session. */
export interface CommandIo {
  readonly state: AsaLabState;
  readonly mode: Mode;
  /** The trustpoint whose sub-mode the session is in. */
  trustpoint?: string;
  pagerLines: number;
  setMode(mode: Mode): void;
  print(text: string): Promise<void>;
  /** Print `question` (ending in `[yes/no]: `) and wait for a yes or no. */
  ask(question: string): Promise<'yes' | 'no'>;
  readLine(echo: boolean): Promise<string>;
  /** Print `prompt` and read a line without echo (passwords). */
  readSecret(prompt: string): Promise<string>;
  enablePasswordMatches(candidate: string): boolean;
  readonly faults: AsaFaults;
  /** Lines up to (not including) `quit`. */
  readPaste(): Promise<string[]>;
  /** The caret error under the token that starts at `at` in the command line. */
  caret(at: number): Promise<void>;
  hangup(): void;
}

export type Handler = (io: CommandIo, args: Record<string, string>, positions: Record<string, number>) => Promise<void>;

export type GrammarName = 'user' | 'privileged' | 'exec' | 'config' | 'trustpoint' | 'crl';

/** Where a line is looked up in each mode; a global config command typed in a sub-mode leaves the sub-mode. */
const LOOKUP: Record<Mode, GrammarName[]> = {
  user: ['user'],
  privileged: ['privileged', 'exec'],
  config: ['config', 'exec'],
  'config-ca-trustpoint': ['trustpoint', 'config', 'exec'],
  'config-ca-crl': ['crl', 'trustpoint', 'config', 'exec'],
};

const MODE_OF: Partial<Record<GrammarName, Mode>> = { config: 'config', trustpoint: 'config-ca-trustpoint' };

export interface CliContext {
  state: AsaLabState;
  faults: AsaFaults;
  commandLog: string[];
  enablePassword: string;
  landInEnable: boolean;
  grammars: Record<GrammarName, Grammar<Handler>>;
  /** How often each drop fault (by identity) has fired, across sessions. */
  dropsFired: WeakMap<object, number>;
}

class PagerQuit extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AsaCliSession implements CommandIo {
  mode: Mode;
  trustpoint?: string;
  pagerLines: number;
  private partial = '';
  private lastWasCr = false;
  private readonly lines: string[] = [];
  private lineWaiter?: (line: string) => void;
  private keyWaiter?: (key: string) => void;
  private busy = false;
  private closed = false;
  private shown = 0;
  private currentPrompt = '';
  private captured?: string[];

  constructor(
    private readonly ctx: CliContext,
    private readonly write: (text: string) => void,
    private readonly end: () => void,
  ) {
    this.mode = ctx.landInEnable ? 'privileged' : 'user';
    this.pagerLines = ctx.faults.pagerDefault;
  }

  get state(): AsaLabState {
    return this.ctx.state;
  }

  get faults(): AsaFaults {
    return this.ctx.faults;
  }

  enablePasswordMatches(candidate: string): boolean {
    return candidate === this.ctx.enablePassword;
  }

  async readSecret(prompt: string): Promise<string> {
    this.flushCaptured();
    this.write(prompt);
    return this.readLine(false);
  }

  start(): void {
    this.write("Type help or '?' for a list of available commands.\r\n");
    this.showPrompt();
  }

  /** Bytes from the SSH channel. */
  feed(data: string): void {
    for (const ch of data) {
      if (this.keyWaiter) {
        const w = this.keyWaiter;
        this.keyWaiter = undefined;
        w(ch);
        continue;
      }
      if (ch === '\n' && this.lastWasCr) {
        this.lastWasCr = false;
        continue;
      }
      this.lastWasCr = ch === '\r';
      if (ch === '\r' || ch === '\n') {
        this.lines.push(this.partial);
        this.partial = '';
      } else if (ch === '\x7f' || ch === '\b') {
        this.partial = this.partial.slice(0, -1);
      } else if (ch >= ' ') {
        this.partial += ch;
      }
    }
    this.pump();
  }

  closeSession(): void {
    this.closed = true;
    this.keyWaiter?.('q');
  }

  setMode(mode: Mode): void {
    this.mode = mode;
    if (mode !== 'config-ca-trustpoint' && mode !== 'config-ca-crl') this.trustpoint = undefined;
  }

  async print(text: string): Promise<void> {
    if (text === '' || this.closed) return;
    await this.slow();
    if (this.captured) {
      this.captured.push(text);
      return;
    }
    for (const line of text.split('\n')) {
      if (this.pagerLines > 0 && this.shown >= this.pagerLines) {
        this.write(MORE);
        const key = await this.readKey();
        this.write(`\r${' '.repeat(MORE.length)}\r`);
        if (key === 'q' || key === 'Q' || this.closed) throw new PagerQuit();
        this.shown = key === ' ' ? 0 : this.pagerLines - 1;
      }
      // The ASA sometimes ends an empty line with `\r\n\r` (netmiko's comments); clients must cope.
      this.write(line === '' ? '\r\n\r' : `${line}\r\n`);
      this.shown++;
    }
  }

  async ask(question: string): Promise<'yes' | 'no'> {
    for (;;) {
      this.flushCaptured();
      this.write(question);
      const answer = (await this.readLine(true)).trim().toLowerCase();
      if (answer !== '' && 'yes'.startsWith(answer)) return 'yes';
      if (answer !== '' && 'no'.startsWith(answer)) return 'no';
      this.write("%Please answer 'yes' or 'no'.\r\n");
    }
  }

  async readLine(echo: boolean): Promise<string> {
    this.flushCaptured();
    const line =
      this.lines.length > 0 ? this.lines.shift()! : await new Promise<string>((resolve) => (this.lineWaiter = resolve));
    this.write(echo ? `${line}\r\n` : '\r\n');
    this.shown = 0;
    return line;
  }

  async readPaste(): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const line = await this.readLine(true);
      if (line.trim() === 'quit') return out;
      out.push(line);
    }
  }

  async caret(at: number): Promise<void> {
    await this.print(`${' '.repeat(this.currentPrompt.length + at)}^\nERROR: % Invalid input detected at '^' marker.`);
  }

  hangup(): void {
    if (this.closed) return;
    this.closed = true;
    this.end();
  }

  /** While a drop is pending, output is held back, except what the client must see to answer (banners, questions). */
  private flushCaptured(): void {
    if (!this.captured || this.captured.length === 0) return;
    this.write(`${this.captured.join('\n').replace(/\n/g, '\r\n')}\r\n`);
    this.captured = [];
  }

  private readKey(): Promise<string> {
    return new Promise((resolve) => (this.keyWaiter = resolve));
  }

  private async slow(): Promise<void> {
    if (this.ctx.faults.slowOutputMs) await sleep(this.ctx.faults.slowOutputMs);
  }

  private showPrompt(): void {
    this.currentPrompt = promptText(this.ctx.state, this.mode);
    this.shown = 0;
    this.write(this.currentPrompt);
  }

  private pump(): void {
    while (this.lines.length > 0 && !this.closed) {
      if (this.lineWaiter) {
        const w = this.lineWaiter;
        this.lineWaiter = undefined;
        w(this.lines.shift()!);
        continue;
      }
      if (this.busy) return;
      const line = this.lines.shift()!;
      this.busy = true;
      void this.execute(line).finally(() => {
        this.busy = false;
        this.pump();
      });
      return;
    }
  }

  private dropFault(line: string): DropFault | undefined {
    const f = this.ctx.faults.dropOnCommand;
    if (!f) return undefined;
    const fault: DropFault = f instanceof RegExp ? { pattern: f } : f;
    const fired = this.ctx.dropsFired.get(f) ?? 0;
    if (!fault.pattern.test(line) || fired >= (fault.times ?? 1)) return undefined;
    this.ctx.dropsFired.set(f, fired + 1);
    return fault;
  }

  private async execute(line: string): Promise<void> {
    this.write(`${line}\r\n`);
    this.shown = 0;
    const trimmed = line.trim();
    if (trimmed !== '') this.ctx.commandLog.push(trimmed);
    try {
      if (trimmed !== '') await this.dispatch(line, trimmed);
    } catch (err) {
      if (!(err instanceof PagerQuit)) await this.print(`ERROR: internal lab error: ${(err as Error).message}`);
    }
    if (this.closed) return;
    await this.slow();
    this.showPrompt();
  }

  private async dispatch(line: string, trimmed: string): Promise<void> {
    const drop = this.dropFault(trimmed);
    if (drop && drop.when === 'before') return this.hangup();
    if (this.ctx.faults.authorizationFails?.test(trimmed)) {
      return this.print('ERROR: Command authorization failed');
    }
    const found = this.lookup(line);
    const match = found.match;
    if (isFailure(match)) return this.printFailure(match.kind, match.at, trimmed);
    if (found.enterMode) this.setMode(found.enterMode);
    if (!drop) return match.handler(this, match.args, match.positions);
    // Drop mid-command: the command takes effect, part of its output goes out, then the connection is gone.
    this.captured = [];
    try {
      await match.handler(this, match.args, match.positions);
    } finally {
      const text = this.captured.join('\n');
      this.captured = undefined;
      this.write(text.slice(0, Math.floor(text.length / 2)).replace(/\n/g, '\r\n'));
      this.hangup();
    }
  }

  private lookup(line: string): { match: Match<Handler> | MatchFailure; enterMode?: Mode } {
    let best: MatchFailure | undefined;
    for (const name of LOOKUP[this.mode]) {
      const match = this.ctx.grammars[name].match(line);
      if (!isFailure(match)) {
        const target = MODE_OF[name];
        const leaves = target !== undefined && target !== this.mode;
        return { match, enterMode: leaves ? target : undefined };
      }
      if (!best || match.at > best.at) best = match;
    }
    return { match: best! };
  }

  private async printFailure(kind: 'invalid' | 'ambiguous' | 'incomplete', at: number, trimmed: string): Promise<void> {
    if (kind === 'incomplete') return this.print('ERROR: % Incomplete command');
    if (kind === 'ambiguous') return this.print(`ERROR: % Ambiguous command:  "${trimmed}"`);
    return this.caret(at);
  }
}
