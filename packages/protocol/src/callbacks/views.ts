// Building blocks of the callback body views (each hook's `view`, what its body builder writes).

import * as v from '../view.js';

export const str = v.string();
export const int = v.integer();
export const bool = v.boolean();
export const strList = v.array(str);
export const nullStr = v.nullable(str);
export const nullInt = v.nullable(int);
/** `{Member_Account}` entries, Tencent's member lists. */
export const tencentMembers = v.array(v.object({ Member_Account: str }));
/** OpenIM's initMemberList entries. */
export const initMembers = v.array(v.object({ userID: str, roleLevel: int }));
export const object = v.object;
export const array = v.array;
