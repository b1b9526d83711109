// How a callback is declared: once, as data. The server builds requests and reads verdicts from
// these declarations; the receiver SDK takes its event types from the same place.

import type { Schema } from '../schema.js';

export type Phase = 'before' | 'after';

export interface HookDefinition<K extends string = string, P extends Phase = Phase, E extends { groupID: string } = any, B extends object = object, M = unknown> {
  /** The key in webhooks.yml (OpenIM's name where OpenIM has one). */
  key: K;
  phase: P;
  /** One line for the README's callback table: when it fires. */
  fires: string;
  openim: {
    /** URL suffix and the body's `callbackCommand`. */
    command: string;
    /** The body after `callbackCommand`, built from the event the domain reports. */
    body(event: E): B;
  };
  /**
   * Before-hooks only: the response fields the business server may set, validated like user input.
   * Absent or null fields mean "leave as is".
   */
  modifiable?: Schema<M>;
}

/** Declares a hook, keeping its literal key and its event, body and modification types. */
export function defineHook<K extends string, P extends Phase, E extends { groupID: string }, B extends object, M = undefined>(
  def: HookDefinition<K, P, E, B, M>,
): HookDefinition<K, P, E, B, M> {
  return def;
}

export type EventOf<H> = H extends HookDefinition<string, Phase, infer E, object, unknown> ? E : never;
export type ModificationOf<H> = H extends HookDefinition<string, Phase, any, object, infer M> ? M : never;
/** The OpenIM wire body of a hook: `callbackCommand` first, then the hook's fields. */
export type OpenIMBodyOf<H> = H extends HookDefinition<string, Phase, any, infer B, unknown> ? { callbackCommand: string } & B : never;

export function openimBody<E extends { groupID: string }, B extends object>(hook: HookDefinition<string, Phase, E, B, unknown>, event: E) {
  return { callbackCommand: hook.openim.command, ...hook.openim.body(event) };
}
