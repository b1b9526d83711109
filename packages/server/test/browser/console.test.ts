// The console in a real browser (playwright-core driving Debian's /usr/bin/chromium): log in with the
// admin secret, find a dead delivery, switch the receiver to accept, replay it from the UI and see it
// delivered; then the live view, a group, the configuration (with a validation error next to its
// field), the API page, and the log on a phone-sized screen. Every page is screenshotted into
// test-output/screenshots/. Without Chromium the suite is skipped with a message (a failure under CI).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, startServer, type TestServer } from '../harness.js';
import { startReceiver, writeWebhooksYaml, type Receiver } from '../receiver.js';
import { eventually } from '../wait.js';
import { ConsoleBrowser, haveChromium, openFromNav as openFrom, pixelsOf } from './browser.js';

const GROUP = 'hikers';
/** Each page at 390 px, and what shows once it has loaded. */
const PHONE_PAGES = [
  ['/overview', 'table.endpoint-health tr[data-endpoint]'],
  ['/events', 'tr[data-event]'],
  [`/groups/${GROUP}`, 'table.members tbody tr'],
  ['/groups', 'table.group-list tr[data-group]'],
  ['/users', 'table.user-list tr[data-user]'],
  ['/users/alice', 'ul.user-groups li'],
  ['/endpoints', 'article.endpoint-card'],
  ['/live', '.live-state'],
  ['/config', 'table.hooks'],
  ['/api', 'details.call'],
] as const;

let rx: Receiver;
let s: TestServer;
let cb: ConsoleBrowser;
/** The page the current test drives. */
let page: Page;
const screenshot = (name: string, target = page) => cb.screenshot(target, name);
const openFromNav = (name: string) => openFrom(page, name);
/** A logged-in page at 1280 px for a test of its own (no test depends on another's state in the browser). */
async function freshPage(route: string): Promise<void> {
  await page?.close();
  page = await cb.newPage();
  await page.goto(cb.url(route));
}

const admin = <T = any>(p: string, body: unknown) => s.client.ok<T>(p, body, s.adminToken);

