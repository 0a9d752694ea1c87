/** A problem with what the user typed: answered with the command's usage, privately in chat. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The user may not do this (access control): answered privately with the reason. */
export class AccessDeniedError extends Error {
  override name = 'AccessDeniedError';
}
