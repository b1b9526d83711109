// The console's Before-callbacks page in a real browser: decisions made through the API (allow,
// modify, reject, failed) listed newest first, filtered by endpoint and decision (the filter in the
// URL), a row opened on its request URL and answer, the window in force; at 1280 px and 390 px,
// without overflow or console errors.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACKS } from '@huddle/protocol';
import { createGroup, page as paging, startServer, type TestServer } from '../harness.js';
import { startReceiver, type Receiver } from '../receiver.js';
import { eventually } from '../wait.js';
import { ConsoleBrowser, haveChromium, openFromNav } from './browser.js';

const CREATE = CALLBACKS.beforeCreateGroup.openim.command;
const SET_INFO = CALLBACKS.beforeSetGroupInfo.openim.command;
const GROUP = 'ridge';

let rx: Receiver;
let s: TestServer;
let cb: ConsoleBrowser;
let page: Page;

const admin = <T = any>(p: string, body: unknown) => s.client.ok<T>(p, body, s.adminToken);
const rows = () => page.locator('table.decisions tr[data-decision]');
/** Waits until the table shows `n` decisions (it loads after the page). */
const rowCount = (n: number) => eventually(async () => (await rows().count()) === n, 8000, `${n} rows of decisions`);

describe.skipIf(!haveChromium('console-decisions.test.ts'))('the Before-callbacks page', () => {
  beforeAll(async () => {
    rx = await startReceiver();
    s = await startServer({ env: { HUDDLE_DECISION_RETENTION_DAYS: '3' } });
    // beforeCreateGroup on the default endpoint, beforeSetGroupInfo on "gate".
    await admin('/callback/set_config', {
      config: {
        url: rx.url,
        beforeCreateGroup: { enable: true, timeout: 2 },
        endpoints: [{ name: 'gate', url: rx.url, hooks: { beforeSetGroupInfo: { enable: true, timeout: 2 } } }],
      },
    });
    await s.register('alice');
    // allow, then modify (the hook renames the group), then reject and failed at the gate.
    await createGroup(s, { owner: 'alice', groupID: GROUP });
    rx.answer(CREATE, { body: { actionCode: 0, nextCode: 0, groupName: 'Renamed by the gate keeper' } });
    await createGroup(s, { owner: 'alice', groupID: 'valley' });
    rx.answer(SET_INFO, [
      { body: { actionCode: 0, nextCode: 1, errCode: 5001, errMsg: 'not on weekends' } },
      { status: 502, body: 'bad gateway' },
    ]);
    for (const name of ['first', 'second'])
      await s.client.post(
        '/group/set_group_info',
        { groupInfoForSet: { groupID: GROUP, groupName: name } },
        s.adminToken,
      );
    await eventually(
      async () => (await admin('/callback/list_decisions', { pagination: paging() })).total === 4,
      8000,
      'four recorded decisions',
    );
    cb = await ConsoleBrowser.launch(s);
  });

  afterAll(async () => {
    await cb?.close();
    await s?.close();
    await rx?.close();
  });

  it('lists the decisions, filters them, opens one on its answer, at 1280 px and 390 px', {
    timeout: 60_000,
  }, async () => {
    const api = await admin('/callback/list_decisions', { pagination: paging() });
    page = await cb.newPage();
    await page.goto(cb.url('/overview'));
    await openFromNav(page, 'Before-callbacks');
    await page.getByRole('heading', { name: 'Before-callbacks' }).waitFor();
    await page.waitForURL(/\/console\/decisions$/);
    await rowCount(4);
    // Newest first, as the API lists them, each with its decision badge.
    expect(await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-decision')))).toEqual(
      api.decisions.map((d: { decisionID: string }) => d.decisionID),
    );
    expect(await rows().locator('.badge').allInnerTexts()).toEqual(['failed', 'reject', 'modify', 'allow']);
    await expect(page.locator('.retention').innerText()).resolves.toContain('kept for 3 days');
    await cb.screenshot(page, 'decisions-01-list');

    // Filtered by endpoint: the gate's two, and the filter is in the URL.
    await page.selectOption('select[name=endpoint]', 'gate');
    await page.click('form[aria-label=filters] button[type=submit]');
    await page.waitForURL(/endpoint=gate/);
    await rowCount(2);
    expect(await rows().locator('td:nth-child(2)').allInnerTexts()).toEqual(['gate', 'gate']);

    // And by decision: the rejection alone; opened, it shows the request URL and the answer.
    await page.selectOption('select[name=decision]', 'reject');
    await page.click('form[aria-label=filters] button[type=submit]');
    await page.waitForURL(/decision=reject/);
    await rowCount(1);
    const rejected = (
      await admin('/callback/list_decisions', { endpoint: 'gate', decision: 'reject', pagination: paging() })
    ).decisions[0];
    await rows().first().getByRole('button').click();
    const detail = page.locator('tr.decision-detail');
    await expect(detail.innerText()).resolves.toContain(rejected.url);
    await expect(detail.innerText()).resolves.toContain('5001 not on weekends');
    await expect(detail.locator('pre.json').innerText()).resolves.toContain('"errMsg": "not on weekends"');
    await cb.screenshot(page, 'decisions-02-reject-open');

    // The Hook filter names every before-hook, also one enabled only on a listed endpoint (the gate's).
    const hookOptions = await page.locator('select[name=hook] option').allInnerTexts();
    expect(hookOptions).toEqual(expect.arrayContaining(['beforeCreateGroup', 'beforeSetGroupInfo']));
    expect(hookOptions.some((h) => h.startsWith('after'))).toBe(false);
    await page.selectOption('select[name=decision]', '');
    await page.selectOption('select[name=hook]', 'beforeSetGroupInfo');
    await page.click('form[aria-label=filters] button[type=submit]');
    await page.waitForURL(/hook=beforeSetGroupInfo/);
    await rowCount(2);

    // A link naming an endpoint no longer configured: the form says so instead of "any".
    await page.goto(cb.url('/decisions?endpoint=retired'));
    await page.getByText('No decisions match.').waitFor();
    await expect(page.locator('select[name=endpoint]').inputValue()).resolves.toBe('retired');

    // A shared link opens the same filter: the modification's answer, on a phone.
    const phone = await cb.newPage({ phone: true });
    page = phone;
    await phone.goto(cb.url('/decisions?decision=modify'));
    await rowCount(1);
    await rows().first().getByRole('button').click();
    await expect(phone.locator('tr.decision-detail pre.json').innerText()).resolves.toContain(
      'Renamed by the gate keeper',
    );
    await cb.screenshot(phone, 'decisions-03-phone-modify-open');
    await phone.goto(cb.url('/decisions'));
    await rowCount(4);
    await rows().first().getByRole('button').click();
    await expect(phone.locator('tr.decision-detail').innerText()).resolves.toContain('bad gateway');
    await cb.screenshot(phone, 'decisions-04-phone-failed-open');
    expect(cb.errors).toEqual([]);
  });
});
