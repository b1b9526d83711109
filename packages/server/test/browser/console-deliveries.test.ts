// The delivery log in a real browser, with two endpoints (default and crm): the endpoint column and
// filter on the log, the live view and a group's timeline; search by event ID and payload text;
// bulk replay of selected rows and of every dead event of a filter, each behind a dialog that is
// cancelled once and confirmed once; the replay history and the URL of each attempt on the event
// page; and every time with its zone (the page runs in Europe/Berlin: GMT+1 in December, GMT+2 in
// summer). Each action is checked through the API afterwards; 1280 and 390 px, no console errors.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, startServer, type TestServer } from '../harness.js';
import { startReceiver, writeWebhooksYaml, type Receiver } from '../receiver.js';
import { eventually } from '../wait.js';
import { ConsoleBrowser, haveChromium } from './browser.js';

const GROUP = 'camp';
const DEAD_GROUP = 'deadcamp';
const ZONE = 'Europe/Berlin';
/** Berlin's offset from GMT at a moment, as the console labels it. */
const berlin = (ms: number) =>
  new Intl.DateTimeFormat('en-US', { timeZone: ZONE, timeZoneName: 'shortOffset' })
    .formatToParts(new Date(ms))
    .find((p) => p.type === 'timeZoneName')!.value;

let rx: Receiver;
let crm: Receiver;
let s: TestServer;
let cb: ConsoleBrowser;

interface Listed {
  total: number;
  events: { eventID: string; endpoint: string; groupID: string; status: string; attempts: number }[];
}
const admin = <T = any>(p: string, body: unknown) => s.client.ok<T>(p, body, s.adminToken);
const list = (filter: Record<string, unknown>) =>
  admin<Listed>('/callback/list_events', { ...filter, pagination: { pageNumber: 1, showNumber: 100 } });
const rowIDs = (page: Page) =>
  page.locator('tr[data-event]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event')!).sort());

/** A logged-in page whose clock reads Berlin time. */
async function berlinPage(route: string, phone = false): Promise<Page> {
  const page = await cb.newPage({ phone });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setTimezoneOverride', { timezoneId: ZONE });
  await page.goto(cb.url(route));
  return page;
}

