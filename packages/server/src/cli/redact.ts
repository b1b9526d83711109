/** postgres://user:secret@host/db -> postgres://user:***@host/db, so logs and output never carry a password. */
export function redactPassword(database: string): string {
  return database.replace(/^(postgres(?:ql)?:\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
