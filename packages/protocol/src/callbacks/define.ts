// How a callback is declared: once, as data. The server builds requests and reads verdicts from
// these declarations; the receiver SDK takes its event types from the same place.

import { tencentGroupType, type TencentModificationFields } from '../dialects/tencent.js';
import { optStr, type Schema } from '../schema.js';
import type { ObjectView } from '../view.js';
import type { AnswerSpec } from './apply.js';

export type Phase = 'before' | 'after';

export interface CallbackDefinition<
  K extends string = string,
  P extends Phase = Phase,
  E extends object = any,
  B extends object = object,
  M = unknown,
  T extends object = object,
> {
  /** The key in webhooks.yml (OpenIM's name where OpenIM has one). */
  key: K;
  phase: P;
  /** One line for the README's callback table: when it fires. */
  fires: string;
  /** A representative event (every field set): what `huddle callbacks test` sends and the API document shows. */
  example: NoInfer<E>;
  openim: {
    /** URL suffix and the body's `callbackCommand`. */
    command: string;
    /** The body after `callbackCommand`, built from the event the domain reports. */
    body(event: E): B;
    /** What `body` builds, at run time: the API document's schema (fixtures are checked against it). */
    view: ObjectView<any>;
    /** Query parameters the request carries besides `contenttype`, from the body as built. */
    query?(body: Record<string, unknown>): Record<string, string>;
  };
  /**
   * Message hooks: what OpenIM's per-hook filters read of an event. `deniedTypes` applies to every
   * such hook; `attentionIds` (recvIDs and groupIDs) where `attention` is set.
   */
  messageFilter?: { of(event: NoInfer<E>): MessageFilterFacts; attention: boolean };
  /** Tencent Cloud Chat's command for this hook, where Tencent has one. */
  tencent?: TencentSpec<NoInfer<E>, T, NoInfer<M>>;
  /**
   * Before-hooks only: the response fields the business server may set, validated like user input.
   * Absent or null fields mean "leave as is"; so does "" where OpenIM's answer field is a plain
   * string (see `plainAnswerStr`).
   */
  modifiable?: Schema<M>;
  /** Before-hooks with a `modifiable`: how the answer applies to the operation (see applyModification). */
  answer?: AnswerSpec;
  /** Before-hooks with a `modifiable`: an answer's modification fields, as sent (for the API document). */
  answerExample?: Record<string, unknown>;
  /**
   * After-hooks: the queue an event waits in; events of one key are delivered in order. Default:
   * the event's groupID (hooks whose events have none, such as the user hooks, say theirs).
   */
  orderingKey?: (event: E) => string;
}

/** What the message filters compare: the message's contentType, and its group or receiver. */
export interface MessageFilterFacts {
  contentType: number;
  /** The groupID of a group message, the recvID of a one-to-one one. */
  target: string;
}

/** What a Tencent body needs beyond the OpenIM event: who acted, when, and the group's facts. */
export interface TencentContext {
  /** `Operator_Account`: the API caller. */
  operator: string;
  /** `EventTime`, in milliseconds. */
  eventTime: number;
  /** The group as it is after the change (Type, Name); undefined before it exists. */
  group(groupID: string): { groupType: number; groupName: string } | undefined;
}

export interface TencentSpec<E, T extends object = object, M = unknown> {
  /** `CallbackCommand`, in the query string and the body. */
  command: string;
  /** What `bodies` builds (after `CallbackCommand`), at run time. */
  view: ObjectView<any>;
  /**
   * The bodies (after `CallbackCommand`) for the events one operation reported: one per event,
   * several batched into one (NewMemberList), or none (a change Tencent does not report).
   */
  bodies(events: E[], ctx: TencentContext): T[];
  /**
   * Before-hooks: the modification fields Tencent's answer carries, each under its own key
   * (refusedMembersAccount as RefusedMembers_Account); `modifiable` validates them. huddle reads
   * answers, the receiver writes them and the OpenAPI document describes them from this.
   */
  modification?: TencentModificationFields<M>;
  /**
   * For a command two hooks share: whether a body reads as this hook's, so a receiver can route
   * it (Group.CallbackAfterMemberExit: `ExitType` Quit or Kicked).
   */
  owns?(
    body: Record<string, unknown>,
  ): boolean /** The queue a body waits in; default its `GroupId` (Profile.CallbackPortraitSet: its user's). */;
  orderingKey?(body: T): string;
}

