// The console's chat pages in a real browser: a group's messages newest first and paged; a
// one-to-one conversation opened from a user's page; a user's connection history after a real
// WebSocket client connected and left; a group's settings edited (and a refused value shown next to
// its field), each checked through the API afterwards. Message text holding markup is shown as text.
// Every page is screenshotted at 1280 px and 390 px, none wider than its window, with no console error.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../gateway/ws-client.js';
import { createGroup, startServer, type TestServer } from '../harness.js';
import { eventually } from '../wait.js';
import { ConsoleBrowser, haveChromium } from './browser.js';

const GROUP = 'chatters';
const MARKUP = 'look: <b>html</b>';
/** Group texts sent: more than one page of 20. */
const GROUP_TEXTS = 24;

let s: TestServer;
let cb: ConsoleBrowser;
let page: Page;

const admin = <T = any>(p: string, body: unknown) => s.client.ok<T>(p, body, s.adminToken);
const send = (m: { sendID: string; recvID?: string; groupID?: string; text: string }) =>
  admin('/msg/send_msg', {
    sendID: m.sendID,
    recvID: m.recvID ?? '',
    groupID: m.groupID ?? '',
    sessionType: m.groupID ? 3 : 1,
    contentType: 101,
    content: { content: m.text },
  });
const search = (conversationID: string, pageNumber: number) =>
  admin('/msg/search_msg', {
    sendID: '',
    recvID: '',
    contentType: 0,
    sendTime: '',
    sessionType: 0,
    conversationID,
    pagination: { pageNumber, showNumber: 20 },
  });

async function open(route: string, phone = false): Promise<Page> {
  const p = await cb.newPage({ phone });
  await p.goto(cb.url(route));
  return p;
}

