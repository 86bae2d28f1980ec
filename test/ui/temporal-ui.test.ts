import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { addDays, addYears, dateAt } from '../../rules/calendar';
import { ACE_CPT, NASM_CPT } from '../../rules/policies';
import type { CalendarDate } from '../../rules/types';
import { credentialWorkflowId } from '../../workflows/contract';
import { eventually, httpClient, type HttpClient } from '../support/http';
import { startStack, type Stack } from '../support/stack';

// What ops see in the Temporal Web UI (served by the dev server, as in `npm run dev`): the list
// filtered by our search attributes, and a credential's page with its summary and current details.
// Real time: the dev server cannot skip time, so the phases come from certification dates in the past.

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
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'ui');
const UI_TIMEOUT = 30_000;

const nasmToday = (): CalendarDate => dateAt(Date.now(), NASM_CPT.timeZone);
const aceToday = (): CalendarDate => dateAt(Date.now(), ACE_CPT.timeZone);
/** Certified `years` years and `days` days before today: E = certification + 2 years. */
const certifiedAgo = (today: CalendarDate, years: number, days: number) =>
  addDays(addYears(today, -years), -days);

const CREDENTIALS = {
  active: { number: 'UI-ACTIVE-1', policyId: 'nasm-cpt', phase: 'Active', certified: () => nasmToday() },
  late: {
    number: 'UI-LATE-1',
    policyId: 'nasm-cpt',
    phase: 'ExpiredLate',
    certified: () => certifiedAgo(nasmToday(), 2, 10),
  },
  reinstatement: {
    number: 'UI-REINSTATE-1',
    policyId: 'nasm-cpt',
    phase: 'ExpiredReinstatement',
    certified: () => certifiedAgo(nasmToday(), 2, 120),
  },
  // ACE, expiring in 20 days: the "expiring in the next 30 days" query finds it.
  aceExpiring: {
    number: 'UI-ACE-1',
    policyId: 'ace-cpt',
    phase: 'Active',
    certified: () => certifiedAgo(aceToday(), 2, -20),
  },
} as const;
type Key = keyof typeof CREDENTIALS;
const ALL = Object.keys(CREDENTIALS) as Key[];
const idOf = (key: Key) => credentialWorkflowId(CREDENTIALS[key].number);

