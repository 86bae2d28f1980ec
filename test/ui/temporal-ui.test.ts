import type { Page } from 'playwright-core';
import { addDays, addYears, dateAt } from '../../rules/calendar';
import { ACE_CPT, NASM_CPT } from '../../rules/policies';
import type { CalendarDate } from '../../rules/types';
import { CREDENTIAL_WORKFLOW_TYPE, credentialWorkflowId } from '../../workflows/contract';
import { newCredentialInput, startOptions } from '../../workflows/start';
import { eventually, httpClient, type CredentialRead, type HttpClient } from '../support/http';
import { startStack, type Stack } from '../support/stack';
import {
  apply,
  artifacts,
  expectStatus,
  meetRequirement,
  openBrowser,
  readmeOpsQueries,
  shiftInstants,
  submitDocuments,
  type Browser,
  type Keys,
  type OpsQuery,
} from './ui-support';

// What ops see in the Temporal Web UI (served by the dev server, as in `npm run dev`): README's list
// queries, each opened from README's own link, against credentials in every state ops ask about
// (renewed, lapsed, revoked, terminated, audited), and a credential's page with its summary and
// current details. Real time: the dev server cannot skip time, so phases come from certification
// dates in the past and renewals, audits and revocations go through the API.

const screenshot = artifacts('ops-queries');
const nasmToday = (): CalendarDate => dateAt(Date.now(), NASM_CPT.timeZone);
const aceToday = (): CalendarDate => dateAt(Date.now(), ACE_CPT.timeZone);
/** Certified `years` years and `days` days before today: E = certification + 2 years. */
const certifiedAgo = (today: CalendarDate, years: number, days: number) =>
  addDays(addYears(today, -years), -days);

type Setup = 'none' | 'renew' | 'audit' | 'review' | 'fail' | 'revoke' | 'terminate';
interface Spec {
  readonly number: string;
  readonly policyId: 'nasm-cpt' | 'ace-cpt';
  /** The phase of its running execution (closed ones: the phase it closed in). */
  readonly phase: string;
  readonly certified: () => CalendarDate;
  readonly setup: Setup;
}

const CREDENTIALS = {
  active: {
    number: 'UI-ACTIVE-1',
    policyId: 'nasm-cpt',
    phase: 'Active',
    certified: nasmToday,
    setup: 'none',
  },
  late: {
    number: 'UI-LATE-1',
    policyId: 'nasm-cpt',
    phase: 'ExpiredLate',
    certified: () => certifiedAgo(nasmToday(), 2, 10),
    setup: 'none',
  },
  reinstatement: {
    number: 'UI-REINSTATE-1',
    policyId: 'nasm-cpt',
    phase: 'ExpiredReinstatement',
    certified: () => certifiedAgo(nasmToday(), 2, 120),
    setup: 'none',
  },
  // ACE, expiring in 20 days: the "expiring in the next 30 days" query finds it.
  aceExpiring: {
    number: 'UI-ACE-1',
    policyId: 'ace-cpt',
    phase: 'Active',
    certified: () => certifiedAgo(aceToday(), 2, -20),
    setup: 'none',
  },
  // In its late window like `late`, then renewed: its closed run keeps CredentialPhase "ExpiredLate"
  // and last cycle's ExpirationDate, and its new run is Active for two years.
  renewed: {
    number: 'UI-RENEWED-1',
    policyId: 'nasm-cpt',
    phase: 'Active',
    certified: () => certifiedAgo(nasmToday(), 2, 10),
    setup: 'renew',
  },
  // Lapsed ten days ago: the run closes at once.
  lapsed: {
    number: 'UI-LAPSED-1',
    policyId: 'nasm-cpt',
    phase: 'Lapsed',
    certified: () => certifiedAgo(nasmToday(), 3, 10),
    setup: 'none',
  },
  revoked: {
    number: 'UI-REVOKED-1',
    policyId: 'nasm-cpt',
    phase: 'Revoked',
    certified: () => certifiedAgo(nasmToday(), 1, 0),
    setup: 'revoke',
  },
  // Terminated by hand (what the compose UI forbids): its closed run still says Active.
  terminated: {
    number: 'UI-TERMINATED-1',
    policyId: 'nasm-cpt',
    phase: 'Active',
    certified: () => certifiedAgo(nasmToday(), 1, 0),
    setup: 'terminate',
  },
  // Applied mid-cycle and drawn for audit: awaiting documents (due in 30 days), under review, failed.
  auditAwaiting: {
    number: 'UI-AUDIT-DOCS-1',
    policyId: 'nasm-cpt',
    phase: 'Active',
    certified: () => certifiedAgo(nasmToday(), 1, 0),
    setup: 'audit',
  },
  auditReview: {
    number: 'UI-AUDIT-REVIEW-1',
    policyId: 'nasm-cpt',
    phase: 'Active',
    certified: () => certifiedAgo(nasmToday(), 1, 0),
    setup: 'review',
  },
  auditFailed: {
    number: 'UI-AUDIT-FAILED-1',
    policyId: 'nasm-cpt',
    phase: 'Active',
    certified: () => certifiedAgo(nasmToday(), 1, 0),
    setup: 'fail',
  },
} as const satisfies Record<string, Spec>;
type Key = keyof typeof CREDENTIALS;
const ALL = Object.keys(CREDENTIALS) as Key[];
const idOf = (key: Key) => credentialWorkflowId(CREDENTIALS[key].number);
const RUNNING: Key[] = [
  'active',
  'late',
  'reinstatement',
  'aceExpiring',
  'renewed',
  'auditAwaiting',
  'auditReview',
  'auditFailed',
];

