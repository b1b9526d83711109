// Answers: what a handler decides, rendered in the request's dialect and read back with huddle's own
// verdict readers (readOpenIMAnswer, readTencentAnswer), so "reject" means reject on the server.
// Also: routing by command, failures as answers, and the compile-time rules (@ts-expect-error).

import {
  CALLBACKS,
  isOpenIMDelivered,
  isTencentDelivered,
  readOpenIMAnswer,
  readTencentAnswer,
  TENCENT_DENIED_CODE,
  type CallbackDefinition,
} from '@huddle/protocol';
import { describe, expect, it } from 'vitest';
import {
  allow,
  createReceiver,
  InvalidModificationError,
  modify,
  reject,
  type CallbackRequest,
  type Receiver,
} from '../src/index.js';
import { openimRequest, SDK_APP_ID, SECRET, tencentRequest, TOKEN } from './requests.js';

const errors: unknown[] = [];
const newReceiver = () => {
  errors.length = 0;
  return createReceiver({
    openim: { signingSecret: SECRET },
    tencent: { sdkAppId: SDK_APP_ID, token: TOKEN },
    onError: (e) => errors.push(e),
  });
};
const hook = (key: keyof typeof CALLBACKS): CallbackDefinition => CALLBACKS[key];
const openim = (key: keyof typeof CALLBACKS, fields: object = {}) =>
  openimRequest(CALLBACKS[key].openim.command, fields);
const tencent = (key: keyof typeof CALLBACKS, fields: object = {}) =>
  tencentRequest((CALLBACKS[key] as CallbackDefinition).tencent!.command, fields);

async function answer(receiver: Receiver, request: CallbackRequest) {
  const res = await receiver.handle(request);
  return { status: res.status, body: JSON.parse(res.body) as Record<string, unknown>, text: res.body };
}

describe('OpenIM answers', () => {
  it('allow, reject and modify read back as huddle reads them', async () => {
    const r = newReceiver()
      .on('beforeCreateGroup', (e) => {
        const name = e.dialect === 'openim' ? e.body.groupName : e.body.Name;
        if (name === 'no') return reject(5001, 'blocked', 'policy 7');
        return name === 'rename' ? modify({ groupName: 'Renamed', ex: 'x' }) : allow();
      })
      .on('beforeSetGroupMemberInfo', () => modify({ roleLevel: 60, nickName: 'nn' }));
    const allowed = await answer(r, openim('beforeCreateGroup', { groupName: 'ok' }));
    expect(allowed.body).toEqual({ actionCode: 0, errCode: 0, errMsg: '', errDlt: '', nextCode: 0 });
    expect(readOpenIMAnswer(allowed.status, allowed.text, hook('beforeCreateGroup').modifiable)).toMatchObject({
      kind: 'allow',
    });

    const rejected = await answer(r, openim('beforeCreateGroup', { groupName: 'no' }));
    expect(rejected.body).toEqual({ actionCode: 0, errCode: 5001, errMsg: 'blocked', errDlt: 'policy 7', nextCode: 1 });
    expect(readOpenIMAnswer(rejected.status, rejected.text)).toEqual({
      kind: 'reject',
      errCode: 5001,
      errMsg: 'blocked',
      errDlt: 'policy 7',
      custom: true,
    });

    const modified = await answer(r, openim('beforeCreateGroup', { groupName: 'rename' }));
    expect(readOpenIMAnswer(modified.status, modified.text, hook('beforeCreateGroup').modifiable)).toEqual({
      kind: 'allow',
      modification: expect.objectContaining({ groupName: 'Renamed', ex: 'x', notification: undefined }),
    });
    const member = await answer(r, openim('beforeSetGroupMemberInfo'));
    expect(member.body).toMatchObject({ actionCode: 0, nextCode: 0, roleLevel: 60, nickName: 'nn' });
  });

  it('acknowledges after-callbacks and callbacks nobody handles', async () => {
    const r = newReceiver().on('afterQuitGroup', () => {});
    for (const key of ['afterQuitGroup', 'afterKickGroupMember', 'beforeSetGroupInfo'] as const) {
      const got = await answer(r, openim(key));
      expect(got.status).toBe(200);
      expect(isOpenIMDelivered(got.status, got.text)).toEqual({ ok: true, note: '' });
      expect(readOpenIMAnswer(got.status, got.text, hook(key).modifiable)).toMatchObject({ kind: 'allow' });
    }
    expect((await answer(r, openimRequest('callbackSomethingNewCommand'))).status).toBe(200);
  });
});

