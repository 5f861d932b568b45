import { Link } from 'react-router';
import { fillCannedVariables } from '../variables.js';

const braces = (names) => names.map((n) => `{${n}}`).join(', ');

/**
 * The list under the "/" query; keyboard handled by the composer. Each
 * reply shows its text with the variables filled for this conversation
 * (what will be inserted); the active one is previewed in full, with the
 * variables that cannot be filled flagged.
 */
export function CannedPicker({ items, total, active, onPick, onHover, query, values }) {
  const current = items[active] ? fillCannedVariables(items[active].text, values) : null;
  return (
    <div
      className="absolute bottom-full left-0 right-0 z-20 mb-1 max-h-80 overflow-y-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200"
      data-testid="canned-picker"
    >
      <div className="px-3 py-1 text-[11px] uppercase tracking-wide text-slate-600">Trả lời nhanh{query ? ` · /${query}` : ''}</div>
      {total === 0 ? (
        <p className="px-3 py-2 text-xs text-slate-700" data-testid="canned-empty">
          Bạn chưa có câu trả lời nhanh nào. Tạo ở mục{' '}
          <Link to="/canned" className="font-medium text-blue-700 underline">Trả lời nhanh</Link>
          {' '}(trên thanh điều hướng); quản trị viên tạo câu dùng chung ở mục Trả lời chung.
        </p>
      ) : items.length === 0 ? (
        <p className="px-3 py-2 text-xs text-slate-600">Không có câu trả lời nhanh phù hợp.</p>
      ) : (
        <ul role="listbox" id="canned-listbox" aria-label="Trả lời nhanh">
          {items.map((r, i) => (
            <li
              key={r.id}
              role="option"
              id={`canned-option-${i}`}
              aria-selected={i === active}
              data-testid="canned-option"
              data-shortcut={r.shortcut}
              onMouseDown={(e) => {
                e.preventDefault(); // keep the textarea focused
                onPick(r);
              }}
              onMouseEnter={() => onHover(i)}
              className={`cursor-pointer px-3 py-1.5 ${i === active ? 'bg-blue-50' : ''}`}
            >
              <div className="flex items-baseline gap-2">
                <span className="font-mono text-xs text-blue-700">/{r.shortcut}</span>
                <span className="truncate font-medium text-slate-800">{r.title}</span>
                {!r.ownerId && <span className="ml-auto shrink-0 text-[10px] text-slate-600">Dùng chung</span>}
              </div>
              <div className="truncate text-xs text-slate-600">{fillCannedVariables(r.text, values).text}</div>
            </li>
          ))}
        </ul>
      )}
      {current && (
        <div className="mx-2 mt-1 rounded bg-slate-50 px-2 py-1.5 text-xs ring-1 ring-inset ring-slate-200" data-testid="canned-preview">
          <div className="text-[11px] font-medium text-slate-600">Xem trước</div>
          <p className="whitespace-pre-wrap text-slate-900" data-testid="canned-preview-text">{current.text}</p>
          {current.unknown.length > 0 && (
            <p className="mt-1 text-red-700" data-testid="canned-preview-unknown">Biến không xác định: {braces(current.unknown)}</p>
          )}
          {current.empty.length > 0 && (
            <p className="mt-1 text-amber-800" data-testid="canned-preview-empty">Khách chưa có thông tin cho: {braces(current.empty)}</p>
          )}
        </div>
      )}
    </div>
  );
}
