package chat

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// FieldType is the kind of input a pre-chat form field renders as.
type FieldType string

const (
	FieldText     FieldType = "text"
	FieldTextarea FieldType = "textarea"
	FieldPhone    FieldType = "phone"
	FieldSelect   FieldType = "select"
	FieldCheckbox FieldType = "checkbox"
)

// Keys of the default fields. Their keys and types are fixed because search
// and the inbox rely on them; admins may still relabel, reorder them and
// change whether address and message are required or shown.
const (
	KeyName    = "name"
	KeyPhone   = "phone"
	KeyAddress = "address"
	KeyMessage = "message"
)

// Form limits.
const (
	MaxFields        = 30
	MaxFieldValueLen = 1000 // runes, for text and select values
	MaxTextareaLen   = 4000
	MaxLabelLen      = 100
	MaxOptions       = 50
	MaxOptionLen     = 100
)

// FormField is one input of the pre-chat form.
type FormField struct {
	Key      string    `json:"key"`
	Label    string    `json:"label"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required"`
	Options  []string  `json:"options"`
	Order    int       `json:"order"`
	Enabled  bool      `json:"enabled"`
	// Builtin fields cannot be deleted and keep their key and type.
	Builtin bool `json:"builtin"`
}

// DefaultFormFields is the form a new installation starts with.
func DefaultFormFields() []FormField {
	return []FormField{
		{Key: KeyName, Label: "Họ tên", Type: FieldText, Required: true, Order: 1, Enabled: true, Builtin: true, Options: []string{}},
		{Key: KeyPhone, Label: "Số điện thoại", Type: FieldPhone, Required: true, Order: 2, Enabled: true, Builtin: true, Options: []string{}},
		{Key: KeyAddress, Label: "Địa chỉ", Type: FieldText, Order: 3, Enabled: true, Builtin: true, Options: []string{}},
		{Key: KeyMessage, Label: "Nội dung", Type: FieldTextarea, Order: 4, Enabled: true, Builtin: true, Options: []string{}},
	}
}

var fieldKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// ValidateFormField checks a field definition written by an admin.
func ValidateFormField(f *FormField) error {
	fields := map[string]string{}
	f.Label = strings.TrimSpace(CleanLine(f.Label))
	if !fieldKeyRE.MatchString(f.Key) {
		fields["key"] = "Mã trường chỉ gồm chữ thường không dấu, số, dấu gạch dưới và bắt đầu bằng chữ (tối đa 40 ký tự)."
	}
	if n := utf8.RuneCountInString(f.Label); n == 0 || n > MaxLabelLen {
		fields["label"] = "Nhãn phải có từ 1 đến 100 ký tự."
	}
	switch f.Type {
	case FieldText, FieldTextarea, FieldCheckbox:
		f.Options = []string{}
	case FieldSelect:
		seen := map[string]bool{}
		clean := make([]string, 0, len(f.Options))
		for _, o := range f.Options {
			o = strings.TrimSpace(CleanLine(o))
			if o == "" || seen[o] {
				continue
			}
			if utf8.RuneCountInString(o) > MaxOptionLen {
				fields["options"] = "Mỗi lựa chọn tối đa 100 ký tự."
			}
			seen[o] = true
			clean = append(clean, o)
		}
		if len(clean) == 0 || len(clean) > MaxOptions {
			fields["options"] = "Danh sách lựa chọn phải có từ 1 đến 50 mục."
		}
		f.Options = clean
	case FieldPhone:
		if !f.Builtin {
			fields["type"] = "Loại trường không hợp lệ."
		}
		f.Options = []string{}
	default:
		fields["type"] = "Loại trường không hợp lệ."
	}
	if len(fields) > 0 {
		return &Error{Code: EINVALID, Message: "Trường biểu mẫu không hợp lệ.", Fields: fields}
	}
	return nil
}

// Answer is one submitted value, with the label as the visitor saw it so the
// transcript stays readable after the form changes.
type Answer struct {
	Key   string    `json:"key"`
	Label string    `json:"label"`
	Type  FieldType `json:"type"`
	Value string    `json:"value"`
}

// ValidateSubmission checks a visitor's answers against the enabled fields,
// in order. Values must be strings (checkbox: booleans); anything else is
// refused, so no object can reach the database. It returns the normalised
// answers or an *Error with a Vietnamese message per failing field.
func ValidateSubmission(defs []FormField, values map[string]any) ([]Answer, error) {
	fields := map[string]string{}
	answers := make([]Answer, 0, len(defs))
	known := map[string]bool{}
	for _, d := range defs {
		if !d.Enabled {
			continue
		}
		known[d.Key] = true
		raw, present := values[d.Key]
		value, msg := validateValue(d, raw, present)
		if msg != "" {
			fields[d.Key] = msg
			continue
		}
		if value != "" {
			answers = append(answers, Answer{Key: d.Key, Label: d.Label, Type: d.Type, Value: value})
		}
	}
	for k := range values {
		if !known[k] {
			fields[k] = "Trường này không có trong biểu mẫu."
		}
	}
	if len(fields) > 0 {
		return nil, &Error{Code: EINVALID, Message: "Vui lòng kiểm tra lại thông tin.", Fields: fields}
	}
	return answers, nil
}

func validateValue(d FormField, raw any, present bool) (string, string) {
	if !present || raw == nil {
		if d.Required {
			return "", requiredMessage(d)
		}
		return "", ""
	}
	if d.Type == FieldCheckbox {
		b, ok := raw.(bool)
		if !ok {
			return "", "Giá trị không hợp lệ."
		}
		if d.Required && !b {
			return "", "Vui lòng đánh dấu ô này."
		}
		if b {
			return "true", ""
		}
		return "", ""
	}
	s, ok := raw.(string)
	if !ok || !utf8.ValidString(s) {
		return "", "Giá trị không hợp lệ."
	}
	if d.Type == FieldTextarea {
		s = CleanMultiline(s)
	} else {
		s = CleanLine(s)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		if d.Required {
			return "", requiredMessage(d)
		}
		return "", ""
	}
	limit := MaxFieldValueLen
	if d.Type == FieldTextarea {
		limit = MaxTextareaLen
	}
	if utf8.RuneCountInString(s) > limit {
		return "", fmt.Sprintf("Tối đa %d ký tự.", limit)
	}
	switch d.Type {
	case FieldPhone:
		p, ok := NormalizePhone(s)
		if !ok {
			return "", "Số điện thoại không hợp lệ (ví dụ: 0912 345 678)."
		}
		return p, ""
	case FieldSelect:
		for _, o := range d.Options {
			if o == s {
				return s, ""
			}
		}
		return "", "Vui lòng chọn một giá trị trong danh sách."
	}
	return s, ""
}

func requiredMessage(d FormField) string {
	switch d.Type {
	case FieldSelect:
		return "Vui lòng chọn " + lowerFirst(d.Label) + "."
	case FieldCheckbox:
		return "Vui lòng đánh dấu ô này."
	}
	return "Vui lòng nhập " + lowerFirst(d.Label) + "."
}

func lowerFirst(s string) string {
	for i, r := range s {
		return strings.ToLower(string(r)) + s[i+utf8.RuneLen(r):]
	}
	return s
}

// AnswerValue returns the value submitted for key, or "".
func AnswerValue(answers []Answer, key string) string {
	for _, a := range answers {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}
