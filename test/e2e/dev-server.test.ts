import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { freePort, resolveTemporalCli } from '../../cli/temporal-dev-server';
import { ROOT } from '../support/cli';

/** `certroll dev-server` as a user starts it: UI answers, search attributes exist, Ctrl-C stops it cleanly. */
describe('certroll dev-server', () => {
  it('serves the namespace with the four search attributes and the Web UI, and stops on SIGINT', async () => {
    const temporal = resolveTemporalCli();
    const port = await freePort();
    const uiPort = await freePort();
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'certroll.js'), 'dev-server', '--port', String(port), '--ui-port', String(uiPort)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 240 && !stdout.includes('Press Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 250));
      expect(stdout).toContain(`gRPC:      127.0.0.1:${port}`);
      expect(stdout).toContain(`Web UI:    http://127.0.0.1:${uiPort}`);

      const ui = await fetch(`http://127.0.0.1:${uiPort}/`);
      expect(ui.status).toBe(200);

      const list = execFileSync(
        temporal,
        [
          'operator',
          'search-attribute',
          'list',
          '--address',
          `127.0.0.1:${port}`,
          '--namespace',
          'certroll',
          '--output',
          'json',
        ],
        { encoding: 'utf8' },
      );
      const custom = JSON.parse(list).customAttributes as Record<string, string>;
      expect(custom).toMatchObject({
        CertrollAsa: 'INDEXED_VALUE_TYPE_KEYWORD',
        CertrollGateway: 'INDEXED_VALUE_TYPE_KEYWORD',
        CertrollPhase: 'INDEXED_VALUE_TYPE_KEYWORD',
        CertrollNotAfter: 'INDEXED_VALUE_TYPE_DATETIME',
      });
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});
