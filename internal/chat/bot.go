package chat

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// BotSettings configure the optional assistant that answers visitors while
// no agent can, through an OpenAI-compatible chat-completions API.
type BotSettings struct {
	Enabled bool   `json:"enabled"`
	Name    string `json:"name"`
	BaseURL string `json:"baseUrl"`
	Model   string `json:"model"`
	// APIKey is write-only: answers carry "" and APIKeySet.
	APIKey         string `json:"apiKey"`
	APIKeySet      bool   `json:"apiKeySet"`
	SystemPrompt   string `json:"systemPrompt"`
	Knowledge      string `json:"knowledge"`
	WaitSeconds    int    `json:"waitSeconds"`
	TimeoutSeconds int    `json:"timeoutSeconds"`
}

// DefaultBotSettings: off, with a Vietnamese prompt ready to be tuned.
func DefaultBotSettings() BotSettings {
	return BotSettings{
		Name:           "Trợ lý ảo",
		TimeoutSeconds: 15,
		SystemPrompt: "Bạn là trợ lý ảo chăm sóc khách hàng. Hãy trả lời ngắn gọn, lịch sự, bằng tiếng Việt, " +
			"chỉ dựa trên thông tin được cung cấp. Nếu không chắc chắn, hãy mời khách bấm \"Gặp nhân viên hỗ trợ\".",
	}
}

// Public is what an admin reads back: never the key itself.
func (b BotSettings) Public() BotSettings {
	b.APIKeySet = b.APIKey != ""
	b.APIKey = ""
	return b
}

// Bot settings bounds.
const (
	maxBotName      = 40
	maxBotURL       = 300
	maxBotModel     = 100
	maxBotKey       = 500
	maxBotPrompt    = 4000
	MaxBotKnowledge = 20000
)

// ValidateBotSettings normalises b as written by an admin. previousKey is
// the stored key, kept when b leaves the key empty.
func ValidateBotSettings(b *BotSettings, previousKey string) error {
	fields := map[string]string{}
	b.Name = strings.TrimSpace(CleanLine(b.Name))
	if b.Name == "" {
		b.Name = DefaultBotSettings().Name
	}
	if utf8.RuneCountInString(b.Name) > maxBotName {
		fields["name"] = "Tên tối đa 40 ký tự."
	}
	b.BaseURL = strings.TrimRight(strings.TrimSpace(b.BaseURL), "/")
	if b.BaseURL != "" {
		u, err := url.Parse(b.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || len(b.BaseURL) > maxBotURL {
			fields["baseUrl"] = "Địa chỉ API phải là một URL http(s) hợp lệ, ví dụ https://api.openai.com/v1."
		}
	}
	b.Model = strings.TrimSpace(b.Model)
	if len(b.Model) > maxBotModel {
		fields["model"] = "Tên mô hình tối đa 100 ký tự."
	}
	b.APIKey = strings.TrimSpace(b.APIKey)
	if b.APIKey == "" {
		b.APIKey = previousKey
	}
	if len(b.APIKey) > maxBotKey || strings.ContainsAny(b.APIKey, "\r\n") {
		fields["apiKey"] = "Khóa API không hợp lệ."
	}
	b.SystemPrompt = strings.TrimSpace(b.SystemPrompt)
	if utf8.RuneCountInString(b.SystemPrompt) > maxBotPrompt {
		fields["systemPrompt"] = "Lời nhắc hệ thống tối đa 4000 ký tự."
	}
	b.Knowledge = strings.TrimSpace(b.Knowledge)
	if utf8.RuneCountInString(b.Knowledge) > MaxBotKnowledge {
		fields["knowledge"] = "Kiến thức tối đa 20000 ký tự."
	}
	if b.WaitSeconds < 0 || b.WaitSeconds > 3600 {
		fields["waitSeconds"] = "Thời gian chờ phải từ 0 đến 3600 giây."
	}
	if b.TimeoutSeconds == 0 {
		b.TimeoutSeconds = DefaultBotSettings().TimeoutSeconds
	}
	if b.TimeoutSeconds < 1 || b.TimeoutSeconds > 60 {
		fields["timeoutSeconds"] = "Thời gian chờ trả lời phải từ 1 đến 60 giây."
	}
	if b.Enabled {
		if b.BaseURL == "" {
			fields["baseUrl"] = "Cần địa chỉ API để bật trợ lý ảo."
		}
		if b.Model == "" {
			fields["model"] = "Cần tên mô hình để bật trợ lý ảo."
		}
	}
	b.APIKeySet = false
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Cấu hình trợ lý ảo chưa hợp lệ.", Fields: fields}
	}
	return nil
}

