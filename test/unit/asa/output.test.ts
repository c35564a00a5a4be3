/** Prompt forms, output clean-up and error-line detection of the ASA session. */
import { detectCommandError, normaliseOutput, parsePrompt, stripEcho } from '../../../devices/asa/output';

describe('prompts', () => {
  it.each([
    ['asa>', { hostname: 'asa', qualifiers: [], mode: 'user' }],
    ['asa# ', { hostname: 'asa', qualifiers: [], mode: 'privileged' }],
    ['asa(config)#', { hostname: 'asa', qualifiers: [], mode: 'config' }],
    ['asa(config-ca-trustpoint)# ', { hostname: 'asa', qualifiers: [], mode: 'config-ca-trustpoint' }],
    ['LEX-ASA-FW1/act#', { hostname: 'LEX-ASA-FW1', qualifiers: ['act'], mode: 'privileged' }],
    ['nee-fw3b01/act(config)#', { hostname: 'nee-fw3b01', qualifiers: ['act'], mode: 'config' }],
    ['fw/pri/act#', { hostname: 'fw', qualifiers: ['pri', 'act'], mode: 'privileged' }],
    ['fw/ctx1(config)# ', { hostname: 'fw', qualifiers: ['ctx1'], mode: 'config' }],
  ])('recognises %j', (line, expected) => {
    expect(parsePrompt(line)).toMatchObject(expected);
  });

  it.each([
    'asa# show version',
    '  cn=vpn.example.com',
    'Password:',
    'asa(config)> ',
    '######',
    'Associated Trustpoints: TP#x',
  ])('does not take %j for a prompt', (line) => expect(parsePrompt(line)).toBeUndefined());

  it('only accepts the known hostname once logged in', () => {
    expect(parsePrompt('other#', 'asa')).toBeUndefined();
    expect(parsePrompt('asa#', 'asa')?.mode).toBe('privileged');
  });
});

describe('output', () => {
  it('normalises \\r\\n\\r, pager marks with their erase sequence and backspaces', () => {
    const raw =
      'line 1\r\n\r\n\rline 2\r\n<--- More --->\r              \rline 3\r\n<--- More --->\b\b\b \b\bline 4\r\n';
    expect(normaliseOutput(raw)).toBe('line 1\n\nline 2\nline 3\nline 4\n');
  });

  it('strips the echoed command only when it is the first line', () => {
    expect(stripEcho('show ssl\nAccept connections', 'show ssl')).toBe('Accept connections');
    expect(stripEcho('Accept connections\nshow ssl', 'show ssl')).toBe('Accept connections\nshow ssl');
  });

  it.each([
    ["                 ^\nERROR: % Invalid input detected at '^' marker.", 'invalid input'],
    ['ERROR: Command authorization failed', 'command authorization failed'],
    ['ERROR: % Incomplete command', 'incomplete command'],
    ['% Incomplete command', 'incomplete command'],
    ['CRYPTO_PKI: bad\n% Error in saving certificate: status = FAIL', 'error in saving certificate'],
    ['ERROR: Trustpoint X not found', 'error'],
  ])('detects %j', (text, what) => {
    expect(detectCommandError(text)?.what).toBe(what);
  });

  it('does not flag normal output', () => {
    expect(detectCommandError('INFO: Certificate successfully imported\n[OK]')).toBeUndefined();
    expect(detectCommandError('  subject-name CN=ERROR: not a line start')).toBeUndefined();
  });
});
