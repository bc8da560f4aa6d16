let last = 0;

/** Ids for ConnectionContext: unique within the process, and telling nothing secret. */
export function nextConnectionId(): string {
  return String(++last);
}
