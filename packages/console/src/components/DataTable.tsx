// A table that scrolls sideways on narrow screens, with a header row of column names (or of
// anything else a header cell holds, such as a "select all" checkbox).

import type { ReactNode } from 'react';

export function DataTable({
  className,
  columns,
  children,
}: {
  className: string;
  columns: readonly ReactNode[];
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={className}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={typeof c === 'string' ? c : i}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
