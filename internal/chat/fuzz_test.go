package chat

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzValidateSubmission(f *testing.F) {
	defs := append(DefaultFormFields(),
		FormField{Key: "product", Label: "Sản phẩm", Type: FieldSelect, Options: []string{"Áo", "Quần"}, Enabled: true, Order: 5},
		FormField{Key: "agree", Label: "Đồng ý", Type: FieldCheckbox, Enabled: true, Order: 6},
	)
	f.Add(`{"name":"Lan","phone":"0912 345 678","product":"Áo","agree":true}`)
	f.Add(`{"name":{"$ne":""},"phone":["0912345678"]}`)
	f.Add(`{"name":"\u0000","phone":"+84 912 345 678","message":"` + strings.Repeat("x", 50) + `"}`)
	f.Add(`{"name":"Lan\u202e","phone":"0912\u2066345678","message":"a\r\nb\u0007"}`)
	f.Fuzz(func(t *testing.T, body string) {
		var values map[string]any
		if json.Unmarshal([]byte(body), &values) != nil {
			return
		}
		answers, err := ValidateSubmission(defs, values)
		if err != nil {
			if e, ok := AsError(err); !ok || e.Code != EINVALID || len(e.Fields) == 0 {
				t.Fatalf("validation error without per-field messages: %v", err)
			}
			return
		}
		for _, a := range answers {
			if !utf8.ValidString(a.Value) || needsCleaning(a.Value, a.Type == FieldTextarea) || a.Value == "" {
				t.Fatalf("bad stored value %q", a.Value)
			}
			if a.Type == FieldPhone {
				if p, ok := NormalizePhone(a.Value); !ok || p != a.Value {
					t.Fatalf("phone %q not normalised", a.Value)
				}
			}
		}
		if AnswerValue(answers, KeyName) == "" || AnswerValue(answers, KeyPhone) == "" {
			t.Fatal("accepted without the required fields")
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"0912 345 678", "+84912345678", "(024) 3825 1234", "84-912-345-678", "+1 415"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := NormalizePhone(s)
		if !ok {
			return
		}
		if p[0] != '0' || (len(p) != 10 && len(p) != 11) {
			t.Fatalf("%q → %q", s, p)
		}
		if again, ok := NormalizePhone(p); !ok || again != p {
			t.Fatalf("not idempotent: %q → %q → %q", s, p, again)
		}
	})
}
