// A huddle process killed with SIGKILL while after-callbacks are pending loses none of them: after a
// restart on the same database every event of every acknowledged change arrives, in order per group.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { TEST_SECRET } from './harness.js';
import { startReceiver, writeWebhooksYaml, type ReceivedRequest } from './receiver.js';
import { startServerProcess } from './server-process.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huddle-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

async function startProcess(webhooks: string) {
  const proc = await startServerProcess({
    HUDDLE_DATABASE: path.join(dir, 'huddle.db'),
    HUDDLE_SECRET: TEST_SECRET,
    HUDDLE_CALLBACKS: webhooks,
    HUDDLE_LOG_LEVEL: 'info',
  });
  children.push(proc.child);
  return proc;
}

it('delivers every committed after-callback after a SIGKILL and a restart, in order per group', async () => {
  const rx = await startReceiver();
  // A slow business server, so a backlog is pending when the process dies.
  rx.answer('*', { delayMs: 20 });
  const webhooks = writeWebhooksYaml(dir, {
    url: rx.url,
    retrySchedule: [0.05, 0.1, 0.2],
    deliveryConcurrency: 4,
    hooks: { afterMemberJoinGroup: { enable: true, timeout: 2 }, afterQuitGroup: { enable: true, timeout: 2 } },
  });
  const first = await startProcess(webhooks);
  const { token: admin } = await first.client.ok('/auth/get_admin_token', { secret: TEST_SECRET, userID: 'imAdmin' });
  const users = Array.from({ length: 8 }, (_, i) => `u${i}`);
  await first.client.ok(
    '/user/user_register',
    { users: [{ userID: 'owner', nickname: 'o' }, ...users.map((u) => ({ userID: u, nickname: u }))] },
    admin,
  );
  const groups = ['g1', 'g2', 'g3'];
  for (const g of groups) {
    await first.client.ok(
      '/group/create_group',
      { ownerUserID: 'owner', groupInfo: { groupID: g, groupType: 2, needVerification: 2 } },
      admin,
    );
  }

  // Load from 8 concurrent users; kill the process once enough changes were acknowledged.
  const acknowledged: { op: 'join' | 'quit'; groupID: string; userID: string }[] = [];
  let killed = false;
  const load = users.map(async (u) => {
    for (let round = 0; !killed; round++) {
      const groupID = groups[round % groups.length]!;
      for (const op of ['join', 'quit'] as const) {
        const body = op === 'join' ? { groupID, joinSource: 1, inviterUserID: u } : { groupID, userID: u };
        try {
          const res = await first.client.post(`/group/${op === 'join' ? 'join_group' : 'quit_group'}`, body, admin);
          if (res.errCode === 0) acknowledged.push({ op, groupID, userID: u });
        } catch {
          return; // the connection died with the process
        }
        if (killed) return;
      }
    }
  });
  while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 10));
  const pendingBeforeKill = acknowledged.length - rx.requests().length;
  killed = true;
  first.child.kill('SIGKILL');
  await Promise.all(load);
  await new Promise<void>((r) =>
    first.child.exitCode !== null || first.child.signalCode ? r() : first.child.once('exit', () => r()),
  );
  expect(first.child.signalCode).toBe('SIGKILL');
  expect(pendingBeforeKill).toBeGreaterThan(0);
  await first.client.close().catch(() => {});

  const second = await startProcess(webhooks);
  try {
    const key = (r: { op: string; groupID: string; userID: string }) => `${r.op}:${r.groupID}:${r.userID}`;
    const asEvent = (r: ReceivedRequest) => ({
      op: r.command === 'callbackAfterQuitGroupCommand' ? 'quit' : 'join',
      groupID: r.body.groupID,
      userID: r.body.userID,
    });
    const unique = (rs: ReceivedRequest[]) => [
      ...new Map(rs.map((r) => [r.headers['webhook-id'] as string, r])).values(),
    ];
    const delivered = await rx.waitFor((rs) => {
      const seen = new Map<string, number>();
      for (const r of unique(rs)) seen.set(key(asEvent(r)), (seen.get(key(asEvent(r))) ?? 0) + 1);
      const need = new Map<string, number>();
      for (const a of acknowledged) need.set(key(a), (need.get(key(a)) ?? 0) + 1);
      return [...need].every(([k, count]) => (seen.get(k) ?? 0) >= count);
    }, 120_000);
    const events = unique(delivered).map(asEvent);
    // Per group and user, joins and quits alternate, starting with a join: commit order held.
    for (const g of groups) {
      for (const u of users) {
        const story = events.filter((e) => e.groupID === g && e.userID === u).map((e) => e.op);
        story.forEach((op, i) => expect(op, `${g}/${u} event ${i}`).toBe(i % 2 === 0 ? 'join' : 'quit'));
      }
    }
    const duplicates = delivered.length - unique(delivered).length;
    console.log(
      `crash test: ${acknowledged.length} acknowledged changes, ${pendingBeforeKill} undelivered at SIGKILL, ${events.length} events delivered, ${duplicates} duplicate deliveries`,
    );
  } finally {
    second.child.kill('SIGTERM');
    await second.client.close();
    await rx.close();
  }
});
