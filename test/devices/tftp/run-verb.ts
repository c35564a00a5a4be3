/** Run one CLI verb in-process (no build needed) and capture what it prints and the exit code it sets. */
import { Command } from 'commander';

export interface VerbResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runVerb(register: (program: Command) => void, args: string[]): Promise<VerbResult> {
  const program = new Command('certroll').exitOverride();
  register(program);
  for (const sub of program.commands) sub.exitOverride();
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'certroll', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = saved;
  }
}
