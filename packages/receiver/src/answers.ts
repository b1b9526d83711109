// What a before-hook handler decides. The handler returns one of these; the receiver renders it in
// the dialect of the request (OpenIM: actionCode/nextCode; Tencent: ActionStatus/ErrorCode), so the
// wire rules live in one place and a rejection cannot be written so that it allows.

import type { BeforeCallbackKey, Callbacks, ModificationOf } from '@huddle/protocol';

export interface Allow {
  readonly kind: 'allow';
}
export interface Reject {
  readonly kind: 'reject';
  readonly code: number;
  readonly message: string;
  readonly detail: string;
}
export interface Modify<F> {
  readonly kind: 'modify';
  readonly fields: F;
}
export type Answer<F> = Allow | Reject | Modify<F>;

/** Fields that may be missing become optional, down to list entries: `modify` sets only what it names. */
type Optional<T> = T extends readonly (infer U)[]
  ? Optional<U>[]
  : T extends object
    ? { [K in keyof T as undefined extends T[K] ? K : never]?: Optional<Exclude<T[K], undefined>> } & {
        [K in keyof T as undefined extends T[K] ? never : K]: Optional<T[K]>;
      }
    : T;

/** What `modify` may set for hook K: its `modifiable` fields (OpenIM names), each optional. */
export type ModifyFields<K extends BeforeCallbackKey> = Partial<Optional<ModificationOf<Callbacks[K]>>>;

/** Let the operation proceed unchanged. */
export const allow = (): Allow => ({ kind: 'allow' });

/**
 * Refuse the operation. OpenIM passes a `code` of 5000–9999 to the caller unchanged (others become
 * 80000); Tencent passes 10100–10200 unchanged (others become ErrorCode 1, which the caller sees as
 * 10016). `message` and `detail` reach the caller (Tencent has one field: "message: detail").
 */
export const reject = (code: number, message = '', detail = ''): Reject => ({ kind: 'reject', code, message, detail });

/**
 * Let the operation proceed with these fields changed. Only the hook's modifiable fields compile:
 * the field type comes from the handler's return type (NoInfer), so an extra or mistyped field is an
 * error where it is written.
 */
export const modify = <F>(fields: NoInfer<F>): Modify<F> => ({ kind: 'modify', fields });
