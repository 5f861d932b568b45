/** The list under the "/" query; keyboard handled by the composer. */
export function CannedPicker({ items, active, onPick, onHover, query }) {
  return (
    <div
      className="absolute bottom-full left-0 right-0 z-20 mb-1 max-h-64 overflow-y-auto rounded-md bg-white py-1 text-sm shadow-lg ring-1 ring-slate-200"
      data-testid="canned-picker"
    >
      <div className="px-3 py-1 text-[11px] uppercase tracking-wide text-slate-600">Trả lời nhanh{query ? ` · /${query}` : ''}</div>
      {items.length === 0 ? (
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
              <div className="truncate text-xs text-slate-600">{r.text}</div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
