import type { Tone } from '../../commands/report';
import type { Severity } from '../../scanner/types';

/** Severity and tone at a glance: an emoji (Unicode, so it shows even where shortcodes do not). */

export const SEVERITY_MARKER: Record<Severity, string> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🔵',
  info: '⚪',
};

export const TONE_MARKER: Record<Tone, string> = {
  ...SEVERITY_MARKER,
  ok: '✅',
  neutral: '',
  error: '⚠️',
};

export function severityLabel(severity: Severity): string {
  return `${SEVERITY_MARKER[severity]} ${severity.toUpperCase()}`;
}
