// One group for an operator: its settings (and a form to edit them), members (paged, searchable)
// with mute, kick and "make owner", pending join requests to approve or refuse, mute or dismiss the
// whole group, its messages (newest first, paged), and its recent after-events in commit order.

import { useState } from 'react';
import { call } from '../api';
import { ActionButton } from '../components/ActionButton';
import { DataTable } from '../components/DataTable';
import { GroupSettingsForm, VERIFICATION } from '../components/GroupSettingsForm';
import { GroupTimeline } from '../components/GroupTimeline';
import { MessageList } from '../components/MessageList';
import { Pager } from '../components/Pager';
import { ROLE_NAMES } from '../format';
import { Time } from '../components/Time';
import { Link } from '../router';
import type { GroupInfo, Member } from '../types';
import { useAction } from '../useAction';
import { useLoad } from '../useLoad';

const MEMBERS_PAGE = 50;
const MUTE_SECONDS = 3600;
const GROUP_STATUS: Record<number, string> = { 0: 'normal', 2: 'dismissed', 3: 'muted' };
const OWNER = 100;

interface JoinRequest {
  userInfo: { userID: string; nickname: string };
  reqMsg: string;
  reqTime: number;
}

async function loadGroup(groupID: string, memberPage: number, keyword: string) {
  const { groupInfos } = await call<{ groupInfos: GroupInfo[] }>('/group/get_groups_info', { groupIDs: [groupID] });
  const group = groupInfos[0];
  if (!group) return null;
  const [members, requests] = await Promise.all([
    call<{ total: number; members: Member[] }>('/group/get_group_member_list', {
      groupID,
      pagination: { pageNumber: memberPage, showNumber: MEMBERS_PAGE },
      filter: 0,
      keyword,
    }),
    // The owner's inbox narrowed to this group and to pending requests.
    group.status === 2
      ? { total: 0, groupRequests: [] }
      : call<{ total: number; groupRequests: JoinRequest[] }>('/group/get_recv_group_applicationList', {
          fromUserID: group.ownerUserID,
          groupIDs: [groupID],
          handleResults: [0],
          pagination: { pageNumber: 1, showNumber: 100 },
        }),
  ]);
  return { group, members, requests };
}