/** For hooks whose Tencent body is one per event. */
export const perEvent =
  <E, T extends object>(body: (event: E, ctx: TencentContext) => T) =>
  (events: E[], ctx: TencentContext): T[] =>
    events.map((e) => body(e, ctx));

/** `{Member_Account}` entries, Tencent's member lists. */
export const memberAccounts = (userIDs: readonly string[]) => userIDs.map((id) => ({ Member_Account: id }));

/** `Type` of a group the event names, from the group's facts. */
export const typeOf = (ctx: TencentContext, groupID: string): string =>
  tencentGroupType(ctx.group(groupID)?.groupType ?? 2);

/**
 * An answer field that OpenIM declares as a plain Go string: a business server that echoes the
 * request (or fills OpenIM's struct) sends "" for every field it leaves alone, so "" means
 * "unchanged" here, like missing or null. Where OpenIM's field is a pointer or wrapper, optStr
 * applies instead and "" is a value.
 */
export function plainAnswerStr(rules: { max: number }): Schema<string | undefined> {
  const inner = optStr(rules);
  return {
    parse: (value, path) => (value === '' ? undefined : inner.parse(value, path)),
    jsonSchema: () => ({ ...inner.jsonSchema(), description: 'missing, null or "": unchanged' }),
  };
}

/** Declares a hook, keeping its literal key and its event, body and modification types. */
export function defineCallback<
  K extends string,
  P extends Phase,
  E extends object,
  B extends object,
  M = undefined,
  T extends object = never,
>(def: CallbackDefinition<K, P, E, B, M, T>): CallbackDefinition<K, P, E, B, M, T> {
  return def;
}

export type EventOf<H> = H extends CallbackDefinition<string, Phase, infer E, object, unknown, any> ? E : never;
export type ModificationOf<H> = H extends CallbackDefinition<string, Phase, any, object, infer M, any> ? M : never;
/** The Tencent wire body of a hook (never when Tencent has no such callback). */
export type TencentBodyOf<H> =
  H extends CallbackDefinition<string, Phase, any, object, unknown, infer T>
    ? [T] extends [never]
      ? never
      : { CallbackCommand: string } & T
    : never;
/** The OpenIM wire body of a hook: `callbackCommand` first, then the hook's fields. */
export type OpenIMBodyOf<H> =
  H extends CallbackDefinition<string, Phase, any, infer B, unknown, any> ? { callbackCommand: string } & B : never;

/** The queue an event of this hook waits in (see CallbackDefinition.orderingKey). */
export function orderingKeyOf<E extends object>(
  hook: CallbackDefinition<string, Phase, E, object, unknown, any>,
  event: E,
): string {
  return hook.orderingKey ? hook.orderingKey(event) : ((event as { groupID?: string }).groupID ?? '');
}

export function openimBody<E extends object, B extends object>(
  hook: CallbackDefinition<string, Phase, E, B, unknown, any>,
  event: E,
) {
  return { callbackCommand: hook.openim.command, ...hook.openim.body(event) };
}

/**
 * The Tencent bodies of a hook's events, each with `CallbackCommand` first and the queue it waits
 * in; [] when Tencent has no such callback.
 */
export function tencentBodies<E extends object>(
  hook: CallbackDefinition<string, Phase, E, object, unknown, any>,
  events: E[],
  ctx: TencentContext,
): { orderingKey: string; body: object }[] {
  const spec = hook.tencent;
  if (!spec) return [];
  return spec.bodies(events, ctx).map((b) => ({
    orderingKey: spec.orderingKey ? spec.orderingKey(b) : ((b as { GroupId?: string }).GroupId ?? ''),
    body: { CallbackCommand: spec.command, ...b },
  }));
}
