/**
 * One SSH CLI session to an ASA: pinned host key, password login, `enable` when the prompt ends in `>`,
 * `terminal pager 0`, then commands from the builder one at a time. Output comes back without the echo, the
 * pager residue or the prompt; dialogs are answered from each command's own table; error lines become
 * AsaCommandError; timeouts and dropped connections become the retryable TransportError.
 */
import { createHash } from 'node:crypto';
import { Client, ClientChannel } from 'ssh2';
import { AuthError, InvalidInput, PinMismatch, TransportError } from '../errors';
import { AsaCommand, DialogRule, configureTerminal, enable as enableCommand, end, terminalPager0 } from './commands';
import { AsaCommandError } from './errors';
import { AsaPrompt, MORE, detectCommandError, normaliseOutput, parsePrompt, stripEcho } from './output';

export interface AsaSessionOptions {
  host: string;
  port: number;
  username: string;
  password: string;
  enablePassword?: string;
  /** OpenSSH-style `SHA256:<base64>` of the ASA's host key; any other key is refused. */
  hostKeySha256: string;
  readyTimeoutMs?: number;
  /** Default time a command may take to return to a prompt (commands may ask for more). */
  commandTimeoutMs?: number;
}

type ShellEvent =
  | { kind: 'prompt'; text: string; prompt: AsaPrompt }
  | { kind: 'more'; text: string }
  | { kind: 'question'; text: string; question: string }
  | { kind: 'paste'; text: string }
  | { kind: 'password'; text: string };

const PASTE_BANNER = /End with the word "quit" on a line by itself:?\s*$/;
const QUESTION = /(\[yes\/no\]:?|\[confirm\])\s*$/;

/** OpenSSH's fingerprint form: SHA256 of the key blob, base64 without padding. */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

function samePin(a: string, b: string): boolean {
  return a.replace(/=+$/, '') === b.replace(/=+$/, '');
}

/** What may be typed at the ASA's `Password:` prompt: printable ASCII, as for command lines. */
const TYPABLE = /^[\x20-\x7e]*$/;

/**
 * The enable password is typed into the CLI followed by a newline, so a newline or any other control (or
 * non-printable, non-ASCII) character in it would type more than the password. Refused before anything is sent:
 * a non-retryable InvalidInput whose message never contains the password.
 */
export function checkEnablePassword(host: string, enablePassword: string | undefined): void {
  if (enablePassword !== undefined && !TYPABLE.test(enablePassword)) {
    throw new InvalidInput(
      `ASA ${host}: the enable password contains a control, non-printable or non-ASCII character; refusing to type it`,
    );
  }
}

export class AsaSession {
  private buffer = '';
  private wake: (() => void) | undefined;
  private lost: Error | undefined;
  private busy = false;
  private current!: AsaPrompt;

