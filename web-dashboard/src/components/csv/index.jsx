import { useState } from 'react';
import { inputClass } from '../ui/index.jsx';

// Excel splits a CSV by Windows' list separator: "," in English, ";" when
// Windows is set to Vietnamese. No one file opens right in both, so the
// agent picks once (remembered on this browser); the server writes it.
const STORAGE_KEY = 'chatdesk.csvSep';

export const CSV_DIALECTS = [
  { value: 'comma', label: 'Dấu phẩy (,) — Google Sheets, Excel tiếng Anh' },
  { value: 'semicolon', label: 'Dấu chấm phẩy (;) — Excel tiếng Việt' },
];

function stored() {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return CSV_DIALECTS.some((d) => d.value === v) ? v : 'comma';
  } catch {
    return 'comma';
  }
}

/** The chosen CSV separator ("comma" | "semicolon") and its setter. */
export function useCsvDialect() {
  const [sep, setSep] = useState(stored);
  const choose = (value) => {
    setSep(value);
    try {
      window.localStorage.setItem(STORAGE_KEY, value);
    } catch {
      // private mode: the choice lasts for this page only
    }
  };
  return [sep, choose];
}

/** The separator picker shown beside an export button. */
export function CsvDialectSelect({ id, value, onChange }) {
  return (
    <label htmlFor={id} className="space-y-1">
      <span className="block text-xs font-medium text-slate-600">Tệp CSV mở bằng</span>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid="csv-dialect" className={inputClass}>
        {CSV_DIALECTS.map((d) => <option key={d.value} value={d.value}>{d.label}</option>)}
      </select>
    </label>
  );
}

/** Saves blob as a download named filename. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