// ValidateBotUpdate is ValidateBotSettings over the stored settings prev,
// with CheckBotKeyKept: the service's entry point for an admin's save.
func ValidateBotUpdate(b *BotSettings, prev BotSettings) error {
	kept := CheckBotKeyKept(*b, prev.BaseURL, prev.APIKey != "" || prev.APIKeySet)
	err := ValidateBotSettings(b, prev.APIKey)
	if kept == nil {
		return err
	}
	if e, ok := AsError(err); ok {
		for k, v := range kept.(*Error).Fields {
			e.Fields[k] = v
		}
		return e
	}
	return kept
}

// CheckBotKeyKept refuses to keep the stored API key (an empty apiKey in a
// save) when baseUrl changes: the key is write-only so that admins cannot
// read it, and pointing the bot at a server of one's own would hand it
// over with the first request. A new URL needs the key typed again;
// clearing the URL sends the key nowhere and is allowed. storedURL is the
// saved (normalised) baseUrl, storedKey whether a key is saved.
func CheckBotKeyKept(b BotSettings, storedURL string, storedKey bool) error {
	url := strings.TrimRight(strings.TrimSpace(b.BaseURL), "/")
	if !storedKey || strings.TrimSpace(b.APIKey) != "" || url == "" || url == storedURL {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Cấu hình trợ lý ảo chưa hợp lệ.", Fields: map[string]string{
		"apiKey": "Vui lòng nhập lại khóa API khi đổi địa chỉ API: khóa đã lưu chỉ dùng cho địa chỉ cũ."}}
}

// BotTurn is one message of a chat-completions request.
type BotTurn struct {
	Role    string `json:"role"` // system, user or assistant
	Content string `json:"content"`
}

// BotHistory is how many of the latest messages the bot is given.
const BotHistory = 20

// BotPrompt builds the request for the bot: the admin's prompt and
// knowledge, then the conversation as user (visitor) and assistant (bot
// and agents) turns. System notices are left out.
func BotPrompt(b BotSettings, c *Conversation, history []*Message) []BotTurn {
	system := b.SystemPrompt
	if b.Knowledge != "" {
		system += "\n\nThông tin tham khảo:\n" + b.Knowledge
	}
	if c != nil && c.Visitor.Name != "" {
		system += "\n\nTên khách hàng: " + c.Visitor.Name
	}
	turns := []BotTurn{{Role: "system", Content: system}}
	if len(history) > BotHistory {
		history = history[len(history)-BotHistory:]
	}
	for _, m := range history {
		text := AttachmentPreview(m)
		switch m.SenderType {
		case SenderVisitor:
			turns = append(turns, BotTurn{Role: "user", Content: text})
		case SenderBot, SenderAgent:
			turns = append(turns, BotTurn{Role: "assistant", Content: text})
		}
	}
	return turns
}

// CleanBotAnswer trims what the API returned to a storable message, or ""
// when there is nothing to say.
func CleanBotAnswer(s string) string {
	s = strings.TrimSpace(CleanMultiline(strings.ToValidUTF8(s, "")))
	if utf8.RuneCountInString(s) > MaxMessageLen {
		s = string([]rune(s)[:MaxMessageLen-1]) + "…"
	}
	return s
}
