import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Badge, Button } from '../../../components/ui/index.jsx';
import { Stars } from '../../../components/ui/support.jsx';
import { formatDate, formatDateTime, STATUS_LABELS } from '../../../lib/format/index.js';
import { useAuth } from '../../auth/index.js';
import { getContact, relinkContact } from '../api/contact.js';
import { conversationLink } from '../contact.js';

/**
 * "Khách hàng" in the side panel: the same customer's other conversations
 * (same phone) with date, status, agent, rating and first line, each a
 * link; the internal notes written in them; for admins, "Tách khỏi khách
 * này" / "Gắn lại với khách" to correct a wrong merge.
 */
export function ContactPanel({ conversation }) {
  const { isAdmin } = useAuth();
  const [contact, setContact] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const id = conversation.id;

  useEffect(() => {
    let live = true;
    getContact(id).then((r) => live && setContact(r?.contact || null), (e) => live && setError(e));
    return () => { live = false; };
  }, [id, conversation.contactConversations]);

  const relink = async (action) => {
    setBusy(true);
    setError(null);
    try {
      const r = await relinkContact(id, { action });
      setContact(r?.contact || null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="border-t border-slate-200 p-4 text-sm" data-testid="contact-panel">
      <h3 className="mb-2 flex items-center gap-2 text-xs font-semibold uppercase tracking-wide text-slate-700">
        Khách hàng
        {contact?.returning && <span data-testid="contact-returning"><Badge tone="violet" className="normal-case tracking-normal">Khách quen</Badge></span>}
      </h3>
      {error && <Alert className="mb-2">{error.message || 'Không tải được thông tin khách.'}</Alert>}
      {!contact && !error && <p className="text-slate-600">Đang tải…</p>}
      {contact && (
        <>
          <p className="text-xs text-slate-600" data-testid="contact-summary">
            {contact.total > 1
              ? `${contact.total} cuộc trò chuyện, lần đầu ${formatDate(contact.firstSeen)}.`
              : contact.detached ? 'Đã tách khỏi khách cùng số điện thoại.' : 'Lần đầu liên hệ.'}
          </p>
          {contact.conversations.length > 0 && (
            <ul className="mt-2 divide-y divide-slate-100" data-testid="contact-conversations">
              {contact.conversations.map((c) => (
                <li key={c.id} className="py-2">
                  <Link to={conversationLink(c)} className="block rounded hover:bg-slate-50" data-testid="contact-conversation" data-conversation-id={c.id}>
                    <div className="flex items-center justify-between gap-2">
                      <span className="text-xs font-medium text-slate-800">{formatDate(c.createdAt)}</span>
                      <Badge tone={c.status}>{STATUS_LABELS[c.status] || c.status}</Badge>
                    </div>
                    <p className="truncate text-xs text-slate-700">{c.firstLine || '—'}</p>
                    <div className="flex items-center gap-2 text-[11px] text-slate-600">
                      <span>{c.assigneeName || 'Chưa có ai phụ trách'}</span>
                      {c.stars > 0 && <Stars stars={c.stars} size="text-[11px]" />}
                    </div>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {contact.notes.length > 0 && (
            <div className="mt-3">
              <h4 className="mb-1 text-[11px] font-semibold uppercase tracking-wide text-slate-600">Ghi chú nội bộ về khách</h4>
              <ul className="space-y-1.5" data-testid="contact-notes">
                {contact.notes.map((n) => (
                  <li key={n.id} className="rounded-md bg-amber-50 px-2 py-1.5 text-xs text-amber-950 ring-1 ring-inset ring-amber-200">
                    <p className="whitespace-pre-wrap break-words">{n.text}</p>
                    <p className="mt-0.5 text-[11px] text-amber-900">{n.senderName} · {formatDateTime(n.createdAt)}</p>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {isAdmin && (contact.total > 1 || contact.detached) && (
            <div className="mt-3">
              {contact.detached ? (
                <Button variant="secondary" size="sm" disabled={busy} onClick={() => relink('attach')} data-testid="contact-attach">Gắn lại với khách cùng số điện thoại</Button>
              ) : (
                <Button variant="secondary" size="sm" disabled={busy} onClick={() => relink('detach')} data-testid="contact-detach">Tách khỏi khách này</Button>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
