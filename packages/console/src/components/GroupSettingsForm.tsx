// A group's settings as a form, saved through /group/set_group_info_ex (its before- and
// after-callbacks included); a refused value shows its error next to its field.

import { useState, type FormEvent } from 'react';
import { ApiError, call, messageOf } from '../api';
import type { GroupInfo } from '../types';
import { FieldError } from './FieldError';

/** needVerification in words. */
export const VERIFICATION: Record<number, string> = {
  0: 'invite directly, apply with approval',
  1: 'everyone needs approval',
  2: 'anyone may join',
};

const TEXT_FIELDS = [
  { key: 'groupName', label: 'Name' },
  { key: 'faceURL', label: 'Face URL' },
] as const;
const LONG_FIELDS = [
  { key: 'introduction', label: 'Introduction' },
  { key: 'notification', label: 'Notification' },
  { key: 'ex', label: 'ex' },
] as const;
const FLAG_FIELDS = [
  { key: 'lookMemberInfo', label: 'Members see each other' },
  { key: 'applyMemberFriend', label: 'Members may add friends' },
] as const;
const FIELDS: readonly string[] = [
  ...TEXT_FIELDS.map((f) => f.key),
  ...LONG_FIELDS.map((f) => f.key),
  ...FLAG_FIELDS.map((f) => f.key),
  'needVerification',
];

type Settings = Pick<
  GroupInfo,
  | 'groupName'
  | 'faceURL'
  | 'introduction'
  | 'notification'
  | 'ex'
  | 'needVerification'
  | 'lookMemberInfo'
  | 'applyMemberFriend'
>;

/** The field an error is about (the first one it names), or '' for the form as a whole. */
function fieldOf(detail: string): string {
  const named = FIELDS.map((f) => ({ f, at: detail.search(new RegExp(`\\b${f}\\b`)) })).filter((x) => x.at >= 0);
  named.sort((a, b) => a.at - b.at);
  return named[0]?.f ?? '';
}

export function GroupSettingsForm({ group, onSaved }: { group: GroupInfo; onSaved: () => Promise<void> }) {
  const [values, setValues] = useState<Settings>({
    groupName: group.groupName,
    faceURL: group.faceURL,
    introduction: group.introduction,
    notification: group.notification,
    ex: group.ex,
    needVerification: group.needVerification,
    lookMemberInfo: group.lookMemberInfo,
    applyMemberFriend: group.applyMemberFriend,
  });
  const [failure, setFailure] = useState<{ field: string; message: string }>();
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => setValues((v) => ({ ...v, [key]: value }));
  // FieldError shows problems as check_config lists them: this form's one refusal, as one problem.
  const errorAt = (field: string) =>
    failure?.field === field ? [{ key: field, message: failure.message, hint: '' }] : undefined;

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setFailure(undefined);
    try {
      await call('/group/set_group_info_ex', { groupID: group.groupID, ...values });
      await onSaved();
    } catch (err) {
      const message = messageOf(err);
      setFailure({ field: err instanceof ApiError ? fieldOf(err.errDlt) : '', message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="group-settings-form" aria-label="group settings" onSubmit={save}>
      {TEXT_FIELDS.map(({ key, label }) => (
        <label key={key}>
          {label}
          <input name={key} value={values[key]} onChange={(e) => set(key, e.target.value)} />
          <FieldError problems={errorAt(key)} />
        </label>
      ))}
      {LONG_FIELDS.map(({ key, label }) => (
        <label key={key}>
          {label}
          <textarea name={key} rows={2} value={values[key]} onChange={(e) => set(key, e.target.value)} />
          <FieldError problems={errorAt(key)} />
        </label>
      ))}
      <label>
        Joining
        <select
          name="needVerification"
          value={values.needVerification}
          onChange={(e) => set('needVerification', Number(e.target.value))}
        >
          {Object.entries(VERIFICATION).map(([value, words]) => (
            <option key={value} value={value}>
              {words}
            </option>
          ))}
        </select>
        <FieldError problems={errorAt('needVerification')} />
      </label>
      {FLAG_FIELDS.map(({ key, label }) => (
        <label key={key}>
          {label}
          <select name={key} value={values[key]} onChange={(e) => set(key, Number(e.target.value))}>
            <option value={0}>yes</option>
            <option value={1}>no</option>
          </select>
          <FieldError problems={errorAt(key)} />
        </label>
      ))}
      {failure && failure.field === '' && (
        <p className="error" role="alert">
          {failure.message}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          Save settings
        </button>
      </div>
    </form>
  );
}