/** Sets the log's filter fields and applies them. */
async function filterLog(page: Page, fields: Record<string, string>) {
  for (const [name, value] of Object.entries(fields)) {
    const field = page.locator(`form[aria-label=filters] [name=${name}]`);
    if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await page.click('button:has-text("Filter")');
}

describe.skipIf(!haveChromium('console-deliveries.test.ts'))('console: delivery log', () => {
  beforeAll(async () => {
    rx = await startReceiver();
    crm = await startReceiver();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-console-deliveries-'));
    const hooks = { afterCreateGroup: { enable: true, timeout: 2 }, afterQuitGroup: { enable: true, timeout: 2 } };
    const webhooks = writeWebhooksYaml(dir, {
      url: rx.url,
      retrySchedule: ['100ms'],
      hooks,
      extra: { endpoints: [{ name: 'crm', url: crm.url, hooks }] },
    });
    s = await startServer({ dir, env: { HUDDLE_CALLBACKS: webhooks } });
    await s.register('alice', 'bob', 'carol');
    await createGroup(s, { owner: 'alice', members: ['bob', 'carol'], groupID: GROUP, groupName: 'Camp' });
    // crm refuses the second group's events until they are dead; default takes them.
    crm.answer('*', (r) => (r.body?.groupID === DEAD_GROUP ? { status: 503 } : {}));
    await createGroup(s, { owner: 'alice', groupID: DEAD_GROUP, groupName: 'Dead camp' });
    await eventually(
      async () => (await list({ status: 'dead' })).total === 1 && (await list({ status: 'pending' })).total === 0,
      15_000,
      'one dead event, none pending',
    );
    cb = await ConsoleBrowser.launch(s);
  });

  afterAll(async () => {
    await cb?.close();
    await s?.close();
    await rx?.close();
    await crm?.close();
  });

  it('shows and filters by endpoint, searches by event ID and payload text, with times in their zone', {
    timeout: 60_000,
  }, async () => {
    const page = await berlinPage('/events');
    await page.locator('tr[data-event]').first().waitFor();
    const all = await list({});
    expect(new Set(all.events.map((e) => e.endpoint))).toEqual(new Set(['default', 'crm']));
    expect(await rowIDs(page)).toEqual(all.events.map((e) => e.eventID).sort());
    const first = all.events[0]!;
    await expect(page.locator(`tr[data-event="${first.eventID}"] [data-col=endpoint]`).innerText()).resolves.toBe(
      first.endpoint,
    );

    // Times: local Berlin time with its zone, the UTC instant as the title; the From field names its zone.
    const time = page.locator(`tr[data-event="${first.eventID}"] time`);
    const shown = await time.innerText();
    const title = (await time.getAttribute('title'))!;
    const createTime = Date.parse(title.replace(' (UTC)', ''));
    expect(shown).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ${berlin(createTime).replace('+', '\\+')}$`),
    );
    expect(createTime).toBe((await admin('/callback/get_event', { eventID: first.eventID })).event.createTime);
    const local = new Date(createTime).toLocaleString('sv-SE', { timeZone: ZONE });
    expect(shown.startsWith(local)).toBe(true);
    await expect(page.locator('label', { hasText: 'From' }).innerText()).resolves.toContain(`(${berlin(Date.now())})`);

    // The endpoint filter: crm's events only, as the API lists them (and kept in the URL).
    await filterLog(page, { endpoint: 'crm' });
    await page.waitForURL(/endpoint=crm/);
    await page.locator('tr[data-event][data-endpoint=default]').first().waitFor({ state: 'detached' });
    const crmEvents = await list({ endpoint: 'crm' });
    expect(await rowIDs(page)).toEqual(crmEvents.events.map((e) => e.eventID).sort());
    await cb.screenshot(page, 'deliveries-01-endpoint-filter');

    // Search by payload text (any case): the dead group's events, both endpoints.
    await filterLog(page, { endpoint: '', text: DEAD_GROUP.toUpperCase() });
    await page.waitForURL(/text=DEADCAMP/);
    const byText = await list({ text: DEAD_GROUP.toUpperCase() });
    expect(byText.total).toBe(2);
    await eventually(
      async () => JSON.stringify(await rowIDs(page)) === JSON.stringify(byText.events.map((e) => e.eventID).sort()),
    );

    // Search by event ID: that event alone.
    await filterLog(page, { text: '', event: first.eventID });
    await page.waitForURL(new RegExp(`event=${first.eventID}`));
    await eventually(async () => JSON.stringify(await rowIDs(page)) === JSON.stringify([first.eventID]));
    await cb.screenshot(page, 'deliveries-02-search');

    // Back: the form shows the filter the URL applies again, and Filter keeps it (no stale event ID).
    await page.goBack();
    await page.waitForURL(/text=DEADCAMP/);
    const form = page.locator('form[aria-label=filters]');
    await eventually(async () => (await form.locator('[name=event]').inputValue()) === '', 8000, 'event ID cleared');
    await expect(form.locator('[name=text]').inputValue()).resolves.toBe(DEAD_GROUP.toUpperCase());
    await page.click('button:has-text("Filter")');
    await eventually(
      async () => JSON.stringify(await rowIDs(page)) === JSON.stringify(byText.events.map((e) => e.eventID).sort()),
    );
    expect(new URL(page.url()).searchParams.has('event')).toBe(false);

    // A refused action reads as an error, not as a notice that it worked.
    await filterLog(page, { text: '', group: 'g'.repeat(65) });
    await page.waitForURL(/group=ggg/);
    await page.getByRole('button', { name: 'Retry waiting' }).click();
    await expect(page.getByRole('alert').getAttribute('class')).resolves.toBe('error');
    await expect(page.locator('p.notice').count()).resolves.toBe(0);
    await page.close();
    expect(cb.errors).toEqual([]);
  });

  it('replays selected rows after a confirmation, and not when cancelled', { timeout: 60_000 }, async () => {
    const page = await berlinPage(`/events?group=${GROUP}`);
    await page.locator('tr[data-event]').first().waitFor();
    const ids = (await list({ groupID: GROUP })).events.map((e) => e.eventID);
    expect(await rowIDs(page)).toEqual([...ids].sort());
    const replayed = async () =>
      Promise.all(ids.map(async (id) => (await admin('/callback/get_event', { eventID: id })).replays.length));

    await page.getByRole('checkbox', { name: 'select all on this page' }).check();
    const button = page.getByRole('button', { name: `Replay selected (${ids.length})` });
    await button.click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.innerText()).resolves.toContain(`Replay ${ids.length} events?`);
    await cb.screenshot(page, 'deliveries-03-confirm');
    // Cancel, then Escape: nothing is replayed.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await button.click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await replayed()).toEqual(ids.map(() => 0));

    await button.click();
    await dialog.getByRole('button', { name: `Replay ${ids.length} events` }).click();
    await page.getByText(`${ids.length} events replayed`).waitFor();
    expect(await replayed()).toEqual(ids.map(() => 1));
    await eventually(async () =>
      (await list({ groupID: GROUP })).events.every((e) => e.attempts === 2 && e.status === 'delivered'),
    );
    // The selection is gone with the replay.
    await page.getByRole('button', { name: 'Replay selected (0)' }).waitFor();
    await page.close();
    expect(cb.errors).toEqual([]);
  });

  it('replays every dead event of a filter after a confirmation; the event shows its history and URLs', {
    timeout: 60_000,
  }, async () => {
    crm.answer('*', {});
    const page = await berlinPage('/events?endpoint=crm&status=dead');
    await page.locator('tr[data-event] .badge-dead').waitFor();
    const [dead] = (await list({ endpoint: 'crm', status: 'dead' })).events;
    await page.getByRole('button', { name: 'Replay dead' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.innerText()).resolves.toContain('Replay 1 dead event?');
    await dialog.getByRole('button', { name: 'Replay 1 dead event' }).click();
    await page.getByText('1 dead event queued again').waitFor();
    await eventually(
      async () => (await admin('/callback/get_event', { eventID: dead!.eventID })).event.status === 'delivered',
    );
    const detail = await admin('/callback/get_event', { eventID: dead!.eventID });
    expect(detail.replays).toMatchObject([{ userID: 'imAdmin', how: 'replay_dead' }]);

    // The event page: every attempt's URL (crm's), the URL in the facts, the replay history.
    // (The log reloaded after the replay: the filter's dead events are none now.)
    await page.locator('tr[data-event]').first().waitFor({ state: 'detached' });
    await page.goto(cb.url(`/events/${dead!.eventID}`));
    await page.locator('h1 .badge-delivered').waitFor();
    const urls = await page.locator('table.attempts [data-col=url]').allInnerTexts();
    expect(urls).toEqual(detail.attempts.map((a: { url: string }) => a.url));
    expect(urls.every((u) => u.startsWith(crm.url))).toBe(true);
    await expect(page.locator('dd[data-field=url]').innerText()).resolves.toBe(detail.attempts.at(-1).url);
    const history = page.locator('table.replays tbody tr');
    await expect(history.count()).resolves.toBe(1);
    await expect(history.innerText()).resolves.toMatch(/imAdmin\s+Replay dead \(filter\)\s+endpoint=crm/);
    await expect(history.locator('time').innerText()).resolves.toContain(berlin(detail.replays[0].time));
    await cb.screenshot(page, 'deliveries-04-event');

    // At 390 px: the event page, and the log with its confirmation open.
    const phone = await berlinPage(`/events/${dead!.eventID}`, true);
    await phone.locator('table.replays tbody tr').waitFor();
    await cb.screenshot(phone, 'deliveries-phone-event');
    await phone.goto(cb.url('/events'));
    await phone.getByRole('checkbox', { name: 'select all on this page' }).check();
    await phone.getByRole('button', { name: /Replay selected \(\d+\)/ }).click();
    await phone.getByRole('dialog').waitFor();
    await cb.screenshot(phone, 'deliveries-phone-confirm');
    await phone.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await phone.close();
    await page.close();
    expect(cb.errors).toEqual([]);
  });

  it('shows the endpoint on the live view and the group timeline, each with a filter', {
    timeout: 60_000,
  }, async () => {
    const page = await berlinPage('/live');
    await page.locator('.live-state', { hasText: 'connected' }).waitFor();
    await page.selectOption('select[name=endpoint]', 'crm');
    await admin('/group/quit_group', { groupID: GROUP, userID: 'carol' });
    await page.locator('table.live tbody tr[data-endpoint=crm]', { hasText: 'afterQuitGroup' }).waitFor();
    // The default endpoint's attempt came too, and shows once the filter is cleared.
    const quits = await eventually(async () => {
      const { events } = await list({ groupID: GROUP, hook: 'afterQuitGroup' });
      return events.length === 2 && events.every((e) => e.status === 'delivered') ? events : undefined;
    });
    expect(quits.map((e) => e.endpoint).sort()).toEqual(['crm', 'default']);
    expect(await page.locator('table.live tbody tr[data-endpoint=default]').count()).toBe(0);
    await expect(page.locator('table.live tbody tr [data-col=endpoint]').allInnerTexts()).resolves.toEqual(['crm']);
    await cb.screenshot(page, 'deliveries-05-live');
    await page.selectOption('select[name=endpoint]', '');
    await page.locator('table.live tbody tr[data-endpoint=default]', { hasText: 'afterQuitGroup' }).waitFor();

    // The group's timeline: both endpoints' events in order, then crm's alone.
    await page.goto(cb.url(`/groups/${GROUP}`));
    const items = page.locator('ol.timeline li');
    const groupEvents = (await list({ groupID: GROUP })).events;
    await eventually(async () => (await items.count()) === groupEvents.length);
    await expect(page.locator('ol.timeline').innerText()).resolves.toMatch(/afterCreateGroup → (crm|default)/);
    await page.selectOption('select[name=timeline-endpoint]', 'crm');
    await eventually(async () => (await page.locator('ol.timeline li[data-endpoint=default]').count()) === 0);
    await expect(items.count()).resolves.toBe(groupEvents.filter((e) => e.endpoint === 'crm').length);
    await expect(items.first().locator('time').innerText()).resolves.toMatch(/ GMT[+-]\d/);
    await cb.screenshot(page, 'deliveries-06-timeline');

    const phone = await berlinPage('/live', true);
    await phone.locator('.live-state', { hasText: 'connected' }).waitFor();
    await cb.screenshot(phone, 'deliveries-phone-live');
    await phone.goto(cb.url(`/groups/${GROUP}`));
    await phone.locator('ol.timeline li').first().waitFor();
    await cb.screenshot(phone, 'deliveries-phone-timeline');
    await phone.close();
    await page.close();
    expect(cb.errors).toEqual([]);
  });
});
