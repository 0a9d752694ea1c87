/**
 * The fields Slack sends for a slash command, shared by the HTTP path (form-encoded, signed; see
 * slack-signing.ts) and the Socket Mode path (the `payload` of a `slash_commands` envelope; see
 * slack-socket.ts).
 *
 *   slashCommand({ text: 'scan 10.20.0.0/24', user_id: 'U1', channel_id: 'C1', response_url })
 *
 * Defaults describe one user in one channel of team T0TEST; override what the test is about.
 * `response_url` should come from the Slack API stand-in's `responseUrl()` so that Bolt's
 * `respond()` is recorded.
 */

export interface SlashCommandFields {
  command: string;
  text: string;
  user_id: string;
  user_name: string;
  channel_id: string;
  channel_name: string;
  team_id: string;
  team_domain: string;
  api_app_id: string;
  response_url: string;
  trigger_id: string;
  /** Legacy verification token; Bolt ignores it when it verifies signatures. */
  token: string;
  is_enterprise_install: 'true' | 'false';
}

let triggerCounter = 0;

export function slashCommand(overrides: Partial<SlashCommandFields> = {}): SlashCommandFields {
  triggerCounter += 1;
  return {
    command: '/router-audit',
    text: '',
    user_id: 'U0USER',
    user_name: 'alice',
    channel_id: 'C0CHAN',
    channel_name: 'netops',
    team_id: 'T0TEST',
    team_domain: 'test-team',
    api_app_id: 'A0APP',
    // Unroutable on purpose when a test forgets to supply one: respond() then fails loudly.
    response_url: 'http://127.0.0.1:9/missing-response-url',
    trigger_id: `${Date.now()}.${triggerCounter}.trigger`,
    token: 'legacy-verification-token',
    is_enterprise_install: 'false',
    ...overrides,
  };
}

/** `application/x-www-form-urlencoded` body, exactly as Slack posts it. */
export function slashCommandForm(fields: SlashCommandFields): string {
  return new URLSearchParams(Object.entries(fields)).toString();
}
