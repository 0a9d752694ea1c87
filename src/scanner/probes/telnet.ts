/**
 * Just enough Telnet (RFC 854/855) to get past option negotiation to a login prompt.
 *
 * Many servers (busybox telnetd) print `login:` right after their own IAC offers; others wait for
 * answers first. We answer every request with a refusal — DO x → WONT x, WILL x → DONT x — which
 * RFC 854 always allows, needs no knowledge of any option, and cannot start a negotiation loop:
 * we never answer WONT/DONT, skip subnegotiations (SB … SE), and answer each (verb, option) once.
 */

const IAC = 0xff;
const DONT = 0xfe;
const DO = 0xfd;
const WONT = 0xfc;
const WILL = 0xfb;
const SB = 0xfa;
const SE = 0xf0;

/** True when a greeting starts like Telnet: IAC followed by WILL/WONT/DO/DONT. */
export function looksLikeTelnet(firstBytes: Buffer): boolean {
  const verb = firstBytes[1];
  return firstBytes[0] === IAC && verb !== undefined && verb >= WILL && verb <= DONT;
}

export interface TelnetChunk {
  /** bytes to send back (refusals), empty when nothing is needed */
  reply: Buffer;
  /** whether the chunk carried data beyond negotiation (the start of a prompt) */
  hasText: boolean;
}

type State = 'data' | 'iac' | 'verb' | 'sb' | 'sb-iac';

export class TelnetRefuser {
  private state: State = 'data';
  private verb = 0;
  private readonly answered = new Set<number>();

  /** Feeds received bytes (state carries over chunk boundaries). */
  push(chunk: Buffer): TelnetChunk {
    const reply: number[] = [];
    let hasText = false;
    for (const byte of chunk) {
      switch (this.state) {
        case 'data':
          if (byte === IAC) this.state = 'iac';
          else hasText = true;
          break;
        case 'iac':
          if (byte === IAC) {
            hasText = true; // an escaped 0xff data byte
            this.state = 'data';
          } else if (byte >= WILL && byte <= DONT) {
            this.verb = byte;
            this.state = 'verb';
          } else if (byte === SB) {
            this.state = 'sb';
          } else {
            this.state = 'data'; // NOP, GA, AYT…: two-byte commands need no answer
          }
          break;
        case 'verb': {
          const answer = this.verb === DO ? WONT : this.verb === WILL ? DONT : null;
          const key = (this.verb << 8) | byte;
          if (answer !== null && !this.answered.has(key)) {
            this.answered.add(key);
            reply.push(IAC, answer, byte);
          }
          this.state = 'data';
          break;
        }
        case 'sb':
          if (byte === IAC) this.state = 'sb-iac';
          break;
        case 'sb-iac':
          this.state = byte === SE ? 'data' : 'sb';
          break;
      }
    }
    return { reply: Buffer.from(reply), hasText };
  }
}
