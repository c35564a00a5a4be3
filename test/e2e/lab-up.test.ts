/**
 * `certroll lab up` as a user runs it: every simulator on loopback, its inventory printed and written where asked,
 * usable by the other verbs at once, and Ctrl-C stops it cleanly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT, runCli } from '../support/cli';

describe('certroll lab up', () => {
  it('prints endpoints and inventory, writes --inventory-out, serves the ASA, and stops on SIGINT', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'certroll-lab-up-')), 'lab.yaml');
    const lab = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'certroll.js'), 'lab', 'up', '--phones', '3', '--inventory-out', out, '--json'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => lab.on('exit', (code) => resolve(code)));
    try {
      let stdout = '';
      lab.stdout.on('data', (d) => (stdout += d));
      const info = await new Promise<{
        inventory: string;
        inventoryYaml: string;
        asa: { tls: { host: string; port: number } };
        gateway: string;
      }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`lab up printed no JSON in 60 s: ${stdout}`)), 60_000);
        lab.stdout.on('data', () => {
          try {
            resolve(JSON.parse(stdout));
            clearTimeout(timer);
          } catch {
            // not complete yet
          }
        });
        lab.on('exit', (code) => reject(new Error(`lab up exited ${code} early`)));
      });
      expect(info.inventory).toBe(out);
      expect(readFileSync(out, 'utf8')).toBe(info.inventoryYaml);
      const inventory = parse(info.inventoryYaml);
      expect(JSON.stringify(inventory)).not.toMatch(/password":"(?!env:|file:)/);

      const check = await runCli(['inventory', 'check', out, '--json']);
      expect(check.code).toBe(0);
      const probe = await runCli(['probe', `${info.asa.tls.host}:${info.asa.tls.port}`, '--as', 'phone', '--json']);
      expect(probe.code).toBe(0);
      expect(probe.stdout).toContain('sha1Base64');
    } finally {
      lab.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 120_000);
});
