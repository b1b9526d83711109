// Who gets a message pushed: exactly who could pull it. A stored message goes to the owners of the
// conversation rows that let them read its seq (so a joiner gets its own entry notice, a kicked
// member its kick notice and nothing after); an online-only one (seq 0) to the group's members or
// the two users of a one-to-one message.

import type { MessageRecord } from '../storage/records.js';
import type { DomainDeps } from './context.js';
import { SessionType } from './conversation-ids.js';

export function recipientService({ store }: Pick<DomainDeps, 'store'>) {
  return {
    async of(m: MessageRecord): Promise<string[]> {
      if (m.seq === 0) {
        if (m.sessionType === SessionType.Group) return store.repos.members.userIDs(m.groupID);
        return [...new Set([m.sendID, m.recvID])];
      }
      const readers = await store.repos.conversations.readersAt(m.conversationID, m.seq);
      // A user's own notification conversation (n_<u>_<u>) has no rows: it is all theirs.
      if (readers.length === 0 && m.conversationID === `n_${m.recvID}_${m.recvID}`) return [m.recvID];
      return readers;
    },

    /** Stored messages from..to of a conversation, for pushes another instance committed. */
    stored(conversationID: string, from: number, to: number): Promise<MessageRecord[]> {
      return store.repos.messages.range(conversationID, from, to);
    },
  };
}
export type RecipientService = ReturnType<typeof recipientService>;
