// SMTP servers echo the recipient in their errors ("550 <someone@example.com> unknown"): strip
// e-mail addresses before an error reaches the outbox row or a log line.
const EMAIL = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g;
const MAX_LENGTH = 500;

export function safeErrorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(EMAIL, '[address]').slice(0, MAX_LENGTH);
}
