import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { addDays, dateAt } from '../../rules/calendar';
import { eventually, type CredentialRead, type HttpClient, type QuoteAnswer } from '../support/http';

// What the browser tests share: Debian's chromium, the artifact folder, the README's ops queries,
// and the API calls that bring a credential to where a test needs it.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const UI_TIMEOUT = 30_000;
const ROOT = path.join(__dirname, '..', '..');

/** Screenshots of one test file, under test-artifacts/ui/<name>/. */
export function artifacts(name: string): (file: string) => string {
  const dir = path.join(ROOT, 'test-artifacts', 'ui', name);
  mkdirSync(dir, { recursive: true });
  return (file) => path.join(dir, file);
}

export interface Browser {
  page: Page;
  close: () => Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: run \`npm run setup\` as root (it apt-get installs Debian's chromium) ` +
        'or set CHROMIUM_PATH to a Chromium executable.',
    );
  }
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'recertify-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1440, height: 1000 },
    timezoneId: 'UTC',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(UI_TIMEOUT);
  return {
    page,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface OpsQuery {
  readonly question: string;
  readonly query: string;
  /** The link as README gives it (UI at http://localhost:8233). */
  readonly link: string;
}

/**
 * README's ops section: the instant its example queries are written for, and each row of its query
 * table (question, list query, link).
 */
export function readmeOpsQueries(): { now: number; rows: OpsQuery[] } {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Temporal UI for ops');
  const end = readme.indexOf('\n## ', start + 1);
  if (start < 0) throw new Error('README has no "## Temporal UI for ops" section');
  const section = readme.slice(start, end < 0 ? undefined : end);
  const now = /written for "now" = `([^`]+)`/.exec(section)?.[1];
  if (!now) throw new Error('README\'s ops section does not say which "now" its examples are for');
  const rows: OpsQuery[] = [];
  for (const line of section.split('\n')) {
    // Prettier writes a link holding parentheses as [open](<…>).
    const cells = /^\|\s*(.+?)\s*\|\s*`(.+)`\s*\|\s*\[open\]\((?:<([^>]+)>|([^)\s]+))\)\s*\|$/.exec(line);
    if (cells) rows.push({ question: cells[1]!, query: cells[2]!, link: (cells[3] ?? cells[4])! });
  }
  return { now: Date.parse(now), rows };
}

const INSTANT = /"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"/g;

/** The query with each instant moved by the same offset from `now` as it has from README's "now". */
export function shiftInstants(query: string, readmeNow: number, now: number): string {
  return query.replace(INSTANT, (_match, iso: string) => {
    const shifted = now + (Date.parse(iso) - readmeNow);
    return `"${new Date(shifted).toISOString().replace('.000Z', 'Z')}"`;
  });
}

export interface Keys {
  service: string;
  portal: string;
  ops: string;
}

const WAIT = 30_000;

/** 1.90 approved course CEUs and a hands-on CPR/AED (0.10): the requirement is met. */
export async function meetRequirement(
  http: HttpClient,
  keys: Keys,
  number: string,
  timeZone: string,
): Promise<void> {
  const today = dateAt(Date.now(), timeZone);
  const courses = [
    { provider: 'acme-ce', completionId: `${number}-A`, course: 'Nutrition basics', units: '1.00' },
    { provider: 'fit-edu', completionId: `${number}-F`, course: 'Corrective exercise', units: '0.90' },
  ];
  for (const [i, course] of courses.entries()) {
    const answer = await http('POST', `/credentials/${number}/ceu-completions`, {
      token: keys.service,
      body: { ...course, completedOn: addDays(today, -40 - 30 * i), approved: true },
    });
    expectStatus(answer, 202, `report a course for ${number}`);
  }
  const cpr = await http('POST', `/credentials/${number}/cpr-aed`, {
    token: keys.portal,
    body: {
      certificationId: `${number}-RC`,
      issuedOn: addDays(today, -100),
      expiresOn: addDays(today, 900),
      handsOn: true,
    },
  });
  expectStatus(cpr, 202, `report a CPR/AED for ${number}`);
  await eventually(
    async () => {
      const { body } = await http<CredentialRead>('GET', `/credentials/${number}`, { token: keys.ops });
      return body.state?.requirementMet === true;
    },
    WAIT,
    `${number} meets the requirement`,
  );
}

/** Applies with the fee quoted today; `auditDraw` must already be set for the worker's draw. */
export async function apply(http: HttpClient, keys: Keys, number: string): Promise<void> {
  const quote = await http<QuoteAnswer>('GET', `/credentials/${number}/fee-quote`, { token: keys.portal });
  expectStatus(quote, 200, `fee quote for ${number}`);
  const applied = await http('POST', `/credentials/${number}/applications`, {
    token: keys.portal,
    headers: { 'idempotency-key': `${number}-application` },
    body: { paymentReference: `${number}-pay`, amountPaidCents: quote.body.quote.totalCents },
  });
  expectStatus(applied, 201, `application for ${number}`);
}

export async function submitDocuments(http: HttpClient, keys: Keys, number: string): Promise<void> {
  const answer = await http('POST', `/credentials/${number}/audit/documents`, {
    token: keys.portal,
    body: { documents: [{ reference: `vault://${number}/certificates.pdf`, description: 'Certificates' }] },
  });
  expectStatus(answer, 200, `audit documents for ${number}`);
}

export function expectStatus(answer: { status: number; body: unknown }, status: number, what: string): void {
  if (answer.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}