/** The seqs the messages table shows, top to bottom. */
const shownSeqs = (p: Page) =>
  p.locator('table.messages tr[data-seq]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));

/** The names of the page's form controls that have no label (neither wrapping, for= nor aria-label). */
const unlabelled = (p: Page) =>
  p
    .locator('main input, main select, main textarea')
    .evaluateAll((controls) =>
      controls
        .filter(
          (c) =>
            !c.closest('label') &&
            !c.getAttribute('aria-label') &&
            !c.getAttribute('aria-labelledby') &&
            !(c.id && c.ownerDocument.querySelector(`label[for="${c.id}"]`)),
        )
        .map((c) => c.getAttribute('name')),
    );

/** How many table headers say nothing (no text, and no control of their own such as "select all"). */
const unnamedHeaders = (p: Page) =>
  p
    .locator('main th')
    .evaluateAll((ths) => ths.filter((th) => !th.textContent?.trim() && !th.querySelector('input')).length);

describe.skipIf(!haveChromium('console-chat.test.ts'))('console: chat pages', () => {
  beforeAll(async () => {
    s = await startServer();
    const home = await s.client.raw('/console/', undefined, { method: 'GET', token: null });
    if (home.status !== 200) throw new Error(`GET /console/ answered ${home.status}: build the console first`);
    await s.register('alice', 'bob', { userID: 'carol', nickname: 'Carol <i>C</i>' });
    await createGroup(s, { owner: 'alice', members: ['bob'], groupID: GROUP, groupName: 'Chatters' });
    for (let i = 1; i < GROUP_TEXTS; i++)
      await send({ sendID: i % 2 ? 'alice' : 'bob', groupID: GROUP, text: `g${i}` });
    await send({ sendID: 'bob', groupID: GROUP, text: MARKUP });
    await send({ sendID: 'alice', recvID: 'carol', text: 'hello carol' });
    await send({ sendID: 'carol', recvID: 'alice', text: MARKUP });
    await send({ sendID: 'alice', recvID: 'bob', text: 'hi bob' });
    cb = await ConsoleBrowser.launch(s);
  });

  afterAll(async () => {
    await cb?.close();
    await s?.close();
  });

  it("shows a group's messages newest first, paged, markup as text", { timeout: 60_000 }, async () => {
    page = await open(`/groups/${GROUP}`);
    await page.locator('table.messages tr[data-seq]').first().waitFor();
    const api1 = await search(`sg_${GROUP}`, 1);
    const seqs1 = api1.chatLogs.map((l: { chatLog: { seq: number } }) => l.chatLog.seq);
    expect(await shownSeqs(page)).toEqual(seqs1);
    expect(seqs1).toHaveLength(20);
    const newest = page.locator('table.messages tr[data-seq]').first();
    await expect(newest.locator('.message-content').innerText()).resolves.toBe(MARKUP);
    expect(await page.locator('table.messages b').count()).toBe(0);
    await expect(newest.innerText()).resolves.toContain('bob');
    await cb.screenshot(page, 'chat-01-group-messages');
    // The next page: the rest, as the API's second page.
    await page.locator('.table-wrap:has(table.messages) + .pager').getByRole('button', { name: 'Next' }).click();
    const api2 = await search(`sg_${GROUP}`, 2);
    const seqs2 = api2.chatLogs.map((l: { chatLog: { seq: number } }) => l.chatLog.seq);
    await eventually(async () => JSON.stringify(await shownSeqs(page)) === JSON.stringify(seqs2));
    expect(Math.max(...seqs2)).toBeLessThan(Math.min(...seqs1));
    const phone = await open(`/groups/${GROUP}`, true);
    await phone.locator('table.messages tr[data-seq]').first().waitFor();
    await cb.screenshot(phone, 'chat-01-group-messages-phone');
    await phone.close();
    await page.close();
  });

  it("opens a one-to-one conversation from a user's page", { timeout: 60_000 }, async () => {
    page = await open('/users/alice');
    const row = page.locator('table.user-conversations tr[data-conversation="si_alice_carol"]');
    await row.waitFor();
    // The newest message first: the one to bob was sent last.
    const order = await page
      .locator('table.user-conversations tr[data-conversation]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-conversation')));
    expect(order).toEqual(['si_alice_bob', 'si_alice_carol']);
    await cb.screenshot(page, 'chat-02-user-conversations');
    await row.getByRole('link', { name: 'Messages' }).click();
    await page.waitForURL(/\/conversations\/si_alice_carol\?user=alice$/);
    await page.locator('table.messages tr[data-seq]').first().waitFor();
    await expect(page.locator('section').innerText()).resolves.toContain('Between alice and carol');
    const texts = await page.locator('table.messages .message-content').allInnerTexts();
    expect(texts).toEqual([MARKUP, 'hello carol']);
    expect(await page.locator('table.messages b').count()).toBe(0);
    await cb.screenshot(page, 'chat-03-conversation');
    const phone = await open('/conversations/si_alice_carol?user=alice', true);
    await phone.locator('table.messages tr[data-seq]').first().waitFor();
    await cb.screenshot(phone, 'chat-03-conversation-phone');
    await phone.close();
    await page.close();
  });

  it("shows a user's connection history after a real client came and went", { timeout: 60_000 }, async () => {
    const token = await s.tokenFor('bob', 5);
    const { client } = await WsClient.connect(s.wsUrl, {
      userID: 'bob',
      token,
      platformID: 5,
      query: { sdkVersion: 'v3.8.3' },
    });
    page = await open('/users/bob');
    const row = page.locator('table.connection-history tr[data-conn]').first();
    await row.waitFor();
    await expect(row.locator('[data-field=why]').innerText()).resolves.toBe('—');
    await expect(page.getByRole('heading', { name: 'Connections, online now (1)' }).count()).resolves.toBe(1);
    await client.close();
    const [ended] = (
      await eventually(async () => {
        const h = await admin('/user/get_connection_history', {
          userID: 'bob',
          pagination: { pageNumber: 1, showNumber: 10 },
        });
        return h.connections[0]?.endReason ? h : undefined;
      })
    ).connections;
    expect(ended).toMatchObject({ endReason: 'closed', sdkType: 'js', sdkVersion: 'v3.8.3', remoteAddr: '127.0.0.1' });
    await page.reload();
    const closedRow = page.locator(`table.connection-history tr[data-conn="${ended.connID}"]`);
    await closedRow.waitFor();
    await expect(closedRow.locator('[data-field=why]').innerText()).resolves.toBe('client closed');
    await expect(closedRow.innerText()).resolves.toContain('js v3.8.3');
    await expect(page.getByRole('heading', { name: 'Connections, online now (0)' }).count()).resolves.toBe(1);
    await cb.screenshot(page, 'chat-04-connection-history');
    const phone = await open('/users/bob', true);
    await phone.locator('table.connection-history tr[data-conn]').first().waitFor();
    await cb.screenshot(phone, 'chat-04-connection-history-phone');
    await phone.close();
    await page.close();
  });

  it("edits a group's settings, and shows a refused value next to its field", { timeout: 60_000 }, async () => {
    page = await open(`/groups/${GROUP}`);
    await page.getByRole('button', { name: 'Edit settings' }).click();
    const form = page.getByRole('form', { name: 'group settings' });
    await form.waitFor();
    await cb.screenshot(page, 'chat-05-edit-settings');
    // Too long a name: refused, shown beside the name, nothing changed.
    await form.locator('input[name=groupName]').fill('x'.repeat(300));
    await form.getByRole('button', { name: 'Save settings' }).click();
    const nameError = form.locator('label:has(input[name=groupName]) .field-error');
    await nameError.waitFor();
    await expect(nameError.innerText()).resolves.toContain('groupName');
    expect((await admin('/group/get_groups_info', { groupIDs: [GROUP] })).groupInfos[0].groupName).toBe('Chatters');
    await cb.screenshot(page, 'chat-05-edit-settings-refused');
    // Every field, saved.
    await form.locator('input[name=groupName]').fill('Chatters <i>renamed</i>');
    await form.locator('input[name=faceURL]').fill('https://example.com/face.png');
    await form.locator('textarea[name=introduction]').fill('We chat.');
    await form.locator('textarea[name=notification]').fill('Be kind.');
    await form.locator('textarea[name=ex]').fill('{"tier":"gold"}');
    await form.locator('select[name=needVerification]').selectOption({ label: 'everyone needs approval' });
    await form.locator('select[name=lookMemberInfo]').selectOption({ label: 'no' });
    await form.locator('select[name=applyMemberFriend]').selectOption({ label: 'no' });
    await form.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    await expect(page.locator('h2').innerText()).resolves.toBe('Chatters <i>renamed</i>');
    await expect(page.locator('dl.group-settings').innerText()).resolves.toContain('Be kind.');
    const [info] = (await admin('/group/get_groups_info', { groupIDs: [GROUP] })).groupInfos;
    expect(info).toMatchObject({
      groupName: 'Chatters <i>renamed</i>',
      faceURL: 'https://example.com/face.png',
      introduction: 'We chat.',
      notification: 'Be kind.',
      ex: '{"tier":"gold"}',
      needVerification: 1,
      lookMemberInfo: 1,
      applyMemberFriend: 1,
    });
    expect(await page.locator('h2 i').count()).toBe(0);
    await cb.screenshot(page, 'chat-06-settings-saved');
    const phone = await open(`/groups/${GROUP}`, true);
    await phone.getByRole('button', { name: 'Edit settings' }).click();
    await phone.getByRole('form', { name: 'group settings' }).waitFor();
    await cb.screenshot(phone, 'chat-06-edit-settings-phone');
    await phone.close();
    await page.close();
  });

  it('fits 390 px with the longest IDs and unbroken values', { timeout: 60_000 }, async () => {
    const user = `u${'x'.repeat(63)}`;
    const group = `g${'y'.repeat(63)}`;
    const unbroken = 'z'.repeat(255);
    await s.register({ userID: user, nickname: unbroken });
    await createGroup(s, { owner: user, members: ['alice'], groupID: group, groupName: unbroken });
    await admin('/group/set_group_info_ex', {
      groupID: group,
      notification: 'n'.repeat(600),
      introduction: 'i'.repeat(600),
      faceURL: `https://example.com/${'f'.repeat(200)}`,
      ex: `{"k":"${'e'.repeat(500)}"}`,
    });
    await send({ sendID: user, groupID: group, text: 'w'.repeat(1000) });
    await send({ sendID: user, recvID: 'alice', text: 'v'.repeat(1000) });
    const routes = [
      '/groups',
      '/users',
      `/groups/${group}`,
      `/users/${user}`,
      `/conversations/si_alice_${user}?user=${user}`,
      `/events?group=${group}`,
    ];
    for (const [i, route] of routes.entries()) {
      const phone = await open(route, true);
      await phone.locator('main h1').waitFor();
      await phone.waitForLoadState('networkidle');
      await expect(unlabelled(phone), route).resolves.toEqual([]);
      await expect(unnamedHeaders(phone), route).resolves.toBe(0);
      if (route.startsWith('/users/')) {
        // Red on white, like every button that ends something (a submit button was red on blue).
        const logout = phone.getByRole('button', { name: 'Force logout' });
        await expect(logout.evaluate((b) => (globalThis as any).getComputedStyle(b).backgroundColor)).resolves.toBe(
          'rgb(255, 255, 255)',
        );
      }
      if (route.startsWith('/groups/')) {
        await phone.getByRole('button', { name: 'Edit settings' }).click();
        await phone.getByRole('form', { name: 'group settings' }).waitFor();
      }
      await cb.screenshot(phone, `chat-07-long-values-${i + 1}-phone`);
      await phone.close();
    }
  });

  it('reported no console errors', () => {
    expect(cb.errors).toEqual([]);
  });
});
