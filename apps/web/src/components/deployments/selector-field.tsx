"use client";
// The label selector a deployment targets: kubectl text (`app=kiosk,region in
// (eu,us)`) or rows of label = value, with a live count of the devices it
// matches (rendered by the caller, so this stays a plain view).
import { FormField } from "@fleet/ui";
import type { ReactElement, ReactNode } from "react";
import type { LabelRow, SelectorMode } from "../../deployments/form-model";

export interface SelectorFieldProps {
  mode: SelectorMode;
  text: string;
  rows: readonly LabelRow[];
  onMode: (mode: SelectorMode) => void;
  onText: (text: string) => void;
  onRows: (rows: LabelRow[]) => void;
  error?: string | undefined;
  /** The live match count for what is written now. */
  preview: ReactNode;
}

function LabelRows({
  rows,
  onRows,
}: {
  rows: readonly LabelRow[];
  onRows: (rows: LabelRow[]) => void;
}): ReactElement {
  const set = (index: number, change: Partial<LabelRow>): void => {
    onRows(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  };
  return (
    <div className="flex flex-col gap-2">
      {rows.map((row, index) => (
        // Rows have no identity but their place (they are only appended or removed).
        <div key={index} className="flex items-end gap-2">
          <FormField
            label={`Label ${index + 1} key`}
            value={row.key}
            onChange={(e) => {
              set(index, { key: e.target.value });
            }}
          />
          <span className="pb-1">=</span>
          <FormField
            label={`Label ${index + 1} value`}
            value={row.value}
            onChange={(e) => {
              set(index, { value: e.target.value });
            }}
          />
          {rows.length > 1 && (
            <button
              type="button"
              className="pb-1 text-sm text-slate-600 hover:underline"
              onClick={() => {
                onRows(rows.filter((_, i) => i !== index));
              }}
            >
              Remove
            </button>
          )}
        </div>
      ))}
      <button
        type="button"
        className="self-start text-sm text-sky-700 hover:underline"
        onClick={() => {
          onRows([...rows, { key: "", value: "" }]);
        }}
      >
        Add label
      </button>
    </div>
  );
}

export function SelectorField(props: SelectorFieldProps): ReactElement {
  const { mode, text, rows, onMode, onText, onRows, error, preview } = props;
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="text-sm font-medium text-slate-800">Target selector</legend>
      <div className="flex gap-4 text-sm" role="radiogroup" aria-label="Selector written as">
        <label className="flex items-center gap-1">
          <input
            type="radio"
            name="selectorMode"
            checked={mode === "text"}
            onChange={() => {
              onMode("text");
            }}
          />
          Selector text
        </label>
        <label className="flex items-center gap-1">
          <input
            type="radio"
            name="selectorMode"
            checked={mode === "labels"}
            onChange={() => {
              onMode("labels");
            }}
          />
          Labels
        </label>
      </div>
      {mode === "text" ? (
        <FormField
          label="Label selector"
          name="targetSelector"
          placeholder="app=kiosk,region in (eu,us),!legacy"
          hint="kubectl syntax: key=value, key!=value, key in (a,b), key notin (a,b), key, !key"
          value={text}
          onChange={(e) => {
            onText(e.target.value);
          }}
          error={error}
        />
      ) : (
        <>
          <LabelRows rows={rows} onRows={onRows} />
          {error && (
            <p role="alert" className="text-xs text-red-700">
              {error}
            </p>
          )}
        </>
      )}
      <div aria-live="polite" className="text-sm text-slate-700">
        {preview}
      </div>
    </fieldset>
  );
}