/**
 * What each of README's queries must return among these credentials, by README's question. A README
 * row without an entry here (or an entry without its row) fails the test.
 */
const EXPECTED: Record<string, Key[]> = {
  'Every live credential, one row each': RUNNING,
  'Expiring in the next 30 days': ['aceExpiring'],
  // late expired 10 days ago; renewed's closed run has the same old expiration and is left out.
  'Expired or expiring between two dates': ['late', 'aceExpiring'],
  'In the late window (fee + late fee)': ['late'],
  'In reinstatement': ['reinstatement'],
  'Expired but still renewable': ['late', 'reinstatement'],
  // late's window closes in 80 days; reinstatement lapses in 245.
  'Expired, something happens within 90 days': ['late'],
  'Short of CEUs (requirement not met for a renewal on the expiration date)': [
    'active',
    'late',
    'reinstatement',
    'aceExpiring',
    'renewed',
  ],
  'Audits awaiting documents': ['auditAwaiting'],
  // Its documents are due in 30 days and it expires in a year: nothing within 7 days (see below).
  'Awaiting audit documents, something due within 7 days': [],
  'Audits waiting for review': ['auditReview'],
  'Audit failed (documents overdue, or failed by ops)': ['auditFailed'],
  'One certifying body': ['aceExpiring'],
  'Lapsed (closed)': ['lapsed'],
  'Revoked (closed)': ['revoked'],
  'Closed abnormally (terminated, failed, cancelled, timed out): tell engineering': ['terminated'],
};

