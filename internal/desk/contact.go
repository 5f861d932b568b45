package desk

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/chatdesk/chatdesk/internal/chat"
)

// A contact's data, by phone: what an admin shows, hands over or erases
// when a visitor exercises their rights (access, deletion) under Law
// 91/2025/QH15.

// ContactSummary is what the erasure's confirmation step shows.
type ContactSummary struct {
	Phone         string                `json:"phone"`
	Conversations []ContactConversation `json:"conversations"`
	Messages      int                   `json:"messages"`
	Attachments   int                   `json:"attachments"`
	Blocks        int                   `json:"blocks"`
}

// ContactConversation is one line of the summary.
type ContactConversation struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Status    chat.Status `json:"status"`
	CreatedAt time.Time   `json:"createdAt"`
	Messages  int         `json:"messages"`
}

var errBadPhone = &chat.Error{Code: chat.EINVALID, Message: "Số điện thoại không hợp lệ.", Fields: map[string]string{"phone": "Số điện thoại không hợp lệ."}}

func contactPhone(raw string) (string, error) {
	p, ok := chat.NormalizePhone(raw)
	if !ok {
		return "", errBadPhone
	}
	return p, nil
}

// contactData is everything kept about a phone.
type contactData struct {
	phone  string
	convs  []*chat.Conversation
	msgs   map[string][]*chat.Message
	blocks []*chat.Block
}

func (p *Privacy) gather(ctx context.Context, phone string) (*contactData, error) {
	convs, err := p.store.ConversationsByPhone(ctx, phone)
	if err != nil {
		return nil, p.fail.unavailable(err)
	}
	d := &contactData{phone: phone, convs: convs, msgs: map[string][]*chat.Message{}}
	for _, c := range convs {
		after := int64(0)
		for {
			ms, err := p.store.MessagesAfter(ctx, c.ID, after, MaxReplay)
			if err != nil {
				return nil, p.fail.unavailable(err)
			}
			d.msgs[c.ID] = append(d.msgs[c.ID], ms...)
			if len(ms) < MaxReplay {
				break
			}
			after = ms[len(ms)-1].Seq
		}
	}
	blocks, err := p.store.Blocks(ctx)
	if err != nil {
		return nil, p.fail.unavailable(err)
	}
	for _, b := range blocks {
		if b.Kind == chat.BlockPhone && b.Value == phone {
			d.blocks = append(d.blocks, b)
		}
	}
	return d, nil
}

func (d *contactData) summary() *ContactSummary {
	s := &ContactSummary{Phone: d.phone, Conversations: []ContactConversation{}, Blocks: len(d.blocks)}
	for _, c := range d.convs {
		ms := d.msgs[c.ID]
		s.Conversations = append(s.Conversations, ContactConversation{ID: c.ID, Name: c.Visitor.Name, Status: c.Status, CreatedAt: c.CreatedAt, Messages: len(ms)})
		s.Messages += len(ms)
		for _, m := range ms {
			if m.Attachment != nil {
				s.Attachments++
			}
		}
	}
	return s
}

// Contact summarises what is kept about a phone: admins.
func (p *Privacy) Contact(ctx context.Context, actor Actor, rawPhone string) (*ContactSummary, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	phone, err := contactPhone(rawPhone)
	if err != nil {
		return nil, err
	}
	d, err := p.gather(ctx, phone)
	if err != nil {
		return nil, err
	}
	return d.summary(), nil
}

// Export writes everything kept about a phone to w as a zip: a JSON file
// (conversations with their form answers, consent records and ratings;
// messages; blocks) and the files sent, each under its conversation. It is
// recorded in the audit log before anything is written.
func (p *Privacy) Export(ctx context.Context, actor Actor, rawPhone string, w io.Writer) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	phone, err := contactPhone(rawPhone)
	if err != nil {
		return err
	}
	d, err := p.gather(ctx, phone)
	if err != nil {
		return err
	}
	sum := d.summary()
	if len(d.convs) == 0 && len(d.blocks) == 0 {
		return &chat.Error{Code: chat.ENOTFOUND, Message: "Không có dữ liệu nào với số điện thoại này."}
	}
	detail := fmt.Sprintf("Xuất dữ liệu của %s: %d cuộc trò chuyện, %d tin nhắn, %d tệp.", chat.MaskPhone(phone), len(sum.Conversations), sum.Messages, sum.Attachments)
	if err := p.audit.recordStrict(ctx, actor, chat.AuditContactExported, chat.MaskPhone(phone), detail); err != nil {
		return p.fail.unavailable(err)
	}
	return p.writeZip(ctx, d, w)
}

// exportDoc is the JSON of an export.
type exportDoc struct {
	ExportedAt    time.Time            `json:"exportedAt"`
	Phone         string               `json:"phone"`
	Conversations []exportConversation `json:"conversations"`
	Blocks        []*chat.Block        `json:"blocks"`
	Notices       []chat.PrivacyNotice `json:"privacyNotices"`
}

type exportConversation struct {
	Conversation *chat.Conversation `json:"conversation"`
	Messages     []*chat.Message    `json:"messages"`
}

const exportReadme = `Dữ liệu cá nhân gắn với số điện thoại %s, xuất lúc %s (giờ Việt Nam).

du-lieu.json   các cuộc trò chuyện (thông tin khách đã điền, trang web,
               địa chỉ IP, trình duyệt, đánh giá, phiên bản thông báo dữ
               liệu cá nhân khách đã xem và thời điểm đồng ý), toàn bộ tin
               nhắn, các lần chặn số điện thoại này, và nội dung các phiên
               bản thông báo được nhắc tới.
tep/           các tệp và ảnh đã gửi trong từng cuộc trò chuyện
               (tep/<mã cuộc trò chuyện>/<mã tệp>-<tên tệp>).

Thời gian trong du-lieu.json theo giờ UTC (giờ Việt Nam = UTC+7).
`