describe.skipIf(!haveChromium('console.test.ts'))('console', () => {
  beforeAll(async () => {
    rx = await startReceiver();
    rx.answer('*', { status: 503, body: 'down for maintenance' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-console-'));
    const webhooks = writeWebhooksYaml(dir, {
      url: rx.url,
      // One quick retry, then dead: a failed delivery in well under a second.
      retrySchedule: ['100ms'],
      hooks: { afterCreateGroup: { enable: true, timeout: 2 }, afterQuitGroup: { enable: true, timeout: 2 } },
    });
    s = await startServer({ dir, env: { HUDDLE_CALLBACKS: webhooks } });
    const home = await s.client.raw('/console/', undefined, { method: 'GET', token: null });
    if (home.status !== 200)
      throw new Error(
        `GET /console/ answered ${home.status}: ${home.text} (the console is built by npm install, or npm run build -w @huddle/console)`,
      );
    await s.register('alice', 'bob', 'carol');
    await createGroup(s, { owner: 'alice', admins: ['bob'], members: ['carol'], groupID: GROUP, groupName: 'Hikers' });
    await admin('/msg/send_msg', {
      sendID: 'alice',
      groupID: GROUP,
      sessionType: 3,
      contentType: 101,
      content: { content: 'on the trail' },
    });
    await eventually(
      async () =>
        (await admin('/callback/list_events', { status: 'dead', pagination: { pageNumber: 1, showNumber: 10 } }))
          .total === 1,
      8000,
      'a dead event',
    );
    cb = await ConsoleBrowser.launch(s);
  });

  afterAll(async () => {
    await cb?.close();
    await s?.close();
    await rx?.close();
  });

  it('logs in, replays a dead delivery once the receiver accepts, and shows every page', {
    timeout: 60_000,
  }, async () => {
    // Nothing but the login form without a token.
    page = await cb.newPage({ loggedIn: false });
    await page.goto(cb.url('/'));
    await page.getByRole('form', { name: 'log in' }).waitFor();
    expect(await page.locator('nav').count()).toBe(0);
    await screenshot('01-login');
    await page.fill('input[name=secret]', 'not the secret');
    await page.click('button[type=submit]');
    await page.getByRole('alert').waitFor();
    await page.fill('input[name=secret]', s.app.secret.secret);
    await page.click('button[type=submit]');

    // The overview: the dead event's two failed attempts, charted and summed up as the API reports them.
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const row = page.locator('table.endpoint-health tr[data-endpoint=default]');
    await row.waitFor();
    const now = Date.now();
    const stats = await admin('/callback/get_delivery_stats', { from: now - 3_600_000, to: now, bucketMs: 60_000 });
    const fromApi = stats.endpoints.find((e: { endpoint: string }) => e.endpoint === 'default');
    expect([fromApi.successes, fromApi.failures, fromApi.dead]).toEqual([0, 2, 1]);
    await expect(row.locator('[data-col=attempts]').innerText()).resolves.toBe('2');
    await expect(row.locator('[data-col=success]').innerText()).resolves.toBe('0 %');
    await expect(row.innerText()).resolves.toContain('failing');
    await expect(page.locator('[data-tile=dead]').innerText()).resolves.toBe('1');
    // The attempts chart draws the default endpoint's points in its colour (the first of the palette).
    expect(await pixelsOf(page, 'Attempts', '#2456c7')).toBeGreaterThan(0);
    // Messages stored in the window (the one sent, group notifications), charted; who is online.
    const activity = await admin('/stats/get_activity', { from: now - 3_600_000, to: now, bucketMs: 60_000 });
    expect(activity.messages.reduce((n: number, b: { count: number }) => n + b.count, 0)).toBeGreaterThan(0);
    expect(await pixelsOf(page, 'Messages', '#2456c7')).toBeGreaterThan(0);
    await expect(page.locator('[data-tile=users-online]').innerText()).resolves.toBe(String(activity.usersOnline));
    await screenshot('02-overview');

    // One click from the dead count to the dead events in the delivery log.
    await page.locator('a.tile', { hasText: 'dead events' }).click();
    await page.getByRole('heading', { name: 'Delivery log' }).waitFor();
    await page.waitForURL(/status=dead/);
    const eventRow = page.locator('tr[data-event]');
    await eventRow.locator('.badge-dead').waitFor();
    expect(await eventRow.count()).toBe(1);
    await screenshot('02-delivery-log');

    // The event: its attempts as they failed, then a replay that lands.
    await eventRow.locator('a').first().click();
    await page.locator('h1 .badge-dead').waitFor();
    expect(await page.locator('table.attempts tbody tr').count()).toBe(2);
    await expect(page.locator('table.attempts').innerText()).resolves.toContain('503');
    await expect(page.locator('dl.facts').innerText()).resolves.toMatch(
      /Endpoint\s+default\s+Command\s+callbackAfterCreateGroupCommand/,
    );
    await screenshot('03-event-dead');
    rx.answer('*', {});
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.locator('h1 .badge-delivered').waitFor({ timeout: 10_000 });
    expect(await page.locator('table.attempts tbody tr').count()).toBe(3);
    await screenshot('04-event-delivered');

    // A group whose callback waits an hour for its retry: Retry now sends it at once.
    const { config } = await admin<{ config: Record<string, unknown> }>('/callback/get_config', {});
    await admin('/callback/set_config', { config: { ...config, retrySchedule: ['1h'] } });
    rx.answer('*', { status: 503 });
    const waiting = await createGroup(s, { owner: 'alice', groupName: 'Waiting' });
    await eventually(
      async () => {
        const { events } = await admin('/callback/list_events', {
          groupID: waiting.groupID,
          status: 'pending',
          pagination: { pageNumber: 1, showNumber: 10 },
        });
        return events[0]?.attempts === 1;
      },
      30_000,
      'a failed attempt',
    );
    await openFromNav('Delivery log');
    await page.fill('input[name=group]', waiting.groupID);
    await page.selectOption('select[name=status]', 'pending');
    await page.click('button:has-text("Filter")');
    await page.locator('tr[data-event] .badge-pending').waitFor();
    await page.locator('tr[data-event] a').first().click();
    await page.locator('h1 .badge-pending').waitFor();
    rx.answer('*', {});
    await page.getByRole('button', { name: 'Retry now' }).click();
    await page.locator('h1 .badge-delivered').waitFor({ timeout: 30_000 });
    expect(await page.locator('table.attempts tbody tr').count()).toBe(2);
    await admin('/callback/set_config', { config });

    // The live view: an attempt appears as it is made.
    await openFromNav('Live');
    await page.locator('.live-state', { hasText: 'connected' }).waitFor();
    await admin('/group/quit_group', { groupID: GROUP, userID: 'carol' });
    await page.locator('table.live tbody tr', { hasText: 'afterQuitGroup' }).waitFor();
    await screenshot('05-live');

    // The group: members with roles, and its events in commit order.
    await openFromNav('Groups');
    await page.fill('input[name=groupID]', GROUP);
    await page.click('button:has-text("Open group")');
    await page.locator('table.members tbody tr').nth(1).waitFor();
    await expect(page.locator('table.members').innerText()).resolves.toMatch(
      /alice\s+alice\s+owner[\s\S]*bob\s+bob\s+admin/,
    );
    // The timeline loads on its own, after the members.
    await page.locator('ol.timeline li', { hasText: 'afterQuitGroup' }).waitFor();
    await expect(page.locator('ol.timeline').innerText()).resolves.toMatch(/afterCreateGroup[\s\S]*afterQuitGroup/);
    await screenshot('06-group');

    // The configuration: a bad timeout is refused, and the error stands next to its field.
    await openFromNav('Configuration');
    const timeout = page.locator('input[name="beforeCreateGroup.timeout"]');
    await timeout.fill('forever');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const fieldError = page.locator('article[data-endpoint=default] tr[data-hook=beforeCreateGroup] .field-error');
    await fieldError.waitFor();
    await expect(fieldError.innerText()).resolves.toContain('expected a duration');
    await screenshot('07-config-error');
    await timeout.fill('3');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved and applied.').waitFor();
    expect((await admin('/callback/get_config', {})).config.beforeCreateGroup.timeout).toBe(3);
    await screenshot('08-config');

    // The API document, rendered.
    await openFromNav('API');
    await page.locator('details.call[id="/group/create_group"] > summary').click();
    await page.locator('details.call[id="/group/create_group"] td', { hasText: 'groupInfo.groupName' }).waitFor();
    await page.locator('details.call#afterCreateGroup > summary').click();
    await page.locator('details.call#afterCreateGroup td', { hasText: 'initMemberList[].roleLevel' }).waitFor();
    await screenshot('09-api');

    // A phone-sized screen: every page fits it.
    const phone = await cb.newPage({ phone: true });
    for (const [route, ready] of PHONE_PAGES) {
      await phone.goto(cb.url(route));
      await phone.locator(ready).first().waitFor();
      await screenshot(`phone${route.replaceAll('/', '-')}`, phone);
    }
    await phone.close();
    expect(cb.errors).toEqual([]);
  });
  it('lists groups and users, searched and paged, and acts on them as the API then reports', {
    timeout: 60_000,
  }, async () => {
    const now = () => Date.now();
    await s.register('dave', 'erin', 'frank', 'gina', 'hank');
    await admin('/user/user_register', {
      users: Array.from({ length: 25 }, (_, i) => ({
        userID: `walker${String(i + 1).padStart(2, '0')}`,
        nickname: `Walker ${i + 1}`,
      })),
    });
    const trail = await createGroup(s, {
      owner: 'dave',
      members: ['erin', 'frank'],
      groupID: 'trail',
      groupName: 'Trail crew',
      needVerification: 1,
    });
    for (const applicant of ['gina', 'hank'])
      await s.client.ok(
        '/group/join_group',
        { groupID: trail.groupID, reqMessage: `${applicant} wants in`, joinSource: 3 },
        await s.tokenFor(applicant),
      );
    const memberOf = async (userID: string) =>
      (await admin('/group/get_group_members_info', { groupID: 'trail', userIDs: [userID] })).members[0];
    const trailInfo = async () => (await admin('/group/get_groups_info', { groupIDs: ['trail'] })).groupInfos[0];
    await freshPage('/groups');
    page.on('dialog', (d) => void d.accept());

    // The group list, searched by name.
    await page.locator('table.group-list tr[data-group]').first().waitFor();
    await page.fill('input[name=q]', 'trail');
    await page.click('button:has-text("Search")');
    await page.waitForURL(/groups\?q=trail/);
    // The search's own answer: the pager counts its one match (the full list also shows trail).
    await page.locator('.pager', { hasText: '(1)' }).waitFor();
    await page.locator('table.group-list tr[data-group=trail]').waitFor();
    expect(await page.locator('table.group-list tr[data-group]').count()).toBe(1);
    await screenshot('11-group-list');
    await page.locator('tr[data-group=trail] a').click();

    // Its settings and the two pending requests: approve one, refuse the other.
    await page.locator('dl.group-settings').waitFor();
    await expect(page.locator('dl.group-settings').innerText()).resolves.toContain('everyone needs approval');
    await page.locator('tr[data-request=gina]').getByRole('button', { name: 'Approve' }).click();
    await page.getByText("gina's request approved.").waitFor();
    expect((await memberOf('gina'))?.roleLevel).toBe(20);
    await page.locator('tr[data-request=hank]').getByRole('button', { name: 'Refuse' }).click();
    await page.getByText("hank's request refused.").waitFor();
    const hanks = await admin('/group/get_group_users_req_application_list', { groupID: 'trail', userIDs: ['hank'] });
    expect(hanks.groupRequests[0].handleResult).toBe(-1);
    expect(await memberOf('hank')).toBeUndefined();
    await page.locator('tr[data-member=gina]').waitFor();
    await screenshot('12-group-detail');

    // Mute a member, kick another, hand the group over.
    await page.locator('tr[data-member=erin]').getByRole('button', { name: 'Mute 1 h' }).click();
    await page.locator('tr[data-member=erin]').getByRole('button', { name: 'Unmute' }).waitFor();
    expect((await memberOf('erin')).muteEndTime).toBeGreaterThan(now());
    await page.locator('tr[data-member=frank]').getByRole('button', { name: 'Kick' }).click();
    await page.locator('tr[data-member=frank]').waitFor({ state: 'detached' });
    expect(await memberOf('frank')).toBeUndefined();
    await page.locator('tr[data-member=erin]').getByRole('button', { name: 'Make owner' }).click();
    await page.locator('dd[data-field=owner]', { hasText: 'erin' }).waitFor();
    expect((await trailInfo()).ownerUserID).toBe('erin');
    expect((await memberOf('dave')).roleLevel).toBe(20);

    // Mute the whole group, then dismiss it.
    await page.getByRole('button', { name: 'Mute group' }).click();
    await page.locator('dd[data-field=status]', { hasText: 'muted' }).waitFor();
    expect((await trailInfo()).status).toBe(3);
    await page.getByRole('button', { name: 'Dismiss group' }).click();
    await page.getByText('Group dismissed.').waitFor();
    expect((await trailInfo())?.status ?? 2).toBe(2);
    const listed = await admin('/group/get_groups', {
      groupName: 'Trail',
      groupID: '',
      pagination: { pageNumber: 1, showNumber: 10 },
    });
    expect(listed.total).toBe(0);

    // Users: searched by userID, paged, then by nickname.
    await openFromNav('Users');
    await page.locator('table.user-list tr[data-user]').first().waitFor();
    await page.fill('input[name=q]', 'WALKER');
    await page.click('button:has-text("Search")');
    await page.locator('.pager', { hasText: 'page 1 of 2 (25)' }).waitFor();
    expect(await page.locator('table.user-list tr[data-user]').count()).toBe(20);
    // Paging keeps the search applied: a "search in" chosen but not submitted does not come along.
    await page.selectOption('select[name=by]', 'nickname');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('.pager', { hasText: 'page 2 of 2 (25)' }).waitFor();
    expect(new URL(page.url()).searchParams.get('by')).toBeNull();
    await expect(page.locator('select[name=by]').inputValue()).resolves.toBe('userID');
    await page.locator('table.user-list tr[data-user=walker25]').waitFor();
    expect(await page.locator('table.user-list tr[data-user]').count()).toBe(5);
    await screenshot('13-user-list');
    await page.selectOption('select[name=by]', 'nickname');
    await page.fill('input[name=q]', 'walker 7');
    await page.click('button:has-text("Search")');
    await page.waitForURL(/by=nickname/);
    await page.locator('.pager', { hasText: '(1)' }).waitFor();
    await page.locator('table.user-list tr[data-user=walker07]').waitFor();

    // A user: their groups, and force logout on a platform ends that platform's token.
    const erinWeb = await s.tokenFor('erin', 5);
    const asErin = () => s.client.raw('/user/get_users_info', { userIDs: ['erin'] }, { token: erinWeb });
    expect((await asErin()).body.errCode).toBe(0);
    await page.goto(cb.url('/users/erin'));
    await page.locator('dl.facts').waitFor();
    await page.selectOption('select[name=platformID]', '5');
    await page.getByRole('form', { name: 'force logout' }).getByRole('button', { name: 'Force logout' }).click();
    await page.getByText('erin logged out on Web.').waitFor();
    expect((await asErin()).body.errCode).not.toBe(0);
    await screenshot('14-user');
    expect(cb.errors).toEqual([]);
  });
  it('pauses and resumes an endpoint, and reveals and rotates its signing secret', { timeout: 60_000 }, async () => {
    const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    rx.answer('*', {});
    const { config } = await admin('/callback/get_config', {});
    await admin('/callback/set_config', {
      config: {
        ...config,
        endpoints: [
          { name: 'audit', url: rx.url, signingSecret: SECRET, hooks: { afterCreateGroup: { enable: true } } },
        ],
      },
    });
    const configNow = async () => (await admin('/callback/get_config', {})).config;
    const eventOf = async (groupID: string, endpoint: string) =>
      (
        await admin('/callback/list_events', {
          groupID,
          endpoint,
          pagination: { pageNumber: 1, showNumber: 1 },
        })
      ).events[0];

    await freshPage('/endpoints');
    page.on('dialog', (d) => void d.accept()); // rotating asks first
    const card = (name: string) => page.locator(`article.endpoint-card[data-endpoint=${name}]`);
    await card('audit').waitFor();
    await expect(card('default').locator('[data-field=state]').innerText()).resolves.toBe('active');

    // Paused: its events are kept and wait, while the other endpoint's go out; resumed: they go too.
    await card('default').getByRole('button', { name: 'Pause' }).click();
    await card('default').locator('[data-field=state]', { hasText: 'paused' }).waitFor();
    expect((await configNow()).paused).toBe(true);
    const held = await createGroup(s, { owner: 'alice', groupName: 'Held' });
    await eventually(async () => (await eventOf(held.groupID, 'audit'))?.status === 'delivered', 10_000, 'audit');
    expect(await eventOf(held.groupID, 'default')).toMatchObject({ status: 'pending', attempts: 0 });
    await screenshot('15-endpoints-paused');
    await card('default').getByRole('button', { name: 'Resume' }).click();
    await card('default').locator('[data-field=state]', { hasText: 'active' }).waitFor();
    expect((await configNow()).paused).toBeUndefined();
    await eventually(async () => (await eventOf(held.groupID, 'default'))?.status === 'delivered', 10_000, 'resumed');

    // The secret: masked, revealed on demand, rotated to a new valid one.
    const secret = card('audit').locator('[data-field=secret]');
    await expect(secret.innerText()).resolves.toBe(`whsec_••••••••${SECRET.slice(-4)}`);
    await card('audit').getByRole('button', { name: 'Reveal secret' }).click();
    await expect(secret.innerText()).resolves.toBe(SECRET);
    await card('audit').getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('audit signs with a new secret from now on.').waitFor();
    const rotated = (await configNow()).endpoints[0].signingSecret;
    expect(rotated).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated).not.toBe(SECRET);
    await secret.filter({ hasText: rotated }).waitFor();

    // A test event reaches the endpoint signed with the new secret, and its verdict shows.
    rx.clear();
    await card('audit').getByRole('button', { name: 'Send test event' }).click();
    await card('audit').locator('[data-field=test-result]', { hasText: '200' }).waitFor();
    await expect(card('audit').locator('[data-field=test-result]').innerText()).resolves.toContain('delivered');
    const [sent] = rx.requests('callbackAfterCreateGroupCommand');
    expect(new Webhook(rotated).verify(sent!.raw, sent!.headers as Record<string, string>)).toBeTruthy();
    await screenshot('16-endpoints');
    // The configuration form with a second endpoint still fits the window.
    await openFromNav('Configuration');
    await page.locator('article.config-endpoint[data-endpoint="endpoints[0]"]').waitFor();
    await screenshot('17-config-two-endpoints');
    await admin('/callback/set_config', { config });
    expect(cb.errors).toEqual([]);
  });
});