  private constructor(
    private readonly conn: Client,
    private readonly shell: ClientChannel,
    private readonly opts: AsaSessionOptions,
  ) {
    shell.setEncoding('utf8');
    shell.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake?.();
    });
    const onGone = (why: string) => {
      this.lost ??= new TransportError(`SSH connection to ${opts.host}:${opts.port} lost (${why})`);
      this.wake?.();
    };
    shell.on('close', () => onGone('channel closed'));
    conn.on('close', () => onGone('connection closed'));
    conn.on('error', (err: Error) => onGone(err.message));
  }

  /** Connect, log in, reach privileged mode and turn the pager off. */
  static async open(opts: AsaSessionOptions): Promise<AsaSession> {
    checkEnablePassword(opts.host, opts.enablePassword);
    const conn = await connect(opts);
    let shell: ClientChannel;
    try {
      shell = await new Promise<ClientChannel>((resolve, reject) =>
        conn.shell({ term: 'vt100', cols: 511, rows: 24 }, (err, stream) => (err ? reject(err) : resolve(stream))),
      );
    } catch (err) {
      conn.end();
      throw new TransportError(`ASA ${opts.host}: cannot open a shell: ${(err as Error).message}`);
    }
    const session = new AsaSession(conn, shell, opts);
    try {
      await session.login();
    } catch (err) {
      session.destroy();
      throw err;
    }
    return session;
  }

  get prompt(): AsaPrompt {
    return this.current;
  }

  get hostname(): string {
    return this.current.hostname;
  }

  /** Send one built command and return its output (no echo, no prompt). Throws AsaCommandError on an error line. */
  async run(cmd: AsaCommand): Promise<string> {
    if (this.busy) throw new Error('AsaSession.run: one command at a time');
    this.checkMode(cmd);
    this.busy = true;
    try {
      return await this.exchange(cmd);
    } finally {
      this.busy = false;
    }
  }

  async runAll(cmds: readonly AsaCommand[]): Promise<string[]> {
    const outputs: string[] = [];
    for (const cmd of cmds) outputs.push(await this.run(cmd));
    return outputs;
  }

  /** Run `fn` in global configuration mode and return to privileged mode afterwards (also on failure, when possible). */
  async configure<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.current.mode.startsWith('config')) await this.run(configureTerminal());
    try {
      return await fn();
    } finally {
      if (!this.lost && this.current.mode.startsWith('config')) await this.run(end());
    }
  }

  async close(): Promise<void> {
    if (this.lost) return;
    await new Promise<void>((resolve) => {
      this.conn.once('close', () => resolve());
      this.conn.end();
      setTimeout(resolve, 2000).unref();
    });
  }

  destroy(): void {
    this.lost ??= new TransportError('session closed');
    this.conn.destroy();
  }

  private checkMode(cmd: AsaCommand): void {
    const mode = this.current.mode;
    const ok =
      cmd.mode === 'user' ||
      (cmd.mode === 'privileged' && mode !== 'user') ||
      (cmd.mode === 'config' && mode.startsWith('config')) ||
      cmd.mode === mode;
    if (!ok)
      throw new AsaCommandError(`"${cmd.line}" needs ${cmd.mode} mode; the session is in ${mode} mode`, cmd.line, '');
  }

  private async login(): Promise<void> {
    const first = await this.nextEvent(this.opts.readyTimeoutMs ?? 20_000, 'login');
    if (first.kind !== 'prompt') throw new AuthError(`ASA ${this.opts.host}: no CLI prompt after login`);
    this.current = first.prompt;
    if (this.current.mode === 'user') await this.enable();
    try {
      await this.run(terminalPager0());
    } catch (err) {
      // Accounts under command authorization may not be allowed to change the pager: page through instead.
      if (!(err instanceof AsaCommandError)) throw err;
    }
  }

  private async enable(): Promise<void> {
    if (this.opts.enablePassword === undefined) {
      throw new AuthError(`ASA ${this.opts.host}: user EXEC prompt and no enable password in the inventory`);
    }
    checkEnablePassword(this.opts.host, this.opts.enablePassword);
    const cmd = enableCommand();
    this.write(`${cmd.line}\n`);
    const asked = await this.nextEvent(this.timeout(cmd), cmd.line);
    if (asked.kind !== 'password') throw new AuthError(`ASA ${this.opts.host}: enable did not ask for a password`);
    this.write(`${this.opts.enablePassword}\n`);
    let event = await this.nextEvent(this.timeout(cmd), cmd.line);
    // A wrong password is asked again (up to three times): never retry it, a lockout is worse than a failure.
    while (event.kind !== 'prompt') {
      this.write('\n');
      event = await this.nextEvent(this.timeout(cmd), cmd.line);
    }
    if (event.kind !== 'prompt' || event.prompt.mode === 'user') {
      throw new AuthError(`ASA ${this.opts.host}: enable password refused`);
    }
    this.current = event.prompt;
  }

  private timeout(cmd: AsaCommand): number {
    return cmd.timeoutMs ?? this.opts.commandTimeoutMs ?? 30_000;
  }

  private async exchange(cmd: AsaCommand): Promise<string> {
    this.write(`${cmd.line}\n`);
    const deadline = Date.now() + this.timeout(cmd);
    let transcript = '';
    let refusal: string | undefined;
    for (;;) {
      const event = await this.nextEvent(deadline - Date.now(), cmd.line);
      transcript += event.text;
      if (event.kind === 'prompt') {
        this.current = event.prompt;
        break;
      }
      if (event.kind === 'more') this.write(' ');
      else if (event.kind === 'paste') {
        if (!cmd.paste) refusal ??= 'the ASA asked for pasted input this command does not carry';
        this.write(`${[...(cmd.paste ?? []), 'quit'].join('\n')}\n`);
      } else if (event.kind === 'question') {
        const answer = answerFor(cmd.dialogs, event.question, normaliseOutput(transcript));
        if (answer.refusal) refusal ??= answer.refusal;
        this.write(`${answer.text}\n`);
      } else {
        refusal ??= 'the ASA asked for a password';
        this.write('\n');
      }
    }
    const output = tidy(stripEcho(normaliseOutput(transcript), cmd.line));
    if (refusal) throw new AsaCommandError(`ASA ${this.opts.host}: "${cmd.line}": ${refusal}`, cmd.line, output);
    const error = detectCommandError(output);
    if (error)
      throw new AsaCommandError(`ASA ${this.opts.host} refused "${cmd.line}": ${error.line}`, cmd.line, output);
    return output;
  }

  private write(text: string): void {
    if (this.lost) throw this.lost;
    this.shell.write(text);
  }

  /** Wait until the buffer ends in a prompt, a pager mark, a question, a paste banner or a password prompt. */
  private async nextEvent(timeoutMs: number, doing: string): Promise<ShellEvent> {
    const deadline = Date.now() + Math.max(0, timeoutMs);
    for (;;) {
      const event = this.takeEvent();
      if (event) return event;
      if (this.lost) throw new TransportError(`${this.lost.message} while running "${doing}"`);
      const left = deadline - Date.now();
      if (left <= 0) {
        this.destroy();
        throw new TransportError(`ASA ${this.opts.host}: no prompt within ${timeoutMs} ms while running "${doing}"`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private takeEvent(): ShellEvent | undefined {
    const raw = this.buffer;
    if (raw === '') return undefined;
    if (raw.trimEnd().endsWith(MORE)) {
      this.buffer = '';
      // Keep the mark: normaliseOutput removes it together with the erase sequence that follows in the next chunk.
      return { kind: 'more', text: raw };
    }
    // Detect on the cleaned tail, but hand back raw text: the transcript is normalised once, as a whole, so a
    // pager mark and the erase sequence that arrives in the next chunk are removed together.
    const clean = normaliseOutput(raw);
    const tail = clean.slice(clean.lastIndexOf('\n') + 1);
    const upToLastLine = raw.slice(0, raw.lastIndexOf('\n') + 1);
    const prompt = parsePrompt(tail, this.current?.hostname);
    if (prompt) {
      this.buffer = '';
      return { kind: 'prompt', text: upToLastLine, prompt };
    }
    if (QUESTION.test(tail)) {
      this.buffer = '';
      return { kind: 'question', text: raw, question: tail.trim() };
    }
    if (PASTE_BANNER.test(clean)) {
      this.buffer = '';
      return { kind: 'paste', text: raw };
    }
    if (/Password:\s*$/.test(tail)) {
      this.buffer = '';
      return { kind: 'password', text: upToLastLine };
    }
    return undefined;
  }
}

function answerFor(
  dialogs: readonly DialogRule[],
  question: string,
  transcript: string,
): { text: string; refusal?: string } {
  const rule = dialogs.find((d) => d.question.test(question));
  if (!rule) return { text: 'no', refusal: `unexpected question "${question}" (answered no)` };
  const text = typeof rule.answer === 'string' ? rule.answer : rule.answer(transcript);
  if (text === undefined) return { text: 'no', refusal: `answered no to "${question}": ${rule.why}` };
  return { text };
}

function tidy(output: string): string {
  return output.replace(/^\n+/, '').replace(/\s+$/, '');
}

function connect(opts: AsaSessionOptions): Promise<Client> {
  return new Promise<Client>((resolve, reject) => {
    const conn = new Client();
    let presented: string | undefined;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      conn.destroy();
      reject(err);
    };
    conn.on('ready', () => {
      settled = true;
      // An interactive CLI: send each short line at once instead of waiting for Nagle's algorithm.
      conn.setNoDelay(true);
      resolve(conn);
    });
    conn.on('error', (err: Error & { level?: string }) => {
      if (presented !== undefined && !samePin(presented, opts.hostKeySha256)) {
        fail(
          new PinMismatch(
            `ASA ${opts.host}: SSH host key ${presented} is not the pinned ${opts.hostKeySha256}`,
            opts.hostKeySha256,
            presented,
          ),
        );
      } else if (err.level === 'client-authentication') {
        fail(new AuthError(`ASA ${opts.host}: SSH login refused for user ${opts.username}`));
      } else {
        fail(new TransportError(`ASA ${opts.host}:${opts.port}: ${err.message}`));
      }
    });
    conn.on('close', () => fail(new TransportError(`ASA ${opts.host}:${opts.port}: connection closed during login`)));
    conn.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) =>
      finish(prompts.map(() => opts.password)),
    );
    conn.connect({
      host: opts.host,
      port: opts.port,
      username: opts.username,
      password: opts.password,
      tryKeyboard: true,
      readyTimeout: opts.readyTimeoutMs ?? 20_000,
      hostVerifier: (key: Buffer) => {
        presented = sshFingerprint(key);
        return samePin(presented, opts.hostKeySha256);
      },
    });
  });
}