describe('Temporal Web UI for ops: credentials found by search attributes, with their summary and details', () => {
  let stack: Stack;
  let uiUrl: string;
  let http: HttpClient;
  let browser: BrowserContext | undefined;
  let page: Page;
  let userDataDir: string | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: run \`npm run setup\` as root (it apt-get installs Debian's chromium) ` +
          'or set CHROMIUM_PATH to a Chromium executable.',
      );
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack({ ui: true });
    if (!stack.uiUrl) throw new Error('startStack({ ui: true }) returned no uiUrl');
    uiUrl = stack.uiUrl;
    http = httpClient(stack.baseUrl);
    const { token } = await stack.repository.createApiKey('service', 'ui test service');
    for (const key of ALL) {
      const c = CREDENTIALS[key];
      const answer = await http('POST', '/credentials', {
        token,
        body: {
          credentialNumber: c.number,
          certificationDate: c.certified(),
          policyId: c.policyId,
          holder: { name: `UI ${key}`, email: `${key.toLowerCase()}@example.test` },
        },
      });
      if (answer.status !== 202)
        throw new Error(`enrol ${c.number}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    userDataDir = mkdtempSync(path.join(tmpdir(), 'recertify-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1440, height: 1000 },
      timezoneId: 'UTC',
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(UI_TIMEOUT);
  });

  afterAll(async () => {
    await browser?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await stack?.stop();
  });

  /** Workflow ids a visibility query returns (eventually consistent: callers poll). */
  async function idsFor(query: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const execution of stack.env.client.workflow.list({ query })) ids.push(execution.workflowId);
    return ids.sort();
  }
  /** Polls until `query` returns exactly the expected credentials (among ours). */
  async function expectQuery(query: string, expected: Key[]): Promise<void> {
    const want = expected.map(idOf).sort();
    let last: string[] = [];
    await eventually(
      async () => {
        last = await idsFor(query);
        return JSON.stringify(last) === JSON.stringify(want);
      },
      20_000,
      `${query} → [${want.join(', ')}]`,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; last answer: [${last.join(', ')}]`);
    });
  }

  it('when credentials in different phases are enrolled, then their workflows publish CredentialPhase and PolicyId', async () => {
    for (const key of ALL) {
      const { phase, policyId } = CREDENTIALS[key];
      const expected = ALL.filter(
        (k) => CREDENTIALS[k].phase === phase && CREDENTIALS[k].policyId === policyId,
      );
      await expectQuery(`CredentialPhase = '${phase}' AND PolicyId = '${policyId}'`, expected);
    }
  });

  it("when ops run the README's list queries, then the dev server accepts each and answers as documented", async () => {
    const in30Days = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const now = new Date().toISOString();
    await expectQuery(`ExpirationDate < "${in30Days}" AND CredentialPhase = "Active"`, ['aceExpiring']);
    await expectQuery(`CredentialPhase = "ExpiredLate"`, ['late']);
    await expectQuery(`CredentialPhase = "ExpiredReinstatement"`, ['reinstatement']);
    await expectQuery(`CredentialPhase IN ("ExpiredLate", "ExpiredReinstatement")`, [
      'late',
      'reinstatement',
    ]);
    await expectQuery(`PolicyId = "ace-cpt"`, ['aceExpiring']);
    await expectQuery(`PolicyId = "nasm-cpt" AND CredentialPhase = "Active"`, ['active']);
    // README's "Short of CEUs" (CeusEarned is set by first-release runs only): none of these
    // credentials has reported a course.
    await expectQuery(`CeuRequirementMet = false`, ALL);
    const in90Days = new Date(Date.now() + 90 * 86_400_000).toISOString();
    await expectQuery(`NextDeadline < "${in90Days}" AND CredentialPhase != "Active"`, ['late']);
    // No audit runs here (no application was submitted): accepted, and nothing matches yet.
    await expectQuery(`AuditState = "UnderReview"`, []);
    await expectQuery(`AuditState = "AwaitingDocuments" AND NextDeadline < "${now}"`, []);
    await expectQuery(`AuditState = "None"`, ALL);
    const in7Days = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await expectQuery(`AuditState = "AwaitingDocuments" AND NextDeadline < "${in7Days}"`, []);
    await expectQuery(`AuditState = "Failed"`, []);
    await expectQuery(`ExpirationDate BETWEEN "${now}" AND "${in30Days}"`, ['aceExpiring']);
  });

  it('when ops filter the workflow list by CredentialPhase = "ExpiredLate", then only the credential in its late window is listed', async () => {
    await expectQuery(`CredentialPhase = "ExpiredLate"`, ['late']);
    const query = encodeURIComponent('CredentialPhase = "ExpiredLate"');
    await page.goto(`${uiUrl}/namespaces/default/workflows?query=${query}`);

    const table = page.locator('table');
    const late = table.getByRole('link', { name: idOf('late'), exact: true });
    await late.waitFor({ state: 'visible' });
    // The filter is applied (shown back to ops) and the count matches the one row.
    await page.getByText('CredentialPhase = "ExpiredLate"').first().waitFor({ state: 'visible' });
    await page.getByText(/1–1\s*of 1/).waitFor({ state: 'visible' });
    for (const other of ALL.filter((k) => k !== 'late')) {
      await expect(table.getByText(idOf(other), { exact: true }).count()).resolves.toBe(0);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'list-expired-late.png'), fullPage: true });

    // Cross-check: without the filter every credential is listed, so the absence above means something.
    await page.goto(`${uiUrl}/namespaces/default/workflows`);
    for (const key of ALL) {
      await table.getByRole('link', { name: idOf(key), exact: true }).waitFor({ state: 'visible' });
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'list-all.png'), fullPage: true });
  });

  it("when ops open the late credential's page, then its summary, current details and search attributes say where it stands", async () => {
    const { number, policyId } = CREDENTIALS.late;
    const expiration = addYears(CREDENTIALS.late.certified(), 2);
    const lateWindowEnd = addDays(expiration, 90);
    await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(idOf('late'))}`);
    await page
      .getByRole('heading', { name: idOf('late') })
      .first()
      .waitFor({ state: 'visible' });

    // UI 2.54 shows the static summary and the current details (read live from the worker) under
    // the "User Metadata" tab, not in the page header.
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    await page.waitForURL(/\/user-metadata$/);
    // Both are rendered (as markdown) in sandboxed iframes of their own.
    const summary = page
      .frameLocator('iframe#user-metadata-summary')
      .getByText(`Credential ${number} (${policyId})`, { exact: true });
    await summary.waitFor({ state: 'visible' });
    const details = page
      .frameLocator('iframe#user-metadata-current-details')
      .getByText(`Expired ${expiration} — late window open until ${lateWindowEnd}, fee $129`, {
        exact: true,
      });
    await details.waitFor({ state: 'visible' });
    await page.screenshot({
      path: path.join(ARTIFACTS, 'workflow-expired-late-user-metadata.png'),
      fullPage: true,
    });

    await page.getByRole('tab', { name: 'Search Attributes' }).click();
    await page.waitForURL(/\/search-attributes$/);
    await page.getByText('CredentialPhase').first().waitFor({ state: 'visible' });
    await page.getByText('ExpiredLate').first().waitFor({ state: 'visible' });
    await page.getByText('nasm-cpt').first().waitFor({ state: 'visible' });
    await page.screenshot({
      path: path.join(ARTIFACTS, 'workflow-expired-late-search-attributes.png'),
      fullPage: true,
    });
  });
});
