import type { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { parse } from 'yaml';
import { addYears, dateAt } from '../../rules/calendar';
import { NASM_CPT } from '../../rules/policies';
import { credentialWorkflowId, type CredentialView } from '../../workflows/contract';
import { DESCRIPTIONS } from '../../workflows/cycle/descriptions';
import { interpolate, parseEnvFile, ROOT } from '../support/compose';
import { eventually, httpClient, type CredentialRead, type HttpClient } from '../support/http';
import { startStack, type Stack } from '../support/stack';
import {
  apply,
  artifacts,
  expectStatus,
  meetRequirement,
  openBrowser,
  submitDocuments,
  type Browser,
  type Keys,
} from './ui-support';

// Issue 8 item 4: what ops can do to a credential from the Temporal UI's own buttons (the dev
// server's UI has them all on; the compose stack's UI switches them off) does not harm it. From
// Chromium: a malformed `reportCeuCompletion` signal, a `decideAudit` update without an actor, the
// worker's own `recordingFailed` signal naming no batch of the run, and "Request Cancellation". Then the credential is proven healthy: the query answers (in the UI too),
// the API answers 200, the next deadline's timer is still armed, PostgreSQL agrees with the workflow
// and records each refusal, and the credential still renews when ops pass its audit through the API.

const screenshot = artifacts('ops-actions');
const NUMBER = 'UI-OPS-1';
const ID = credentialWorkflowId(NUMBER);
// Certified a year ago, so in the middle of its cycle; applied, drawn for audit, documents in.
const certifiedOn = addYears(dateAt(Date.now(), NASM_CPT.timeZone), -1);
const expiration = addYears(certifiedOn, 2);

const SIGNAL_REASON =
  'units: send whole hundredths of a CEU as an integer (50 = 0.50 CEUs); completedOn: send a date as YYYY-MM-DD';
const UPDATE_REASON =
  'The message is invalid: decidedBy: send the actor as {"kind":"ops","id":"<your API key id or staff id>"}.';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

describe('Temporal Web UI: a malformed signal, an update without an actor and a cancel request leave the credential healthy', () => {
  let stack: Stack;
  let http: HttpClient;
  let browser: Browser | undefined;
  let page: Page;
  let uiUrl: string;
  const keys: Keys = { service: '', portal: '', ops: '' };
  let before: CredentialView;

  beforeAll(async () => {
    stack = await startStack({ ui: true, auditDraw: () => 0 });
    if (!stack.uiUrl) throw new Error('startStack({ ui: true }) returned no uiUrl');
    uiUrl = stack.uiUrl;
    http = httpClient(stack.baseUrl);
    for (const role of ['service', 'portal', 'ops'] as const) {
      keys[role] = (await stack.repository.createApiKey(role, `ui ops ${role}`)).token;
    }
    expectStatus(
      await http('POST', '/credentials', {
        token: keys.service,
        body: {
          credentialNumber: NUMBER,
          certificationDate: certifiedOn,
          holder: { name: 'UI Ops', email: 'ui.ops@example.test' },
        },
      }),
      202,
      `enrol ${NUMBER}`,
    );
    await meetRequirement(http, keys, NUMBER, NASM_CPT.timeZone);
    await apply(http, keys, NUMBER);
    await submitDocuments(http, keys, NUMBER);
    before = await queryState();
    expect(before.audit?.state).toBe('UnderReview');
    browser = await openBrowser();
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const handle = () => stack.env.client.workflow.getHandle(ID);
  const queryState = () => handle().query<CredentialView>('getState');
  const refusals = () =>
    stack.db.credentialEvent.findMany({
      where: { credentialNumber: NUMBER, outcome: 'rejected' },
      orderBy: { id: 'asc' },
    });

  async function openWorkflow(): Promise<void> {
    await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(ID)}`);
    await page.getByRole('heading', { name: ID }).first().waitFor({ state: 'visible' });
  }

  /** Opens "More Actions" → `item` and returns its dialog. */
  async function moreActions(item: 'Send a Signal' | 'Send an Update') {
    await page.getByRole('button', { name: 'More Actions' }).click();
    await page.getByRole('menuitem', { name: item }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: item });
    await dialog.waitFor({ state: 'visible' });
    return dialog;
  }

  /** In "Send a Signal": picks `name` (its help text shown on hover) and returns the option. */
  async function pickSignal(
    dialog: Awaited<ReturnType<typeof moreActions>>,
    name: keyof typeof DESCRIPTIONS,
  ) {
    await dialog.getByTestId('signal-select-button').click();
    const option = dialog.getByRole('option', { name: new RegExp(`^${name}`) });
    await option.hover();
    await option.getByText(DESCRIPTIONS[name], { exact: true }).waitFor({ state: 'visible' });
    return option;
  }

  /** Types `data` into the open dialog (a screenshot named `shot` then) and sends the signal. */
  async function submitSignal(
    dialog: Awaited<ReturnType<typeof moreActions>>,
    data: string,
    shot?: string,
  ): Promise<void> {
    await dialog.getByRole('textbox', { name: 'Data' }).click();
    await page.keyboard.insertText(data);
    if (shot) await page.screenshot({ path: screenshot(shot) });
    await dialog.getByRole('button', { name: 'Submit' }).click();
    await page
      .locator('#workflow-signal-success-toast')
      .getByText('Workflow signaled.')
      .waitFor({ state: 'visible' });
  }

  it('when ops send reportCeuCompletion with the API\'s shape from "Send a Signal", then it is refused and recorded, and nothing else changes', async () => {
    await openWorkflow();
    const dialog = await moreActions('Send a Signal');
    // The dialog lists each signal with its help text (workflows/cycle/descriptions.ts).
    const option = await pickSignal(dialog, 'reportCeuCompletion');
    await dialog
      .getByRole('option', { name: /^reportCprAed/ })
      .getByText(DESCRIPTIONS.reportCprAed, { exact: true })
      .waitFor({ state: 'attached' });
    await page.screenshot({ path: screenshot('1-signal-descriptions.png') });
    await option.click();
    await submitSignal(dialog, '{"units":"0.50"}', '2-signal-malformed.png');

    // Recorded as refused, with its reasons, in PostgreSQL (the history API reads it from there).
    const refused = await eventually(
      async () => (await refusals()).find((e) => e.type === 'reportCeuCompletion'),
      20_000,
      'the refused signal in PostgreSQL',
    );
    expect(refused.reason).toContain(SIGNAL_REASON);
    expect(refused.reason).toContain('reportedBy: send the actor as');
    // Nothing was counted: the same two courses, in the workflow and in PostgreSQL.
    const after = await queryState();
    expect(after.completions).toEqual(before.completions);
    expect(after.ceus).toEqual(before.ceus);
    expect(await stack.db.ceuRecord.count({ where: { credentialNumber: NUMBER } })).toBe(2);
  });

  it('when ops send decideAudit without decidedBy from "Send an Update", then the dialog shows the reason, no stack trace, and the audit stays under review', async () => {
    await openWorkflow();
    const dialog = await moreActions('Send an Update');
    await dialog.getByTestId('update-select-button').click();
    const option = dialog.getByRole('option', { name: /^decideAudit/ });
    await option.hover();
    await option.getByText(DESCRIPTIONS.decideAudit, { exact: true }).waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshot('3-update-descriptions.png') });
    await option.click();
    await dialog.getByRole('textbox', { name: 'Data' }).click();
    await page.keyboard.insertText('{"outcome":"passed","reason":"Looks fine."}');
    // UI 2.54.1 does not submit with an empty "Update ID (optional)" field: give it one.
    await dialog.getByRole('button', { name: 'Random UUID' }).click();
    await dialog.getByRole('button', { name: 'Submit' }).click();

    const alert = dialog.getByRole('alert').filter({ hasText: UPDATE_REASON });
    await alert.waitFor({ state: 'visible' });
    const shown = (await alert.innerText()).trim();
    expect(shown).toBe(UPDATE_REASON);
    expect(shown).not.toMatch(/\bat \S+ \(|\.ts:\d+|\.js:\d+|Error:/);
    await page.screenshot({ path: screenshot('4-update-refused.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).last().click();

    // The validator refused it: no update in history, and the audit is still under review everywhere.
    const events = (await handle().fetchHistory()).events ?? [];
    const accepted = events.map(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name,
    );
    // The API's application and documents were accepted; the UI's decideAudit never was.
    expect(accepted.filter(Boolean)).toEqual(['submitApplication', 'submitAuditDocuments']);
    expect((await queryState()).audit?.state).toBe('UnderReview');
    const described = await handle().describe();
    expect(described.typedSearchAttributes.get({ name: 'AuditState', type: 'KEYWORD' })).toBe('UnderReview');
    expect((await stack.db.credential.findUnique({ where: { number: NUMBER } }))?.auditState).toBe(
      'UnderReview',
    );
    const audits = await stack.db.audit.findMany({ where: { credentialNumber: NUMBER } });
    expect(audits.map((a) => a.state)).toEqual(['UnderReview']);
  });

  it('when ops send the worker\'s recordingFailed from "Send a Signal" with a batch the run does not have, then it is refused and recorded, and nothing else changes', async () => {
    await openWorkflow();
    const dialog = await moreActions('Send a Signal');
    await (await pickSignal(dialog, 'recordingFailed')).click();
    await submitSignal(dialog, '{"batch":9999}');

    const refused = await eventually(
      async () => (await refusals()).find((e) => e.type === 'recordingFailed'),
      20_000,
      'the refused recordingFailed in PostgreSQL',
    );
    expect(refused.reason).toMatch(
      /^This run has no batch 9999 waiting to be recorded \(its last batch is \d+\)\. Only the worker sends this signal\.$/,
    );
    await openWorkflow();
    await page.screenshot({ path: screenshot('8-recording-failed-refused.png'), fullPage: true });
    const after = await queryState();
    expect({ ...after, today: before.today, nextDeadline: before.nextDeadline }).toEqual(before);
  });

  it('when ops click "Request Cancellation", then the workflow records the refusal and keeps running', async () => {
    await openWorkflow();
    await page.getByRole('button', { name: 'Request Cancellation' }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: 'Cancel Workflow' });
    await dialog.waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshot('5-cancel-confirm.png') });
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Cancel Request Sent').waitFor({ state: 'visible' });

    const refused = await eventually(
      async () => (await refusals()).find((e) => e.type === 'cancel'),
      20_000,
      'the refused cancellation in PostgreSQL',
    );
    expect(refused.reason).toMatch(
      /^A cancellation request was refused: a credential ends early only by revocation/,
    );
    const events = (await handle().fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowExecutionCancelRequestedEventAttributes)).toHaveLength(1);
    expect(events.filter((e) => e.workflowExecutionCanceledEventAttributes)).toEqual([]);
    expect((await handle().describe()).status.name).toBe('RUNNING');
    await page.reload();
    await page.getByText('Running', { exact: true }).first().waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshot('6-cancel-refused-still-running.png'), fullPage: true });
  });

  it('when it is all over, then the credential is healthy: query, API, armed deadline timer, PostgreSQL in agreement, and it still renews', async () => {
    // The query answers, in the UI's Queries tab too, and nothing changed but the refusal count.
    await openWorkflow();
    await page.getByRole('tab', { name: 'Queries' }).click();
    await page.getByTestId('query-select-button').click();
    const getState = page.getByRole('option', { name: /^getState/ });
    await getState.getByText(DESCRIPTIONS.getState, { exact: true }).waitFor({ state: 'visible' });
    await getState.click();
    await page.getByRole('button', { name: 'Run Query' }).click();
    const result = page.getByRole('textbox', { name: 'Query Result' });
    await result.getByText(`"credentialNumber": "${NUMBER}"`).first().waitFor({ state: 'visible' });
    await result.getByText('"phase": "Active"').first().waitFor({ state: 'visible' });
    await page.screenshot({ path: screenshot('7-query-getState.png'), fullPage: true });
    const state = await queryState();
    expect(state).toMatchObject({ phase: 'Active', requirementMet: true, auditState: 'UnderReview' });
    expect({ ...state, today: before.today, nextDeadline: before.nextDeadline }).toEqual(before);

    // The API answers 200 from the same state.
    const read = await http<CredentialRead>('GET', `/credentials/${NUMBER}`, { token: keys.ops });
    expect(read.status).toBe(200);
    expect(read.body.state).toMatchObject({
      phase: 'Active',
      auditState: 'UnderReview',
      requirementMet: true,
    });
    const verify = await http<{ status: string; expiresOn: string }>('GET', `/verify/${NUMBER}`);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ status: 'active', expiresOn: expiration });

    // The next deadline's timer is still armed: started, neither fired nor cancelled, due in the future.
    const events: HistoryEvent[] = (await handle().fetchHistory()).events ?? [];
    const closed = new Set(
      events
        .flatMap((e) => [
          e.timerFiredEventAttributes?.timerId ?? [],
          e.timerCanceledEventAttributes?.timerId ?? [],
        ])
        .flat(),
    );
    const pending = events.filter(
      (e) => e.timerStartedEventAttributes && !closed.has(e.timerStartedEventAttributes.timerId ?? ''),
    );
    expect(pending).toHaveLength(1);
    const timer = pending[0]!;
    // startToFireTimeout is a Duration: seconds and nanos, as a Timestamp.
    const firesAt = tsToMs(timer.eventTime) + tsToMs(timer.timerStartedEventAttributes!.startToFireTimeout);
    expect(firesAt).toBeGreaterThan(Date.now());
    const nextDeadline = Date.parse(state.nextDeadline!.at);
    expect(firesAt).toBeLessThanOrEqual(nextDeadline);

    // PostgreSQL agrees with the workflow, parked nothing and holds the three refusals.
    const row = await stack.db.credential.findUnique({ where: { number: NUMBER } });
    expect(row).toMatchObject({
      phase: state.phase,
      auditState: state.audit?.state,
      cycle: state.cycle,
      workflowStatus: 'running',
    });
    expect(row?.expiresOn.toISOString().slice(0, 10)).toBe(state.dates.expiration);
    expect(await stack.db.deadLetterEvent.count()).toBe(0);
    expect((await refusals()).map((e) => e.type)).toEqual([
      'reportCeuCompletion',
      'recordingFailed',
      'cancel',
    ]);

    // And it still moves: ops pass the audit through the API, and the credential renews.
    expectStatus(
      await http('POST', `/credentials/${NUMBER}/audit/decision`, {
        token: keys.ops,
        body: { outcome: 'passed', reason: 'Certificates match the reported completions.' },
      }),
      200,
      'pass the audit through the API',
    );
    await eventually(
      async () => {
        const { body } = await http<CredentialRead>('GET', `/credentials/${NUMBER}`, { token: keys.ops });
        return body.state?.cycle === 2 && body.records?.credential?.cycle === 2;
      },
      30_000,
      'renewed into cycle 2, in the workflow and in PostgreSQL',
    );
  });
  it("when the UI runs with the compose stack's settings, then it offers signals and updates but none of the actions that end, rewind or bypass a workflow", async () => {
    // The dev server's UI cannot be configured (its /api/v1/settings says false for each), so the
    // browser gets the settings the compose UI server builds from its TEMPORAL_*_DISABLED variables
    // (server/config/docker.yaml of temporalio/ui: TEMPORAL_WORKFLOW_TERMINATE_DISABLED →
    // WorkflowTerminateDisabled, …), and the UI's own code decides what to show.
    const compose = parse(readFileSync(path.join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    const env = compose.services['temporal-ui']?.environment ?? {};
    const overrides: Record<string, boolean> = {};
    for (const [name, value] of Object.entries(env)) {
      const flag = /^TEMPORAL_([A-Z_]+)_DISABLED$/.exec(name)?.[1];
      if (!flag) continue;
      const field = flag
        .split('_')
        .map((w) => w[0] + w.slice(1).toLowerCase())
        .join('');
      // As compose resolves it with .env.example's values (signals and updates stay on).
      overrides[`${field}Disabled`] =
        interpolate(value, parseEnvFile(readFileSync(path.join(ROOT, '.env.example'), 'utf8'))) === 'true';
    }
    expect(Object.keys(overrides).sort()).toEqual([
      'BatchActionsDisabled',
      'StartWorkflowDisabled',
      'WorkflowCancelDisabled',
      'WorkflowPauseDisabled',
      'WorkflowResetDisabled',
      'WorkflowSignalDisabled',
      'WorkflowTerminateDisabled',
      'WorkflowUpdateDisabled',
    ]);
    await page.route('**/api/v1/settings*', async (route) => {
      const response = await route.fetch();
      const settings = (await response.json()) as Record<string, unknown>;
      for (const field of Object.keys(overrides)) {
        // Each is a field the UI server really sends (a misspelt one would do nothing).
        expect([field, typeof settings[field]]).toEqual([field, 'boolean']);
      }
      await route.fulfill({ response, json: { ...settings, ...overrides } });
    });
    try {
      await openWorkflow();
      const cancel = page.getByRole('button', { name: 'Request Cancellation' });
      expect((await cancel.count()) === 0 || (await cancel.isDisabled())).toBe(true);
      const more = page.getByRole('button', { name: 'More Actions' });
      // Signals and updates stay, so More Actions is there.
      await more.waitFor({ state: 'visible' });
      await more.click();
      // The menu is open (its first entry rendered) before its entries are read.
      await page.getByRole('menuitem').first().waitFor({ state: 'visible' });
      const items = await page.getByRole('menuitem').allInnerTexts();
      const enabled = async (item: string) =>
        items.some((text) => text.trim() === item) &&
        (await page.getByRole('menuitem', { name: item }).first().getAttribute('aria-disabled')) !== 'true';
      for (const item of ['Reset', 'Terminate', 'Start Workflow Like This One']) {
        expect([item, await enabled(item)]).toEqual([item, false]);
      }
      // What ops may do from the UI: the workflow checks each message (the tests above).
      for (const item of ['Send a Signal', 'Send an Update']) {
        expect([item, await enabled(item)]).toEqual([item, true]);
      }
      await page.screenshot({ path: screenshot('8-compose-settings-workflow.png'), fullPage: true });
      await page.goto(`${uiUrl}/namespaces/default/workflows`);
      await page.getByRole('link', { name: ID, exact: true }).first().waitFor({ state: 'visible' });
      await expect(page.getByRole('button', { name: 'Start Workflow' }).count()).resolves.toBe(0);
      await expect(page.getByTestId('batch-actions-checkbox').count()).resolves.toBe(0);
      await page.screenshot({ path: screenshot('9-compose-settings-list.png'), fullPage: true });
    } finally {
      await page.unroute('**/api/v1/settings*');
    }
  });
});
