/** AsaSession ↔ the lab over real SSH on loopback: login, prompts, pager, error lines, dialogs, pinning, faults. */
import net from 'node:net';
import { AsaSession } from '../../../devices/asa/session';
import * as cmd from '../../../devices/asa/commands';
import { AsaCommandError } from '../../../devices/asa/errors';
import { splitPemCertificates } from '../../../devices/cert';
import { AuthError, InvalidInput, PinMismatch, TransportError } from '../../../devices/errors';
import { AsaLab, startAsaLab } from '../../../lab/asa';
import { asaFixture } from '../../unit/asa/fixtures';
import { sessionOptions } from './helpers';

async function withSession<T>(lab: AsaLab, fn: (s: AsaSession) => Promise<T>, overrides = {}): Promise<T> {
  const s = await AsaSession.open(sessionOptions(lab, overrides));
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

describe('AsaSession against the lab', () => {
  let lab: AsaLab;
  beforeAll(async () => {
    lab = await startAsaLab();
  });
  afterAll(() => lab.close());
  afterEach(() => {
    Object.assign(lab.faults, {
      pagerDefault: 24,
      slowOutputMs: undefined,
      authorizationFails: undefined,
      dropOnCommand: undefined,
    });
    lab.commandLog.length = 0;
  });

  it('logs in at user EXEC, enables with the enable password and turns the pager off', async () => {
    const version = await withSession(lab, async (s) => {
      expect(s.prompt).toMatchObject({ hostname: 'asa1', mode: 'privileged', text: 'asa1#' });
      return s.run(cmd.showVersion());
    });
    expect(version.split('\n')[0]).toBe('Cisco Adaptive Security Appliance Software Version 9.16(2)');
    expect(version).not.toMatch(/asa1#|show version/);
    expect(lab.commandLog).toEqual(['enable', 'terminal pager 0', 'show version']);
    // Passwords are never logged by the lab nor echoed back.
    expect(JSON.stringify(lab.commandLog)).not.toContain(lab.credentials.enablePassword);
  });

  it('pages through <--- More ---> when the pager cannot be turned off, with output identical to unpaged', async () => {
    const unpaged = await withSession(lab, (s) => s.run(cmd.show('running-config')));
    expect(unpaged.split('\n').length).toBeGreaterThan(2 * 24);
    lab.faults.authorizationFails = /^terminal pager/;
    const paged = await withSession(lab, (s) => s.run(cmd.show('running-config')));
    expect(paged).toBe(unpaged);
  });

  it('turns error lines into AsaCommandError: caret, incomplete, ambiguous, authorization', async () => {
    await withSession(lab, async (s) => {
      const caret = await s.run(cmd.show('crypto', 'ca', 'certifikates')).catch((e: unknown) => e);
      expect(caret).toBeInstanceOf(AsaCommandError);
      const caretLine = (caret as AsaCommandError).output.split('\n')[0];
      // Under the bad token: prompt "asa1# " (6) + "show crypto ca " (15).
      expect(caretLine.indexOf('^')).toBe('asa1# show crypto ca '.length);
      expect((caret as AsaCommandError).command).toBe('show crypto ca certifikates');
      await expect(s.run(cmd.show('crypto', 'ca'))).rejects.toThrow(/Incomplete command/);
      await expect(s.run(cmd.show('s'))).rejects.toThrow(/Ambiguous command/);
      lab.faults.authorizationFails = /^show ssl/;
      await expect(s.run(cmd.showSsl())).rejects.toThrow(/Command authorization failed/);
      // The session is still usable after refusals.
      expect(await s.run(cmd.showRunSsl())).toBe('ssl trust-point VPN-CURRENT outside');
    });
  });

  it('reports "% Error in saving certificate" from a refused import', async () => {
    const foreign = splitPemCertificates(asaFixture('crypto_ca_import_certificate__qytang-asa.txt'))[0];
    await withSession(lab, async (s) => {
      const err = await s
        .configure(() => s.run(cmd.importCertificate('VPN-CURRENT', foreign)))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AsaCommandError);
      expect((err as AsaCommandError).output).toMatch(/% Error in saving certificate: status = FAIL/);
      expect(s.prompt.mode).toBe('privileged');
    });
    expect(lab.state().trustpoints[0].identity?.subjectRfc2253).toBe(
      'unstructuredName=vpn.example.com,CN=vpn.example.com',
    );
  });

  it('answers no to the key-replace question and fails, leaving the key untouched', async () => {
    const before = lab.state().keys.find((k) => k.label === 'VPN-CURRENT');
    const boundBefore = lab.boundCertificatePem();
    await withSession(lab, async (s) => {
      const err = await s.configure(() => s.run(cmd.generateRsaKey('VPN-CURRENT'))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AsaCommandError);
      expect((err as Error).message).toMatch(/never replace a key/);
      expect((err as AsaCommandError).output).toMatch(/Do you really want to replace them\? \[yes\/no\]: no/);
    });
    expect(lab.state().keys.find((k) => k.label === 'VPN-CURRENT')).toEqual(before);
    expect(lab.boundCertificatePem()).toBe(boundBefore);
  });

  it('recognises failover and context prompts', async () => {
    for (const [form, text] of [
      ['failover', 'fw/act#'],
      ['failover-priority', 'fw/pri/act#'],
      ['context', 'fw/ctx1#'],
    ] as const) {
      const other = await startAsaLab({ hostname: 'fw', config: { promptForm: form }, landInEnable: true });
      try {
        await withSession(other, async (s) => {
          expect(s.prompt.text).toBe(text);
          await s.configure(async () => {
            expect(s.prompt.text).toBe(text.replace('#', '(config)#'));
            await s.run(cmd.sslCipher('tlsv1.2', 'medium'));
          });
          expect(s.prompt.text).toBe(text);
        });
        // Privilege-15 users land at '#': no enable.
        expect(other.commandLog.slice(0, 2)).toEqual(['terminal pager 0', 'configure terminal']);
      } finally {
        await other.close();
      }
    }
  });

  it('refuses a host key that does not match the pin, before logging in', async () => {
    const wrongPin = 'SHA256:' + 'A'.repeat(43);
    const err = await AsaSession.open(sessionOptions(lab, { hostKeySha256: wrongPin })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PinMismatch);
    expect(err).toMatchObject({ expected: wrongPin, actual: lab.hostKeySha256, retryable: false });
    lab.faults.wrongHostKey = true;
    try {
      const mitm = await AsaSession.open(sessionOptions(lab)).catch((e: unknown) => e);
      expect(mitm).toBeInstanceOf(PinMismatch);
      expect((mitm as PinMismatch).actual).not.toBe(lab.hostKeySha256);
    } finally {
      lab.faults.wrongHostKey = false;
    }
    expect(lab.commandLog).toEqual([]);
  });

  it('reports refused credentials as AuthError', async () => {
    await expect(AsaSession.open(sessionOptions(lab, { password: 'wrong' }))).rejects.toBeInstanceOf(AuthError);
    const enable = await AsaSession.open(sessionOptions(lab, { enablePassword: 'wrong' })).catch((e: unknown) => e);
    expect(enable).toBeInstanceOf(AuthError);
    expect((enable as Error).message).not.toContain('wrong');
    expect(lab.commandLog).toEqual(['enable']);
  });

  it('refuses an enable password with a control or non-printable character before anything is sent', async () => {
    const good = lab.credentials.enablePassword;
    // Each would type more than the password: a second CLI line, a carriage return, an escape sequence, a DEL.
    const bad = [
      `${good}\nshow running-config`,
      `${good}\rshow running-config`,
      `${good}\r\nconfigure terminal`,
      `${good}\tx`,
      `${good}\u0000`,
      `\u001b[2J${good}`,
      `${good}\u007f`,
      `${good}\u0085`,
      `${good}\u2028show version`,
    ];
    // Nothing may reach the wire: not even a TCP connection is made.
    const listener = net.createServer((socket) => socket.destroy());
    let connections = 0;
    listener.on('connection', () => connections++);
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as net.AddressInfo).port;
    try {
      for (const enablePassword of bad) {
        for (const target of [{}, { host: '127.0.0.1', port }]) {
          const err = await AsaSession.open(sessionOptions(lab, { enablePassword, ...target })).catch(
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(InvalidInput);
          expect(err).toMatchObject({ type: 'InvalidInput', retryable: false });
          expect((err as Error).message).not.toContain(good);
        }
      }
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
    expect(connections).toBe(0);
    expect(lab.commandLog).toEqual([]);
    // The same session with a clean password logs in: the refusal is the password's, not the lab's.
    await withSession(lab, async (s) => expect(s.prompt.mode).toBe('privileged'));
    expect(lab.commandLog).toEqual(['enable', 'terminal pager 0']);
  });

  it('turns a slow device into a retryable timeout and a dropped connection into TransportError', async () => {
    const s = await AsaSession.open(sessionOptions(lab, { commandTimeoutMs: 1_000 }));
    lab.faults.slowOutputMs = 2_500;
    const slow = await s.run(cmd.showVersion()).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(TransportError);
    expect(slow).toMatchObject({ retryable: true });
    expect((slow as Error).message).toMatch(/no prompt within 1000 ms/);
    await expect(s.run(cmd.showVersion())).rejects.toBeInstanceOf(TransportError);
    lab.faults.slowOutputMs = undefined;

    lab.faults.dropOnCommand = /^show crypto ca certificates/;
    const dropped = await withSession(lab, (x) => x.run(cmd.showCryptoCaCertificates())).catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(TransportError);
    expect((dropped as Error).message).toMatch(/lost/);
    // Once only: the next session sees the whole output.
    expect(await withSession(lab, (x) => x.run(cmd.showCryptoCaCertificates()))).toMatch(
      /Associated Trustpoints: VPN-CURRENT/,
    );
  });

  it('never sends a command in the wrong mode', async () => {
    await withSession(lab, async (s) => {
      await expect(s.run(cmd.bindTrustpoint('VPN-CURRENT', 'outside'))).rejects.toThrow(/needs config mode/);
    });
    expect(lab.commandLog).not.toContain('ssl trust-point VPN-CURRENT outside');
  });
});
