// A table that scrolls sideways on narrow screens, with a header row of column names.

import type { ReactNode } from 'react';

export function DataTable({
  className,
  columns,
  children,
}: {
  className: string;
  columns: readonly string[];
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={className}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
