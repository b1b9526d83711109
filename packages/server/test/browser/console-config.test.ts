// The console's Configuration form in a real browser: two endpoints edited (hooks switched, one
// turned into a Tencent endpoint with its SDKAppID, the retry schedule in units, an endpoint added
// and removed), saved, and /callback/get_config reports exactly that; then three mistakes at once,
// each listed at the top and shown beside its field, with nothing saved. At 1280 px and 390 px, no
// overflow, no browser errors.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../harness.js';
import { ConsoleBrowser, haveChromium } from './browser.js';

let s: TestServer;
let cb: ConsoleBrowser;
const admin = <T = any>(p: string, body: unknown) => s.client.ok<T>(p, body, s.adminToken);
const configNow = async () => (await admin('/callback/get_config', {})).config;
/** The keys of the hook entries that say enable: true. */
const enabledIn = (hooks: Record<string, any>) =>
  Object.entries(hooks)
    .filter(([, v]) => v?.enable === true)
    .map(([k]) => k);

/** What each test starts from (each sets it, so either may run alone or first). */
const START = {
  url: 'http://127.0.0.1:9/openim',
  retrySchedule: ['5s'],
  afterCreateGroup: { enable: true },
  endpoints: [{ name: 'billing', url: 'http://127.0.0.1:9/billing', hooks: { afterQuitGroup: { enable: true } } }],
};

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`);
/** The error shown beside the control named `name` (inside its label, table cell or list item). */
const errorBeside = (page: Page, name: string) =>
  page
    .locator(`label:has([name="${name}"]), td:has([name="${name}"]), li:has(> [name="${name}"])`)
    .locator('.field-error');
const focusedName = (page: Page) =>
  page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('name') as string | null);

describe.skipIf(!haveChromium('console-config.test.ts'))('console: configuration form', () => {
  beforeAll(async () => {
    s = await startServer();
    cb = await ConsoleBrowser.launch(s);
  });
  afterAll(async () => {
    await cb?.close();
    await s?.close();
  });

  it('edits two endpoints and the retry schedule, and get_config reports exactly that', {
    timeout: 60_000,
  }, async () => {
    await admin('/callback/set_config', { config: START });
    const page = await cb.newPage();
    page.on('dialog', (d) => void d.accept()); // removing an endpoint asks first
    await page.goto(cb.url('/config'));
    await page.locator('article.config-endpoint[data-endpoint="endpoints[0]"]').waitFor();

    // The retry schedule in units: 5 s becomes 30 s, then 5 min and 2 h are added.
    await expect(field(page, 'retrySchedule[0]').inputValue()).resolves.toBe('5');
    await field(page, 'retrySchedule[0]').fill('30');
    await page.getByRole('button', { name: 'Add delay' }).click();
    await field(page, 'retrySchedule[1]').fill('5');
    await field(page, 'retrySchedule[1].unit').selectOption('min');
    await page.getByRole('button', { name: 'Add delay' }).click();
    await field(page, 'retrySchedule[2]').fill('2');
    await field(page, 'retrySchedule[2].unit').selectOption('h');
    // Emptied and typed again, the amount keeps its unit.
    await field(page, 'retrySchedule[2]').press('Backspace');
    await expect(field(page, 'retrySchedule[2].unit').inputValue()).resolves.toBe('h');
    await field(page, 'retrySchedule[2]').pressSequentially('2');
    await field(page, 'deliveryConcurrency').fill('32');

    // The top-level endpoint: afterCreateGroup off, afterQuitGroup on, beforeCreateGroup on with 3 s and refuse.
    await field(page, 'afterCreateGroup.enable').uncheck();
    await field(page, 'afterQuitGroup.enable').check();
    await field(page, 'beforeCreateGroup.enable').check();
    await field(page, 'beforeCreateGroup.timeout').fill('3');
    await field(page, 'beforeCreateGroup.failedContinue').selectOption('refuse');

    // billing becomes a Tencent endpoint: its SDKAppID appears, and hooks Tencent lacks go (it says so).
    const billing = page.locator('article.config-endpoint[data-endpoint="endpoints[0]"]');
    await expect(billing.locator('tr[data-hook=beforeMemberJoinGroup]').count()).resolves.toBe(1);
    await expect(field(page, 'endpoints[0].sdkAppId').count()).resolves.toBe(0);
    await field(page, 'endpoints[0].hooks.beforeMemberJoinGroup.enable').check();
    await field(page, 'endpoints[0].dialect').selectOption('tencent');
    await page.getByText('tencent has no callback for beforeMemberJoinGroup: switched off on billing.').waitFor();
    await field(page, 'endpoints[0].sdkAppId').fill('1400000001');
    await expect(billing.locator('tr[data-hook=beforeMemberJoinGroup]').count()).resolves.toBe(0);
    await field(page, 'endpoints[0].hooks.afterSendGroupMsg.enable').check();

    // An endpoint added, then removed again (it asks first).
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const added = page.locator('article.config-endpoint[data-endpoint="endpoints[1]"]');
    await field(page, 'endpoints[1].name').fill('spare');
    await cb.screenshot(page, 'config-form-editing');
    await added.getByRole('button', { name: 'Remove endpoint' }).click();
    await added.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved and applied.').waitFor();
    const config = await configNow();
    expect(config.retrySchedule).toEqual([30, 300, 7200]);
    expect(config.deliveryConcurrency).toBe(32);
    expect(config.url).toBe(START.url);
    expect(enabledIn(config)).toEqual(['beforeCreateGroup', 'afterQuitGroup']);
    expect(config.beforeCreateGroup).toEqual({ enable: true, timeout: 3, failedContinue: false });
    expect(config.endpoints).toHaveLength(1);
    expect(config.endpoints[0]).toMatchObject({
      name: 'billing',
      url: START.endpoints[0]!.url,
      dialect: 'tencent',
      sdkAppId: '1400000001',
    });
    expect(enabledIn(config.endpoints[0].hooks)).toEqual(['afterQuitGroup', 'afterSendGroupMsg']);
    // The form shows what was saved.
    await expect(field(page, 'retrySchedule[2]').inputValue()).resolves.toBe('2');
    await expect(field(page, 'retrySchedule[2].unit').inputValue()).resolves.toBe('h');
    await cb.screenshot(page, 'config-form-saved');
    await page.close();
    expect(cb.errors).toEqual([]);
  });

  it('lists three mistakes at once, each beside its field, and saves nothing', { timeout: 60_000 }, async () => {
    const billing = { ...START.endpoints[0], dialect: 'tencent', sdkAppId: '1400000001' };
    await admin('/callback/set_config', { config: { ...START, retrySchedule: ['5s', '5m'], endpoints: [billing] } });
    const before = await admin('/callback/get_config', {});
    for (const phone of [false, true]) {
      const page = await cb.newPage({ phone });
      await page.goto(cb.url('/config'));
      await page.locator('article.config-endpoint[data-endpoint="endpoints[0]"]').waitFor();
      if (phone) await cb.screenshot(page, 'phone-config-form');
      await field(page, 'url').fill('ftp://example.com');
      await field(page, 'retrySchedule[1]').fill('soon');
      await field(page, 'endpoints[0].sdkAppId').fill('abc');
      // Save checks first; Check only checks: both list the problems.
      await page.getByRole('button', { name: phone ? 'Check' : 'Save', exact: true }).click();

      const listed = page.locator('.problem-list li');
      await listed.nth(2).waitFor();
      await expect(listed.count()).resolves.toBe(3);
      await expect(listed.evaluateAll((li) => li.map((x: any) => x.dataset.key).sort())).resolves.toEqual([
        'endpoints[0].sdkAppId',
        'retrySchedule[1]',
        'url',
      ]);
      await expect(errorBeside(page, 'url').innerText()).resolves.toContain('expected an http:// or https:// URL');
      await expect(errorBeside(page, 'retrySchedule[1]').innerText()).resolves.toContain('expected a duration');
      await expect(errorBeside(page, 'endpoints[0].sdkAppId').innerText()).resolves.toContain('SDKAppID');
      await expect(page.locator('.field-error').count()).resolves.toBe(3);
      // The summary takes the operator to the field.
      await listed.filter({ hasText: 'retrySchedule[1]' }).getByRole('link').click();
      await expect(focusedName(page)).resolves.toBe('retrySchedule[1]');
      await cb.screenshot(page, phone ? 'phone-config-form-errors' : 'config-form-errors');
      await page.close();
    }
    expect(await admin('/callback/get_config', {})).toEqual(before);
    expect(cb.errors).toEqual([]);
  });

  it('keeps what is typed: a decimal timeout, and JSON that does not parse yet', { timeout: 60_000 }, async () => {
    await admin('/callback/set_config', { config: START });
    const page = await cb.newPage();
    await page.goto(cb.url('/config'));
    await page.locator('article.config-endpoint[data-endpoint="endpoints[0]"]').waitFor();
    // "1." must stay on screen while typing, or 1.5 becomes 15.
    await field(page, 'beforeCreateGroup.enable').check();
    await field(page, 'beforeCreateGroup.timeout').fill('');
    await field(page, 'beforeCreateGroup.timeout').pressSequentially('1.5');
    await expect(field(page, 'beforeCreateGroup.timeout').inputValue()).resolves.toBe('1.5');

    // As JSON: while the text does not parse, the form (which would drop it) cannot be chosen.
    const asJson = page.getByRole('checkbox', { name: 'Edit as JSON' });
    await asJson.check();
    const editor = page.getByRole('textbox', { name: 'configuration JSON' });
    await expect(editor.inputValue()).resolves.toContain('"timeout": 1.5');
    const changed = (await editor.inputValue()).replace(START.url, 'http://127.0.0.1:9/changed');
    await editor.fill(`${changed},`);
    await expect(asJson.isDisabled()).resolves.toBe(true);
    await editor.fill(changed);
    await asJson.uncheck();
    await expect(field(page, 'url').inputValue()).resolves.toBe('http://127.0.0.1:9/changed');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved and applied.').waitFor();
    const config = await configNow();
    expect(config.url).toBe('http://127.0.0.1:9/changed');
    expect(config.beforeCreateGroup.timeout).toBe(1.5);
    await page.close();
    expect(cb.errors).toEqual([]);
  });
});