func (p *Privacy) writeZip(ctx context.Context, d *contactData, w io.Writer) error {
	now := p.now().UTC()
	z := zip.NewWriter(w)
	readme, _ := z.Create("DOC-TRUOC.txt")
	fmt.Fprintf(readme, exportReadme, d.phone, now.In(chat.Vietnam).Format("15:04 02/01/2006"))

	doc := exportDoc{ExportedAt: now, Phone: d.phone, Conversations: []exportConversation{}, Blocks: d.blocks, Notices: []chat.PrivacyNotice{}}
	if doc.Blocks == nil {
		doc.Blocks = []*chat.Block{}
	}
	versions := map[int]bool{}
	for _, c := range d.convs {
		ms := d.msgs[c.ID]
		if ms == nil {
			ms = []*chat.Message{}
		}
		doc.Conversations = append(doc.Conversations, exportConversation{Conversation: c, Messages: ms})
		if c.Privacy != nil {
			versions[c.Privacy.NoticeVersion] = true
		}
	}
	if len(versions) > 0 {
		if ns, err := p.store.PrivacyNotices(ctx); err == nil {
			for _, n := range ns {
				if versions[n.Version] {
					doc.Notices = append(doc.Notices, n)
				}
			}
		}
	}
	jw, err := z.Create("du-lieu.json")
	if err != nil {
		return err
	}
	enc := json.NewEncoder(jw)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	for _, c := range d.convs {
		for _, m := range d.msgs[c.ID] {
			if m.Attachment == nil {
				continue
			}
			f, err := p.store.OpenAttachment(ctx, c.ID, m.Attachment.ID, false)
			if chat.ErrorCode(err) == chat.ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
			name := path.Join("tep", c.ID, m.Attachment.ID+"-"+zipName(m.Attachment.Name))
			fw, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: m.CreatedAt})
			if err == nil {
				_, err = io.Copy(fw, f.Body)
			}
			f.Body.Close()
			if err != nil {
				return err
			}
		}
	}
	return z.Close()
}

// zipName keeps a stored file name safe inside the archive (no path).
func zipName(n string) string {
	n = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 {
			return '_'
		}
		return r
	}, n)
	if n == "" || n == "." || n == ".." {
		return "tep"
	}
	return n
}

var errEraseConfirm = &chat.Error{Code: chat.EINVALID, Message: "Vui lòng nhập lại đúng số điện thoại để xác nhận xóa.", Fields: map[string]string{"confirm": "Số điện thoại xác nhận không khớp."}}

// Erase deletes everything kept about a phone — its conversations with
// their messages, files, ratings and consent records, the blocks of that
// phone and the queued webhook deliveries about its conversations — once
// the admin has typed the phone again (confirm), then queues the webhook
// event contact.erased (Core.ContactErased). The
// request is in the audit log before anything is deleted, and the result
// after; neither entry holds the phone unmasked. Running it again finishes
// an erasure that failed part-way.
func (p *Privacy) Erase(ctx context.Context, actor Actor, rawPhone, confirm string) (*Erased, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	phone, err := contactPhone(rawPhone)
	if err != nil {
		return nil, err
	}
	if again, ok := chat.NormalizePhone(confirm); !ok || again != phone {
		return nil, errEraseConfirm
	}
	d, err := p.gather(ctx, phone)
	if err != nil {
		return nil, err
	}
	masked := chat.MaskPhone(phone)
	if err := p.audit.recordStrict(ctx, actor, chat.AuditContactErased, masked,
		fmt.Sprintf("Yêu cầu xóa toàn bộ dữ liệu của %s: %d cuộc trò chuyện.", masked, len(d.convs))); err != nil {
		return nil, p.fail.unavailable(err)
	}
	var out Erased
	ids := make([]string, 0, len(d.convs))
	for _, c := range d.convs {
		n, err := p.erase.deleteConversation(ctx, c.ID, false, p.now)
		out.add(n)
		if err != nil {
			p.forget(ctx, ids)
			p.audit.record(ctx, actor, chat.AuditContactErased, masked, fmt.Sprintf("Xóa dữ liệu của %s bị gián đoạn sau %d cuộc trò chuyện; hãy chạy lại.", masked, out.Conversations))
			return nil, p.fail.unavailable(err)
		}
		ids = append(ids, c.ID)
	}
	// The contact document is keyed by the phone: it goes too, with any
	// conversation of another phone an admin had attached to it.
	if err := p.erase.contacts.dissolve(ctx, phone); err != nil {
		p.forget(ctx, ids)
		return nil, err
	}
	for _, b := range d.blocks {
		if err := p.store.DeleteBlock(ctx, b.ID); err == nil {
			out.Blocks++
		}
	}
	if len(d.blocks) > 0 {
		p.blocks.invalidate()
	}
	// Webhooks: the queued deliveries about these conversations go, and
	// contact.erased tells the shop's other systems to erase the contact
	// too.
	p.contactErased(ctx, phone, ids)
	p.audit.record(ctx, actor, chat.AuditContactErased, masked, fmt.Sprintf("Đã xóa dữ liệu của %s: %d cuộc trò chuyện, %d tin nhắn, %d tệp, %d mục chặn.",
		masked, out.Conversations, out.Messages, out.Attachments, out.Blocks))
	return &out, nil
}
