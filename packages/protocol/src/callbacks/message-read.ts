import { int, object, str } from './views.js';
// Read callbacks, from mark_conversation_as_read once the user's read mark moved, OpenIM's bodies
// key for key: afterGroupMsgRead (CallbackGroupMsgReadReq: `unreadMsgNum` carries the hasReadSeq,
// as OpenIM fills it) and afterSingleMsgRead (CallbackSingleMsgReadReq: `Seqs`, capital S).
// Tencent Cloud Chat has no counterpart huddle sends. A reader's read callbacks wait in the reader's
// queue (`user:<userID>`, as the user hooks): OpenIM's group body names no group.

import { array } from './views.js';
import { defineCallback } from './define.js';

export interface GroupReadEvent {
  /** The conversation's owner: the reader. */
  sendID: string;
  receiveID: string;
  /** The new hasReadSeq (OpenIM's value for this field). */
  unreadMsgNum: number;
  /** The conversation type (3). */
  contentType: number;
}

export interface SingleReadEvent {
  conversationID: string;
  userID: string;
  /** The seqs the request named. */
  Seqs: number[];
  /** The conversation type (1). */
  contentType: number;
}

const readerQueue = (reader: string) => `user:${reader}`;

export const afterGroupMsgRead = defineCallback({
  key: 'afterGroupMsgRead',
  phase: 'after',
  fires: "mark_conversation_as_read on a group conversation, when the user's read mark moved",
  example: {
    sendID: 'member',
    receiveID: 'member',
    unreadMsgNum: 7,
    contentType: 3,
  },
  openim: {
    command: 'callbackAfterGroupMsgReadCommand',
    view: object({ sendID: str, receiveID: str, unreadMsgNum: int, contentType: int }),
    body: (e: GroupReadEvent) => ({
      sendID: e.sendID,
      receiveID: e.receiveID,
      unreadMsgNum: e.unreadMsgNum,
      contentType: e.contentType,
    }),
  },
  orderingKey: (e: GroupReadEvent) => readerQueue(e.sendID),
});

export const afterSingleMsgRead = defineCallback({
  key: 'afterSingleMsgRead',
  phase: 'after',
  fires: "mark_conversation_as_read on a one-to-one conversation, when the user's read mark moved",
  example: { conversationID: 'si_member_u1', userID: 'u1', Seqs: [6, 7], contentType: 1 },
  openim: {
    command: 'callbackAfterSingleMsgReadCommand',
    view: object({ conversationID: str, userID: str, Seqs: array(int), contentType: int }),
    body: (e: SingleReadEvent) => ({
      conversationID: e.conversationID,
      userID: e.userID,
      Seqs: e.Seqs,
      contentType: e.contentType,
    }),
  },
  orderingKey: (e: SingleReadEvent) => readerQueue(e.userID),
});
