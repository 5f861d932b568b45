import { formatDateTime } from '../../../lib/format/index.js';

function answerText(a) {
  if (a.type === 'checkbox') return a.value === true || a.value === 'true' ? 'Có' : 'Không';
  if (a.value === null || a.value === undefined || a.value === '') return '—';
  return String(a.value);
}

function Row({ label, children, mono }) {
  return (
    <div className="py-1.5">
      <dt className="text-[11px] font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className={`break-words text-sm text-slate-900 ${mono ? 'font-mono text-xs' : ''}`}>{children || '—'}</dd>
    </div>
  );
}

/**
 * Form answers (default + custom) and visitor metadata; first, for a
 * visitor the shop's page identified with a valid hash (ChatDesk.setUser),
 * "Đã xác minh" and the shop's own id of the customer.
 */
export function VisitorPanel({ conversation, livePage }) {
  const v = conversation?.visitor || {};
  const page = livePage || v.currentPage;
  const answers = conversation?.answers || [];
  return (
    <div className="space-y-4 p-4 text-sm" data-testid="visitor-panel">
      {v.verified && v.userId && (
        <section className="rounded-md bg-emerald-50 px-3 py-2 ring-1 ring-inset ring-emerald-600/20" data-testid="verified">
          <p className="flex items-center gap-1.5 text-xs font-semibold text-emerald-800">
            <svg viewBox="0 0 20 20" fill="currentColor" className="h-4 w-4" aria-hidden="true"><path fillRule="evenodd" d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z" clipRule="evenodd" /></svg>
            Đã xác minh
          </p>
          <p className="mt-0.5 text-xs text-emerald-900">
            Mã khách trên trang web: <code className="break-words font-mono" data-testid="verified-user-id">{v.userId}</code>
          </p>
        </section>
      )}
      <section>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-700">Thông tin khách điền</h3>
        <dl className="divide-y divide-slate-100" data-testid="answers">
          {answers.length === 0 && <p className="text-slate-600">Không có.</p>}
          {answers.map((a) => (
            <Row key={a.key} label={a.label || a.key}>{answerText(a)}</Row>
          ))}
        </dl>
      </section>
      <section>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-700">Thông tin truy cập</h3>
        <dl className="divide-y divide-slate-100">
          <Row label="Trang">
            {v.pageUrl ? <a href={v.pageUrl} target="_blank" rel="noreferrer noopener" className="text-blue-600 hover:underline">{v.pageUrl}</a> : null}
          </Row>
          {v.referrer && <Row label="Nguồn giới thiệu">{v.referrer}</Row>}
          {page && (
            <Row label="Đang xem">
              <span data-testid="current-page" aria-live="polite">
                <span className="block font-medium">{page.title || page.path}</span>
                {page.title && <span className="block break-all font-mono text-xs text-slate-600">{page.path}</span>}
                <span className="block text-xs text-slate-600">lúc {formatDateTime(page.at)}</span>
              </span>
            </Row>
          )}
          <Row label="Trình duyệt">
            {v.browser
              ? <span title={v.userAgent} data-testid="browser">{v.browser}</span>
              : v.userAgent && <span className="font-mono text-xs">{v.userAgent}</span>}
          </Row>
          <Row label="Địa chỉ IP" mono>{v.ip}</Row>
          <Row label="Bắt đầu lúc">{formatDateTime(conversation?.createdAt)}</Row>
          {conversation?.privacy && (
            <Row label="Dữ liệu cá nhân">
              <span data-testid="privacy-consent">
                {conversation.privacy.consented ? 'Đã đồng ý' : 'Đã xem'} thông báo phiên bản {conversation.privacy.noticeVersion} lúc {formatDateTime(conversation.privacy.at)}
              </span>
            </Row>
          )}
          {conversation?.resolvedAt && <Row label="Kết thúc lúc">{formatDateTime(conversation.resolvedAt)}</Row>}
        </dl>
      </section>
    </div>
  );
}