export function GroupDetail({ groupID }: { groupID: string }) {
  const [memberPage, setMemberPage] = useState(1);
  const [keyword, setKeyword] = useState('');
  const { data, error, reload } = useLoad(
    () => loadGroup(groupID, memberPage, keyword),
    [groupID, memberPage, keyword],
  );
  const { run, busy, notice } = useAction(reload);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  if (error) return <p className="error">{error}</p>;
  if (data === undefined) return <p className="muted">Loading…</p>;
  if (data === null) return <p className="error">No group {groupID}.</p>;
  const { group, members, requests } = data;
  const live = group.status !== 2;
  const muted = group.status === 3;
  const name = group.groupName || groupID;
  const now = Date.now();
  const respond = (userID: string, handleResult: 1 | -1) =>
    run(
      '/group/group_application_response',
      { groupID, fromUserID: userID, handleResult, handledMsg: '' },
      `${userID}'s request ${handleResult === 1 ? 'approved' : 'refused'}.`,
    );

  return (
    <>
      <h2 className="wrap">{group.groupName || '(no name)'}</h2>
      {live && (
        <div className="actions">
          <ActionButton
            label={muted ? 'Unmute group' : 'Mute group'}
            disabled={busy}
            onClick={() =>
              muted
                ? run('/group/cancel_mute_group', { groupID }, 'Group unmuted.')
                : run('/group/mute_group', { groupID }, 'Group muted.')
            }
          />
          <ActionButton
            label="Dismiss group"
            danger
            disabled={busy}
            onClick={() =>
              run(
                '/group/dismiss_group',
                { groupID, deleteMember: false },
                'Group dismissed.',
                `Dismiss ${name}? Its members can no longer send to it.`,
              )
            }
          />
        </div>
      )}
      {notice}
      <dl className="facts group-settings">
        <dt>Group ID</dt>
        <dd className="mono">{group.groupID}</dd>
        <dt>Status</dt>
        <dd data-field="status">{GROUP_STATUS[group.status] ?? group.status}</dd>
        <dt>Owner</dt>
        <dd data-field="owner">{group.ownerUserID}</dd>
        <dt>Members</dt>
        <dd>{group.memberCount}</dd>
        <dt>Joining</dt>
        <dd>{VERIFICATION[group.needVerification] ?? group.needVerification}</dd>
        <dt>Members see each other</dt>
        <dd>{group.lookMemberInfo === 0 ? 'yes' : 'no'}</dd>
        <dt>Members may add friends</dt>
        <dd>{group.applyMemberFriend === 0 ? 'yes' : 'no'}</dd>
        <dt>Notification</dt>
        <dd>{group.notification || '—'}</dd>
        <dt>Introduction</dt>
        <dd>{group.introduction || '—'}</dd>
        <dt>ex</dt>
        <dd className="mono">{group.ex || '—'}</dd>
        <dt>Created</dt>
        <dd>
          <Time ms={group.createTime} /> by {group.creatorUserID || '—'}
        </dd>
      </dl>
      {live && (
        <div className="actions">
          <button
            type="button"
            aria-expanded={editing}
            onClick={() => {
              setEditing(!editing);
              setSaved(false);
            }}
          >
            {editing ? 'Cancel editing' : 'Edit settings'}
          </button>
        </div>
      )}
      {saved && (
        <p className="notice" role="status">
          Settings saved.
        </p>
      )}
      {live && editing && (
        <GroupSettingsForm
          group={group}
          onSaved={async () => {
            await reload();
            setEditing(false);
            setSaved(true);
          }}
        />
      )}

      {live && (
        <>
          <h3>Pending join requests ({requests.total})</h3>
          {requests.total === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <DataTable className="requests" columns={['User', 'Message', 'Asked', 'Answer']}>
              {requests.groupRequests.map((r) => (
                <tr key={r.userInfo.userID} data-request={r.userInfo.userID}>
                  <td>
                    <Link to={`/users/${encodeURIComponent(r.userInfo.userID)}`}>{r.userInfo.userID}</Link>{' '}
                    {r.userInfo.nickname}
                  </td>
                  <td className="wrap">{r.reqMsg}</td>
                  <td>
                    <Time ms={r.reqTime} />
                  </td>
                  <td className="row-actions">
                    <ActionButton label="Approve" disabled={busy} onClick={() => respond(r.userInfo.userID, 1)} />
                    <ActionButton label="Refuse" disabled={busy} onClick={() => respond(r.userInfo.userID, -1)} />
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </>
      )}

      <h3>Members ({members.total})</h3>
      <form
        className="inline"
        aria-label="find members"
        onSubmit={(e) => {
          e.preventDefault();
          setKeyword(String(new FormData(e.currentTarget).get('keyword') ?? '').trim());
          setMemberPage(1);
        }}
      >
        <input name="keyword" placeholder="userID or nickname" aria-label="member" defaultValue={keyword} />
        <button type="submit">Find</button>
      </form>
      <DataTable className="members" columns={['User', 'Nickname', 'Role', 'Joined', 'Muted until', 'Actions']}>
        {members.members.map((m) => {
          const mutedNow = m.muteEndTime > now;
          return (
            <tr key={m.userID} data-member={m.userID}>
              <td className="mono">
                <Link to={`/users/${encodeURIComponent(m.userID)}`}>{m.userID}</Link>
              </td>
              <td>{m.nickname}</td>
              <td>{ROLE_NAMES[m.roleLevel] ?? m.roleLevel}</td>
              <td>
                <Time ms={m.joinTime} />
              </td>
              <td data-field="muted">{mutedNow ? <Time ms={m.muteEndTime} /> : '—'}</td>
              <td className="row-actions">
                {live && m.roleLevel !== OWNER && (
                  <>
                    <ActionButton
                      label={mutedNow ? 'Unmute' : 'Mute 1 h'}
                      disabled={busy}
                      onClick={() =>
                        mutedNow
                          ? run(
                              '/group/cancel_mute_group_member',
                              { groupID, userID: m.userID },
                              `${m.userID} unmuted.`,
                            )
                          : run(
                              '/group/mute_group_member',
                              { groupID, userID: m.userID, mutedSeconds: MUTE_SECONDS },
                              `${m.userID} muted for an hour.`,
                            )
                      }
                    />
                    <ActionButton
                      label="Make owner"
                      disabled={busy}
                      onClick={() =>
                        run(
                          '/group/transfer_group',
                          { groupID, oldOwnerUserID: group.ownerUserID, newOwnerUserID: m.userID },
                          `${m.userID} owns the group now.`,
                          `Make ${m.userID} the owner of ${name}? ${group.ownerUserID} becomes a member.`,
                        )
                      }
                    />
                    <ActionButton
                      label="Kick"
                      danger
                      disabled={busy}
                      onClick={() =>
                        run(
                          '/group/kick_group',
                          { groupID, kickedUserIDs: [m.userID], reason: '' },
                          `${m.userID} removed.`,
                          `Remove ${m.userID} from ${name}?`,
                        )
                      }
                    />
                  </>
                )}
              </td>
            </tr>
          );
        })}
      </DataTable>
      <Pager page={memberPage} pageSize={MEMBERS_PAGE} total={members.total} onPage={setMemberPage} />

      <h3>
        Messages · <Link to={`/conversations/${encodeURIComponent(`sg_${groupID}`)}`}>open the conversation</Link>
      </h3>
      <MessageList conversationID={`sg_${groupID}`} />

      <GroupTimeline groupID={groupID} refresh={data} />
    </>
  );
}