describe('Temporal Web UI for ops: README list queries over renewed, lapsed, revoked and audited credentials', () => {
  let stack: Stack;
  let uiUrl: string;
  let http: HttpClient;
  let browser: Browser | undefined;
  let page: Page;
  const keys: Keys = { service: '', portal: '', ops: '' };
  // The worker's audit draw for the next application (0: audited; 9999: not).
  let nextDraw = 9999;
  const readme = readmeOpsQueries();

  beforeAll(async () => {
    stack = await startStack({ ui: true, auditDraw: () => nextDraw });
    if (!stack.uiUrl) throw new Error('startStack({ ui: true }) returned no uiUrl');
    uiUrl = stack.uiUrl;
    http = httpClient(stack.baseUrl);
    for (const role of ['service', 'portal', 'ops'] as const) {
      keys[role] = (await stack.repository.createApiKey(role, `ui test ${role}`)).token;
    }
    for (const key of ALL) {
      const c: Spec = CREDENTIALS[key];
      if (c.phase === 'Lapsed') {
        // The API refuses to enrol a credential whose lapse date has passed (as import does); a
        // backend service starting the workflow directly still can, and the run closes at once.
        const versions = await stack.repository.policyVersions(c.policyId);
        const input = newCredentialInput({
          credentialNumber: c.number,
          certifiedOn: c.certified(),
          versions,
        });
        await stack.env.client.workflow.start(CREDENTIAL_WORKFLOW_TYPE, {
          ...startOptions(input, Date.now()),
          taskQueue: 'credentials-test',
        });
        continue;
      }
      const answer = await http('POST', '/credentials', {
        token: keys.service,
        body: {
          credentialNumber: c.number,
          certificationDate: c.certified(),
          policyId: c.policyId,
          holder: { name: `UI ${key}`, email: `${key.toLowerCase()}@example.test` },
        },
      });
      expectStatus(answer, 202, `enrol ${c.number}`);
      await bringTo(c);
    }
    browser = await openBrowser();
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function bringTo(c: Spec): Promise<void> {
    const zone = c.policyId === 'ace-cpt' ? ACE_CPT.timeZone : NASM_CPT.timeZone;
    switch (c.setup) {
      case 'none':
        return;
      case 'renew':
        await meetRequirement(http, keys, c.number, zone);
        nextDraw = 9999;
        await apply(http, keys, c.number);
        await eventually(
          async () => {
            const { body } = await http<CredentialRead>('GET', `/credentials/${c.number}`, {
              token: keys.ops,
            });
            return body.state?.cycle === 2;
          },
          30_000,
          `${c.number} renewed into cycle 2`,
        );
        return;
      case 'audit':
      case 'review':
      case 'fail':
        await meetRequirement(http, keys, c.number, zone);
        nextDraw = 0;
        await apply(http, keys, c.number);
        nextDraw = 9999;
        if (c.setup === 'audit') return;
        await submitDocuments(http, keys, c.number);
        if (c.setup === 'review') return;
        expectStatus(
          await http('POST', `/credentials/${c.number}/audit/decision`, {
            token: keys.ops,
            body: { outcome: 'failed', reason: 'Certificates do not match the reported courses.' },
          }),
          200,
          `fail the audit of ${c.number}`,
        );
        return;
      case 'revoke':
        expectStatus(
          await http('POST', `/credentials/${c.number}/revocation`, {
            token: keys.ops,
            body: { reason: 'Fraudulent exam record.' },
          }),
          200,
          `revoke ${c.number}`,
        );
        return;
      case 'terminate':
        await stack.env.client.workflow
          .getHandle(credentialWorkflowId(c.number))
          .terminate('ui test: a credential closed abnormally');
        return;
    }
  }

  /** Workflow ids a visibility query returns, one per matching execution (eventually consistent). */
  async function idsFor(query: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const execution of stack.env.client.workflow.list({ query })) ids.push(execution.workflowId);
    return ids.sort();
  }
  /** Polls until `query` returns exactly the expected credentials, each once. */
  async function expectQuery(query: string, expected: readonly Key[]): Promise<void> {
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

  /** README's link, pointed at this UI, with its instants moved to today. */
  function linkFor(row: OpsQuery, now: number): string {
    const url = new URL(row.link);
    const query = url.searchParams.get('query') ?? '';
    const local = new URL(
      `${url.pathname}?query=${encodeURIComponent(shiftInstants(query, readme.now, now))}`,
      uiUrl,
    );
    return local.toString();
  }

  /** The workflow ids of the rows the list shows (one per execution). */
  async function listedIds(): Promise<string[]> {
    const rows = page.locator('tr[data-testid="workflows-summary-configurable-table-row"]');
    const ids: string[] = [];
    for (const row of await rows.all()) {
      const texts = await row.getByRole('link').allInnerTexts();
      const id = texts.map((t) => t.trim()).find((t) => t.startsWith('credential-'));
      if (id) ids.push(id);
    }
    return ids.sort();
  }

  /** Opens a list link and waits until its rows are exactly the expected credentials. */
  async function expectListed(link: string, expected: readonly Key[], file: string): Promise<void> {
    const want = expected.map(idOf).sort();
    await page.goto(link);
    const rows = page.locator('tr[data-testid="workflows-summary-configurable-table-row"]');
    await (want.length === 0 ? page.getByText('No Workflows Found') : rows.first()).waitFor({
      state: 'visible',
    });
    let last: string[] = [];
    await eventually(
      async () => {
        last = await listedIds();
        return JSON.stringify(last) === JSON.stringify(want);
      },
      10_000,
      `${link} lists [${want.join(', ')}]`,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; listed: [${last.join(', ')}]`);
    });
    await page.screenshot({ path: screenshot(file), fullPage: true });
  }

  it('when README documents its list queries, then each is a ready link to exactly that query, with an expectation here', () => {
    expect(readme.rows.map((r) => r.question).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const row of readme.rows) {
      const url = new URL(row.link);
      expect([row.question, url.origin, url.pathname]).toEqual([
        row.question,
        'http://localhost:8233',
        '/namespaces/default/workflows',
      ]);
      expect([row.question, url.searchParams.get('query')]).toEqual([row.question, row.query]);
      // A current-state question filters on running executions; closed ones name their status.
      expect([row.question, /^ExecutionStatus (=|IN) /.test(row.query)]).toEqual([row.question, true]);
    }
  });

  it('when credentials in different phases are enrolled, then their running executions publish CredentialPhase and PolicyId', async () => {
    for (const key of RUNNING) {
      const { phase, policyId } = CREDENTIALS[key];
      const expected = RUNNING.filter(
        (k) => CREDENTIALS[k].phase === phase && CREDENTIALS[k].policyId === policyId,
      );
      await expectQuery(
        `ExecutionStatus = "Running" AND CredentialPhase = '${phase}' AND PolicyId = '${policyId}'`,
        expected,
      );
    }
  });

  it("when a renewed credential's closed run keeps its last search attributes, then only the running filter leaves it out", async () => {
    // The stale run is there: without the filter the late-window query lists the renewed credential.
    await expectQuery(`CredentialPhase = "ExpiredLate"`, ['late', 'renewed']);
    await expectQuery(`WorkflowId = "${idOf('renewed')}"`, ['renewed', 'renewed']);
    await expectQuery(`WorkflowId = "${idOf('renewed')}" AND ExecutionStatus = "ContinuedAsNew"`, [
      'renewed',
    ]);
  });

  it("when ops run README's list queries, then the server answers each with exactly the expected credentials", async () => {
    const now = Date.now();
    for (const row of readme.rows) {
      await expectQuery(shiftInstants(row.query, readme.now, now), EXPECTED[row.question] ?? ['?' as Key]);
    }
    // The 7-day audit query is not empty for want of a match: 31 days reach the documents' due date.
    const audit = readme.rows.find((r) => r.question.startsWith('Awaiting audit documents, something due'));
    if (!audit) throw new Error('README lost its "something due within 7 days" audit query');
    await expectQuery(shiftInstants(audit.query, readme.now, now + 24 * 86_400_000), ['auditAwaiting']);
  });

  it("when ops open each of README's links in the UI, then the list shows exactly the expected credentials, one row each", async () => {
    const now = Date.now();
    for (const [i, row] of readme.rows.entries()) {
      await expectListed(
        linkFor(row, now),
        EXPECTED[row.question] ?? [],
        `query-${String(i + 1).padStart(2, '0')}.png`,
      );
    }
    // Unfiltered, the default list shows every execution: the renewed credential twice.
    await page.goto(`${uiUrl}/namespaces/default/workflows`);
    await eventually(
      async () => (await listedIds()).length === ALL.length + 1,
      10_000,
      'every execution listed',
    );
    expect(await listedIds()).toEqual([...ALL.map(idOf), idOf('renewed')].sort());
    await page.screenshot({ path: screenshot('list-all-executions.png'), fullPage: true });
  }, 300_000);

  it("when ops add the search-attribute columns as README says, then the list shows each credential's phase and audit state", async () => {
    const live = readme.rows.find((r) => r.question === 'Every live credential, one row each');
    if (!live) throw new Error('README lost its "every live credential" query');
    await page.goto(linkFor(live, Date.now()));
    await page.getByRole('button', { name: 'Configure Columns' }).click();
    const drawer = page.getByRole('heading', { name: 'Configure Workflows Table' });
    await drawer.waitFor({ state: 'visible' });
    await page.getByText('Custom Search Attributes').waitFor({ state: 'visible' });
    for (const column of [
      'CredentialPhase',
      'ExpirationDate',
      'NextDeadline',
      'CeuRequirementMet',
      'AuditState',
      'PolicyId',
    ]) {
      await page.getByRole('button', { name: `Add ${column} column` }).click();
    }
    await page.getByRole('button', { name: 'Remove Run ID column' }).click();
    await page.screenshot({ path: screenshot('configure-columns.png'), fullPage: true });
    await page.getByTestId('drawer-close-button').first().click();

    const header = (column: string) => page.getByTestId(`workflows-summary-table-header-cell-${column}`);
    for (const column of ['CredentialPhase', 'CeuRequirementMet', 'AuditState', 'PolicyId']) {
      await header(column).waitFor({ state: 'visible' });
    }
    const columns: string[] = [];
    for (const th of await page.locator('th').all())
      columns.push((await th.getAttribute('data-testid')) ?? '');
    /** The row of a credential's running execution, as {column: text}. */
    const cellsOf = async (key: Key): Promise<Record<string, string>> => {
      const row = page
        .locator('tr[data-testid="workflows-summary-configurable-table-row"]')
        .filter({ has: page.getByRole('link', { name: idOf(key), exact: true }) });
      // textContent: the UI upper-cases booleans with CSS.
      const texts = await row.locator('td').allTextContents();
      return Object.fromEntries(
        columns.map((c, i) => [
          c.replace('workflows-summary-table-header-cell-', ''),
          texts[i]?.trim() ?? '',
        ]),
      );
    };
    expect(await cellsOf('late')).toMatchObject({
      CredentialPhase: 'ExpiredLate',
      CeuRequirementMet: 'false',
      AuditState: 'None',
      PolicyId: 'nasm-cpt',
    });
    expect(await cellsOf('auditReview')).toMatchObject({
      CredentialPhase: 'Active',
      CeuRequirementMet: 'true',
      AuditState: 'UnderReview',
      PolicyId: 'nasm-cpt',
    });
    expect(await cellsOf('aceExpiring')).toMatchObject({
      CredentialPhase: 'Active',
      CeuRequirementMet: 'false',
      AuditState: 'None',
      PolicyId: 'ace-cpt',
    });
    await page.screenshot({ path: screenshot('list-with-columns.png'), fullPage: true });
  });

  it("when ops open the late credential's page, then its summary, current details and search attributes say where it stands", async () => {
    const { number, policyId } = CREDENTIALS.late;
    const expiration = addYears(CREDENTIALS.late.certified(), 2);
    const lateWindowEnd = addDays(expiration, 90);
    await openUserMetadata('late');
    const summary = page
      .frameLocator('iframe#user-metadata-summary')
      .getByText(`Credential ${number} (${policyId})`, { exact: true });
    await summary.waitFor({ state: 'visible' });
    const details = page
      .frameLocator('iframe#user-metadata-current-details')
      .getByText(
        `Expired ${expiration} — late window open until ${lateWindowEnd}, fee $129; 0.00 of 2.00 CEUs`,
        {
          exact: true,
        },
      );
    await details.waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshot('workflow-expired-late-user-metadata.png'), fullPage: true });

    await page.getByRole('tab', { name: 'Search Attributes' }).click();
    await page.waitForURL(/\/search-attributes$/);
    await page.getByText('CredentialPhase').first().waitFor({ state: 'visible' });
    await page.getByText('ExpiredLate').first().waitFor({ state: 'visible' });
    await page.getByText('CeuRequirementMet').first().waitFor({ state: 'visible' });
    await page.getByText('nasm-cpt').first().waitFor({ state: 'visible' });
    await page.screenshot({
      path: screenshot('workflow-expired-late-search-attributes.png'),
      fullPage: true,
    });
  });

  it("when ops open an audited credential's page, then its details say the requirement is met and the audit is under review", async () => {
    const { number } = CREDENTIALS.auditReview;
    const today = nasmToday();
    const expiration = addYears(CREDENTIALS.auditReview.certified(), 2);
    await openUserMetadata('auditReview');
    await page
      .frameLocator('iframe#user-metadata-current-details')
      .getByText(
        `Active — expires ${expiration}, renewal fee $99; CEU requirement met; ` +
          `application ${number}-c1-app1 received ${today} pending; audit documents under review`,
        { exact: true },
      )
      .waitFor({ state: 'visible' });
    await page.screenshot({
      path: screenshot('workflow-audit-under-review-user-metadata.png'),
      fullPage: true,
    });
  });

  async function openUserMetadata(key: Key): Promise<void> {
    await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(idOf(key))}`);
    await page
      .getByRole('heading', { name: idOf(key) })
      .first()
      .waitFor({ state: 'visible' });
    // UI 2.54 shows the static summary and the current details (read live from the worker) under
    // the "User Metadata" tab, each rendered (as markdown) in a sandboxed iframe of its own.
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    await page.waitForURL(/\/user-metadata$/);
  }
});
