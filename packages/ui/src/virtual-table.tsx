"use client";
// A table that renders only the rows in view (plus a small overscan), so
// 10 000 devices cost the same DOM as 20. Rows have a fixed height.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef, type ReactElement, type ReactNode } from "react";

export interface Column<Row> {
  header: string;
  /** CSS grid track, e.g. "1fr" or "8rem". */
  width: string;
  cell: (row: Row) => ReactNode;
}

export interface VirtualTableProps<Row> {
  rows: readonly Row[];
  columns: readonly Column<Row>[];
  rowKey: (row: Row) => string;
  /** Shown instead of the body when there are no rows. */
  empty: ReactNode;
  label: string;
  rowHeight?: number;
  maxHeight?: number;
}

export function VirtualTable<Row>(props: VirtualTableProps<Row>): ReactElement {
  const { rows, columns, rowKey, empty, label, rowHeight = 44, maxHeight = 640 } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    // jsdom and the first server render have no layout; start with one screenful.
    initialRect: { width: 1000, height: maxHeight },
  });
  const template = columns.map((c) => c.width).join(" ");
  return (
    <div
      role="table"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      className="rounded border border-slate-200 bg-white"
    >
      <div
        role="row"
        className="grid border-b border-slate-200 bg-slate-50 px-3 py-2 text-xs font-semibold uppercase text-slate-600"
        style={{ gridTemplateColumns: template }}
      >
        {columns.map((c) => (
          <div role="columnheader" key={c.header}>
            {c.header}
          </div>
        ))}
      </div>
      {rows.length === 0 ? (
        <div className="p-6 text-center text-sm text-slate-600">{empty}</div>
      ) : (
        <div ref={scroller} className="overflow-auto" style={{ maxHeight }}>
          <div role="rowgroup" className="relative" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index];
              if (row === undefined) return null;
              return (
                <div
                  role="row"
                  aria-rowindex={item.index + 2}
                  key={rowKey(row)}
                  className="absolute inset-x-0 grid items-center border-b border-slate-100 px-3 text-sm"
                  style={{
                    gridTemplateColumns: template,
                    height: rowHeight,
                    transform: `translateY(${item.start}px)`,
                  }}
                >
                  {columns.map((c) => (
                    <div role="cell" key={c.header} className="truncate pr-2">
                      {c.cell(row)}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
