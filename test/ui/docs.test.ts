import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { OpenApiDocument } from '../../api/openapi';
import { httpClient } from '../support/http';
import { startStack, type Stack } from '../support/stack';
import { type Browser, openBrowser } from './ui-support';

// /docs in Chromium: Swagger UI served by the API itself renders /openapi.json, fetches nothing from
// anywhere else, runs under the page's Content-Security-Policy, and its try-it-out sends the API
// key entered in Authorize as `Authorization: Bearer`.

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'ui');

type Operation = { operationId: string; tags: string[] };

describe('/docs in Chromium: Swagger UI from the API itself, with try-it-out', () => {
  let stack: Stack;
  let browser: Browser | undefined;
  let page: Page;
  let opsKey = '';
  /** Every URL the page requested, and every Content-Security-Policy violation it reported. */
  const requested: string[] = [];
  const violations = () => page.evaluate<string[]>('window.cspViolations');

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack();
    opsKey = (await stack.repository.createApiKey('ops', 'docs test')).token;
    browser = await openBrowser();
    page = browser.page;
    page.on('request', (request) => requested.push(request.url()));
    await page.addInitScript({
      content: `window.cspViolations = [];
        document.addEventListener('securitypolicyviolation', (event) =>
          window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));`,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("when /docs is opened, then every operation of /openapi.json is listed and nothing comes from outside the API's origin", async () => {
    const { body: doc } = await httpClient(stack.baseUrl)<OpenApiDocument>('GET', '/openapi.json');
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods)) as Operation[];
    expect(operations.length).toBeGreaterThan(10);

    await page.goto(`${stack.baseUrl}/docs`);
    for (const { operationId, tags } of operations) {
      await page.locator(`#operations-${tags[0]}-${operationId}`).waitFor({ state: 'visible' });
    }
    await expect(page.locator('.opblock').count()).resolves.toBe(operations.length);
    await page.getByRole('heading', { name: /Recertify API/ }).waitFor({ state: 'visible' });
    // Swagger UI shows the document's problems in an errors box: there is none.
    await expect(page.locator('.errors-wrapper').count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'docs.png'), fullPage: true });

    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => new URL(url).origin !== stack.baseUrl)).toEqual([]);
    await expect(violations()).resolves.toEqual([]);
  });

  it('when an API key is entered in Authorize and GET /credentials is tried out, then it is sent as a Bearer token and the answer is shown', async () => {
    await page.locator('.auth-wrapper button.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.locator('input').fill(opsKey);
    await dialog.locator('button.authorize').click();
    await dialog.locator('button.btn-done').click();

    const operation = page.locator('#operations-ops-listCredentials');
    await operation.locator('.opblock-summary-control').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    const sent = page.waitForRequest((request) => new URL(request.url()).pathname === '/credentials');
    await operation.getByRole('button', { name: 'Execute' }).click();
    expect((await sent).headers().authorization).toBe(`Bearer ${opsKey}`);
    const status = operation.locator('.live-responses-table tbody .response-col_status');
    await status.waitFor({ state: 'visible' });
    await expect(status.textContent()).resolves.toMatch(/^\s*200/);
    await operation.screenshot({ path: path.join(ARTIFACTS, 'docs-try-it-out.png') });

    expect(requested.filter((url) => new URL(url).origin !== stack.baseUrl)).toEqual([]);
    await expect(violations()).resolves.toEqual([]);
  });
});
