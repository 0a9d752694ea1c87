import type { Tone } from '../../commands/report';
import type { Severity } from '../../scanner/types';

/** Embed colours by tone (Discord's own palette where it has one) and severity markers. */

export const TONE_COLORS: Record<Tone, number> = {
  critical: 0x992d22,
  high: 0xed4245,
  medium: 0xe67e22,
  low: 0xfee75c,
  info: 0x3498db,
  ok: 0x57f287,
  neutral: 0x5865f2,
  error: 0xed4245,
};

export const SEVERITY_MARKS: Record<Severity, string> = {
  critical: '🟥',
  high: '🔴',
  medium: '🟠',
  low: '🟡',
  info: '🔵',
};