describe('Tencent answers', () => {
  it('maps a custom code 10100–10200 through, any other rejection to ErrorCode 1', async () => {
    const r = newReceiver().on('beforeApplyJoinGroup', (e) =>
      e.dialect === 'tencent' && e.body.Requestor_Account === 'vip'
        ? reject(10150, 'members only', 'apply on the website')
        : reject(5001, 'closed'),
    );
    const custom = await answer(r, tencent('beforeApplyJoinGroup', { Requestor_Account: 'vip' }));
    expect(custom.body).toEqual({
      ActionStatus: 'OK',
      ErrorCode: 10150,
      ErrorInfo: 'members only: apply on the website',
    });
    expect(readTencentAnswer(custom.status, custom.text)).toEqual({
      kind: 'reject',
      errCode: 10150,
      errMsg: 'members only: apply on the website',
      errDlt: '',
      custom: true,
    });
    const plain = await answer(r, tencent('beforeApplyJoinGroup', { Requestor_Account: 'x' }));
    expect(plain.body).toEqual({ ActionStatus: 'OK', ErrorCode: 1, ErrorInfo: 'closed' });
    expect(readTencentAnswer(plain.status, plain.text)).toMatchObject({ kind: 'reject', errCode: TENCENT_DENIED_CODE });
  });

  it('renders refusedMembersAccount as RefusedMembers_Account', async () => {
    const r = newReceiver().on('beforeInviteUserToGroup', (e) =>
      modify({
        refusedMembersAccount:
          e.dialect === 'tencent'
            ? e.body.DestinationMembers.map((m) => m.Member_Account).filter((id) => id.startsWith('bot'))
            : [],
      }),
    );
    const got = await answer(
      r,
      tencent('beforeInviteUserToGroup', {
        DestinationMembers: [{ Member_Account: 'bot1' }, { Member_Account: 'ann' }],
      }),
    );
    expect(got.body).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', RefusedMembers_Account: ['bot1'] });
    const h = hook('beforeInviteUserToGroup');
    expect(readTencentAnswer(got.status, got.text, h.tencent?.modification, h.modifiable)).toEqual({
      kind: 'allow',
      modification: { refusedMembersAccount: ['bot1'] },
    });
  });

  it('refuses to render a modification Tencent has no field for', async () => {
    const r = newReceiver().on('beforeCreateGroup', () => modify({ groupName: 'x' }));
    const got = await answer(r, tencent('beforeCreateGroup'));
    expect(got.status).toBe(500);
    expect(errors[0]).toBeInstanceOf(InvalidModificationError);
    expect(isTencentDelivered(got.status, got.text).ok).toBe(false);
  });

  it('acknowledges after-callbacks as HTTP 200 with ErrorCode 0', async () => {
    const r = newReceiver().on('afterDismissGroup', () => {});
    const got = await answer(r, tencent('afterDismissGroup'));
    expect(got).toMatchObject({ status: 200, body: { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' } });
  });
});

describe('routing', () => {
  it('sends a Tencent command shared by two hooks to the one its body names (ExitType), else to the one with a handler', async () => {
    const seen: string[] = [];
    const kickOnly = newReceiver().on('afterKickGroupMember', (e) => void seen.push(`${e.hook}:${e.command}`));
    await answer(kickOnly, tencent('afterQuitGroup', { ExitType: 'Quit' }));
    const both = newReceiver()
      .on('afterQuitGroup', (e) => void seen.push(`${e.hook}:${e.command}`))
      .on('afterKickGroupMember', (e) => void seen.push(`${e.hook}:${e.command}`));
    await answer(both, tencent('afterKickGroupMember', { ExitType: 'Kicked' }));
    await answer(both, tencent('afterQuitGroup', { ExitType: 'Quit' }));
    await answer(both, openim('afterKickGroupMember'));
    expect(seen).toEqual([
      'afterKickGroupMember:Group.CallbackAfterMemberExit',
      'afterKickGroupMember:Group.CallbackAfterMemberExit',
      'afterQuitGroup:Group.CallbackAfterMemberExit',
      'afterKickGroupMember:callbackAfterKickGroupCommand',
    ]);
  });

  it('gives handlers the body, the webhook-id, the operationID and Tencent query parameters', async () => {
    let event: unknown;
    const r = newReceiver().on('afterTransferGroupOwner', (e) => void (event = e));
    const req = tencentRequest(
      'Group.CallbackAfterChangeGroupOwner',
      { GroupId: 'g1', NewOwner_Account: 'b' },
      { id: 'evt_7' },
    );
    await answer(r, req);
    expect(event).toEqual({
      hook: 'afterTransferGroupOwner',
      command: 'Group.CallbackAfterChangeGroupOwner',
      id: 'evt_7',
      operationID: 'op-test',
      dialect: 'tencent',
      body: { CallbackCommand: 'Group.CallbackAfterChangeGroupOwner', GroupId: 'g1', NewOwner_Account: 'b' },
      query: { SdkAppid: SDK_APP_ID, ClientIP: '127.0.0.1', OptPlatform: 'RESTAPI' },
    });
  });

  it('allows one handler per hook', () => {
    const r = newReceiver().on('afterQuitGroup', () => {});
    expect(() => r.on('afterQuitGroup', () => {})).toThrow(/already has a handler/);
    expect(() => r.on('afterNothing' as 'afterQuitGroup', () => {})).toThrow(/not a huddle hook/);
  });
});

describe('failures become well-formed answers', () => {
  it('a throwing handler gets a 500 in the dialect, which huddle retries or treats as a failed callback', async () => {
    const r = newReceiver()
      .on('afterCreateGroup', () => {
        throw new Error('database down');
      })
      .on('beforeSetGroupInfo', async () => {
        await Promise.resolve();
        throw new Error('policy service down');
      });
    const after = await answer(r, openim('afterCreateGroup'));
    expect(after).toMatchObject({ status: 500, body: { actionCode: 1, nextCode: 0 } });
    expect(isOpenIMDelivered(after.status, after.text).ok).toBe(false);
    const before = await answer(r, openim('beforeSetGroupInfo'));
    expect(readOpenIMAnswer(before.status, before.text)).toMatchObject({ kind: 'fail' });
    const tc = await answer(r, tencent('afterCreateGroup'));
    expect(tc).toMatchObject({ status: 500, body: { ActionStatus: 'FAIL' } });
    expect(isTencentDelivered(tc.status, tc.text).ok).toBe(false);
    expect(errors.map((e) => (e as Error).message)).toEqual(['database down', 'policy service down', 'database down']);
    // The error's text stays on this side.
    expect(after.text + before.text + tc.text).not.toMatch(/down/);
  });

  it('a modification huddle would refuse fails here, naming the field', async () => {
    const r = newReceiver().on('beforeSetGroupMemberInfo', () => modify({ roleLevel: 100 }));
    const got = await answer(r, openim('beforeSetGroupMemberInfo'));
    expect(got.status).toBe(500);
    expect(String(errors[0])).toMatch(/beforeSetGroupMemberInfo: invalid modification: roleLevel/);
  });

  it('a before-hook handler that returns no decision fails instead of allowing', async () => {
    // As plain JavaScript would: TypeScript refuses this handler.
    const r = newReceiver().on('beforeSetGroupInfo', (() => undefined) as never);
    expect((await answer(r, openim('beforeSetGroupInfo'))).status).toBe(500);
    expect(String(errors[0])).toMatch(/must return allow\(\), reject\(\) or modify\(\)/);
  });
});

// Compile-time rules: tsc fails if any of these lines stops being an error.
export function typeRules(r: Receiver) {
  // @ts-expect-error groupID is not modifiable by beforeSetGroupInfo (it would redirect the change)
  r.on('beforeSetGroupInfo', () => modify({ groupID: 'other' }));
  // @ts-expect-error a field of another hook
  r.on('beforeSetGroupMemberInfo', () => modify({ groupName: 'x' }));
  // @ts-expect-error a wrong type
  r.on('beforeSetGroupMemberInfo', async () => modify({ roleLevel: '60' }));
  // @ts-expect-error an extra field inside a list entry
  r.on('beforeMemberJoinGroup', () => modify({ memberCallbackList: [{ userID: 'u', nickname: 'n', role: 60 }] }));
  // @ts-expect-error beforeApplyJoinGroup takes no modification
  r.on('beforeApplyJoinGroup', () => modify({ ex: 'x' }));
  // @ts-expect-error a before-hook handler must decide
  r.on('beforeCreateGroup', () => {});
  // @ts-expect-error no such hook
  r.on('afterNothing', () => {});
  r.on('beforeMemberJoinGroup', (e) =>
    modify({
      memberCallbackList:
        e.dialect === 'openim' ? e.body.memberList.map((m) => ({ userID: m.userID, roleLevel: 60 })) : [],
    }),
  );
  r.on('afterCreateGroup', (e) => {
    if (e.dialect === 'openim') {
      const roles: number[] = e.body.initMemberList.map((m) => m.roleLevel);
      // @ts-expect-error OpenIM bodies use OpenIM names
      void e.body.GroupId;
      void roles;
    } else {
      const owner: string = e.body.Owner_Account;
      void owner;
    }
  });
  // afterMemberJoinGroup has no Tencent command: its events are OpenIM's only.
  r.on('afterMemberJoinGroup', (e) => {
    const dialect: 'openim' = e.dialect;
    void dialect;
  });
}
