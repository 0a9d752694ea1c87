import { looksLikeTelnet, TelnetRefuser } from '../../../src/scanner/probes/telnet';

const IAC = 0xff;
const [WILL, WONT, DO, DONT, SB, SE] = [0xfb, 0xfc, 0xfd, 0xfe, 0xfa, 0xf0];

describe('TelnetRefuser', () => {
  it('refuses DO with WONT and WILL with DONT, and ignores WONT/DONT', () => {
    const refuser = new TelnetRefuser();
    const { reply, hasText } = refuser.push(Buffer.from([IAC, DO, 24, IAC, WILL, 1, IAC, WONT, 5, IAC, DONT, 6]));
    expect([...reply]).toEqual([IAC, WONT, 24, IAC, DONT, 1]);
    expect(hasText).toBe(false);
  });

  it('answers each request once, so a repeating server cannot start a loop', () => {
    const refuser = new TelnetRefuser();
    expect(refuser.push(Buffer.from([IAC, DO, 31])).reply).toHaveLength(3);
    expect(refuser.push(Buffer.from([IAC, DO, 31])).reply).toHaveLength(0);
  });

  it('keeps its place across chunk boundaries and skips subnegotiation', () => {
    const refuser = new TelnetRefuser();
    expect(refuser.push(Buffer.from([IAC])).reply).toHaveLength(0);
    expect([...refuser.push(Buffer.from([DO])).reply]).toEqual([]);
    expect([...refuser.push(Buffer.from([39])).reply]).toEqual([IAC, WONT, 39]);
    // SB TTYPE SEND with an IAC IAC inside, then SE: no text, no reply.
    const sub = refuser.push(Buffer.from([IAC, SB, 24, 1, IAC, IAC, 0x41, IAC, SE]));
    expect(sub).toEqual({ reply: Buffer.alloc(0), hasText: false });
    expect(refuser.push(Buffer.from('login: ')).hasText).toBe(true);
  });

  it('counts an escaped 0xff as text', () => {
    expect(new TelnetRefuser().push(Buffer.from([IAC, IAC])).hasText).toBe(true);
  });
});

describe('looksLikeTelnet', () => {
  it('needs IAC followed by a negotiation verb at the very start', () => {
    expect(looksLikeTelnet(Buffer.from([IAC, DO, 1]))).toBe(true);
    expect(looksLikeTelnet(Buffer.from([IAC, SB, 1]))).toBe(false);
    expect(looksLikeTelnet(Buffer.from([0x41, IAC, DO, 1]))).toBe(false);
    expect(looksLikeTelnet(Buffer.from([IAC]))).toBe(false);
    expect(looksLikeTelnet(Buffer.from('xlogin:'))).toBe(false);
  });
});
