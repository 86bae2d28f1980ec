import { EmailField } from '../../rules/fields';

// The holder's e-mail as the OpenAPI document's `format: email` means it: Schemathesis (the API fuzz,
// test/integration/api-fuzz.test.ts) found zod's default check accepting what the format refuses.

describe('EmailField', () => {
  it.each([
    'story.holder@example.com',
    "o'brien+renewals@mail.example.co",
    'a_b-c@x-y.example.org',
    'holder@abc--d.example.com',
    'holder@xn--mnchen-3ya.de',
    `${'l'.repeat(64)}@example.com`,
  ])('when the address is %s, then it is accepted', (email) => {
    expect(EmailField.safeParse(email).success).toBe(true);
  });

  it.each([
    ['a domain label ending in a hyphen (found by the fuzz)', 'x@l.h-.example.com'],
    ['a domain label starting with a hyphen', 'x@-h.example.com'],
    [
      '"--" in a label\'s 3rd and 4th places (found by the fuzz; only punycode "xn--" may)',
      'x@e.1j---4i.com',
    ],
    ['a domain label over 63 characters', `x@${'d'.repeat(64)}.com`],
    ['a domain over 253 characters', `x@${Array(5).fill('d'.repeat(60)).join('.')}.com`],
    ['a local part over 64 characters', `${'l'.repeat(65)}@example.com`],
    ['two dots in a row', 'a..b@example.com'],
    ['a leading dot', '.a@example.com'],
    ['no top-level domain', 'a@localhost'],
    ['a space', 'a b@example.com'],
  ])('when the address has %s, then it is refused', (_what, email) => {
    const parsed = EmailField.safeParse(email);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('use a valid e-mail address');
  });
});
