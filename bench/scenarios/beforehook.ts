// Scenario 5b (issue 3, point 9 (b)): the latency a before-hook adds. set_group_member_info (a member
// renaming itself) with beforeSetGroupMemberInfo off and on, and the receiver's own round trip: the
// same signed POST sent straight from the bench; at concurrency 1 and 8.

import { CALLBACKS, openimBody, openimUrl, signatureHeaders } from '@huddle/protocol';
import { Api } from '../lib/api.js';
import { type Huddle, ids } from '../lib/huddle.js';
import { type PhaseOptions, type PhaseResult, runPhase } from '../lib/phase.js';
import type { Recorder } from '../lib/recorder.js';
import { type Receiver, receiverCall } from '../lib/receiver-process.js';
import { defineScenario } from '../lib/scenario.js';
import { LATENCY_SECONDS } from '../lib/settings.js';
import { round } from '../lib/stats.js';
import { verify } from '../lib/verify.js';
import { SIGNING_SECRET, setWebhooks, webhookConfig } from '../lib/webhooks.js';

export const beforehook = defineScenario({
  name: 'beforehook',
  measures: '(b) latency beforeSetGroupMemberInfo adds to set_group_member_info, over the receiver round trip',
  byDefault: true,
  uses: ['webhooks'],
  async run(ctx) {
    const phases: PhaseResult[] = [];
    const b = await beforeHookScenario(ctx.webhooks(), ctx.receiver(), phases);
    return { phases, kind: 'latency', result: b };
  },
});

export interface BeforeHookRow {
  concurrency: number;
  without: PhaseResult;
  with: PhaseResult;
  receiverRoundTrip: PhaseResult;
  /** with − without, per call. */
  addedP50: number;
  addedP99: number;
  /** (with − without) − the receiver's own round trip: what huddle adds beyond the business server. */
  addedOverRoundTripP50: number;
  addedOverRoundTripP99: number;
}

export interface BeforeHookResult {
  hook: string;
  operation: string;
  rows: BeforeHookRow[];
  hookCalls: number;
}

/**
 * (b) set_group_member_info (a member renaming itself) with beforeSetGroupMemberInfo off and on,
 * and the receiver's own round trip: the same POST sent straight from the bench.
 */
async function beforeHookScenario(h: Huddle, r: Receiver, phases: PhaseResult[]): Promise<BeforeHookResult> {
  const ctl = new Api(h.api.url, 2);
  const direct = new Api(r.origin, 8);
  try {
    const members = ids('bh', 8);
    await h.register(['bh_owner', ...members]);
    const tokens = await Promise.all(members.map((u) => h.tokenFor(u)));
    const d = await h.api.ok(
      '/group/create_group',
      {
        ownerUserID: 'bh_owner',
        adminUserIDs: [],
        memberUserIDs: members,
        groupInfo: { groupID: '', groupName: 'before', groupType: 2, needVerification: 0 },
      },
      h.adminToken,
    );
    const groupID: string = d.groupInfo.groupID;
    const pid = h.child.proc.pid;
    const receiverPid = r.child.proc.pid;
    const hook = 'beforeSetGroupMemberInfo' as const;
    const command = CALLBACKS[hook].openim.command;
    const opts = (concurrency: number): PhaseOptions => ({
      concurrency,
      seconds: LATENCY_SECONDS,
      warmup: 1,
      receiverPid,
    });
    let succeeded = 0;
    const op = async (rec: Recorder, w: number, seq: number) => {
      const body = JSON.stringify({
        members: [{ groupID, userID: members[w]!, nickname: `nick ${seq}`, ex: `ex ${seq}` }],
      });
      const ok = (await rec.call('/group/set_group_member_info', body, tokens[w]!)) !== undefined;
      if (ok) succeeded++;
      return ok;
    };
    // What huddle sends for that call: same path, body, headers (signed), same kind of client.
    const directOp = async (rec: Recorder, w: number, seq: number) => {
      const body = JSON.stringify(
        openimBody(CALLBACKS[hook], {
          groupID,
          userID: members[w]!,
          nickname: `nick ${seq}`,
          faceURL: null,
          roleLevel: null,
          ex: `ex ${seq}`,
        }),
      );
      const now = Date.now();
      const headers = signatureHeaders(SIGNING_SECRET, `evt_bench_${seq}_${w}`, Math.floor(now / 1000), body);
      const target = new URL(openimUrl(r.url, command));
      return (await rec.call(`${target.pathname}${target.search}`, body, undefined, undefined, headers)) !== undefined;
    };

    const rows: BeforeHookRow[] = [];
    let hookCalls = 0;
    await receiverCall(r, 'reset', { delayMs: 0 });
    for (const concurrency of [1, 8]) {
      await setWebhooks(ctl, h, webhookConfig(r.url));
      const received0 = (await receiverCall(r, 'stats')).byCommand[command] ?? 0;
      const without = (
        await runPhase(`set_group_member_info c${concurrency}, no hook`, 'calls/s', h.api, pid, op, opts(concurrency))
      ).result;
      const received1 = (await receiverCall(r, 'stats')).byCommand[command] ?? 0;
      verify(without, without.errors === 0, `every call errCode 0 (${without.errors} errors)`);
      verify(without, received1 === received0, `hook off: the receiver got no ${command} (${received1 - received0})`);

      await setWebhooks(ctl, h, webhookConfig(r.url, { before: [hook] }));
      succeeded = 0;
      const withHook = (
        await runPhase(
          `set_group_member_info c${concurrency}, ${hook} on`,
          'calls/s',
          h.api,
          pid,
          op,
          opts(concurrency),
        )
      ).result;
      const received2 = (await receiverCall(r, 'stats')).byCommand[command] ?? 0;
      hookCalls += received2 - received1;
      verify(
        withHook,
        withHook.errors === 0,
        `every call errCode 0 (${withHook.errors} errors; failedContinue false, so a failed callback would show here)`,
      );
      verify(
        withHook,
        received2 - received1 === succeeded,
        `hook on: the receiver got one ${command} per successful call (${received2 - received1} for ${succeeded})`,
      );

      const rtt = (
        await runPhase(
          `receiver round trip c${concurrency} (direct POST)`,
          'calls/s',
          direct,
          receiverPid,
          directOp,
          opts(concurrency),
        )
      ).result;
      verify(rtt, rtt.errors === 0, `every direct POST answered 200 with errCode 0 (${rtt.errors} errors)`);
      await receiverCall(r, 'reset', { delayMs: 0 });
      phases.push(without, withHook, rtt);

      const addedP50 = withHook.callLatencyMs.p50 - without.callLatencyMs.p50;
      const addedP99 = withHook.callLatencyMs.p99 - without.callLatencyMs.p99;
      rows.push({
        concurrency,
        without,
        with: withHook,
        receiverRoundTrip: rtt,
        addedP50: round(addedP50),
        addedP99: round(addedP99),
        addedOverRoundTripP50: round(addedP50 - rtt.callLatencyMs.p50),
        addedOverRoundTripP99: round(addedP99 - rtt.callLatencyMs.p99),
      });
    }
    await setWebhooks(ctl, h, webhookConfig(r.url));
    return {
      hook,
      operation: 'set_group_member_info (one entry: a member sets its own nickname and ex)',
      rows,
      hookCalls,
    };
  } finally {
    await ctl.close();
    await direct.close();
  }
}
