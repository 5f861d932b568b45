package chat

import (
	"strings"
	"testing"
)

func TestValidateSubmission(t *testing.T) {
	defs := append(DefaultFormFields(),
		FormField{Key: "product", Label: "Sản phẩm", Type: FieldSelect, Options: []string{"Áo", "Quần"}, Required: true, Enabled: true, Order: 5},
		FormField{Key: "agree", Label: "Đồng ý", Type: FieldCheckbox, Required: true, Enabled: true, Order: 6},
		FormField{Key: "old", Label: "Cũ", Type: FieldText, Required: true, Enabled: false, Order: 7},
	)
	ok := func() map[string]any {
		return map[string]any{"name": "  Lan  ", "phone": "0912 345 678", "product": "Áo", "agree": true}
	}
	tests := []struct {
		name      string
		mutate    func(map[string]any)
		badFields []string
	}{
		{"valid", func(map[string]any) {}, nil},
		{"missing name", func(v map[string]any) { delete(v, "name") }, []string{"name"}},
		{"blank name", func(v map[string]any) { v["name"] = "   " }, []string{"name"}},
		{"bad phone", func(v map[string]any) { v["phone"] = "0000" }, []string{"phone"}},
		{"option outside list", func(v map[string]any) { v["product"] = "Giày" }, []string{"product"}},
		{"required checkbox unchecked", func(v map[string]any) { v["agree"] = false }, []string{"agree"}},
		{"checkbox not bool", func(v map[string]any) { v["agree"] = "true" }, []string{"agree"}},
		{"number for text", func(v map[string]any) { v["name"] = 42.0 }, []string{"name"}},
		{"object for text", func(v map[string]any) { v["name"] = map[string]any{"$ne": 1} }, []string{"name"}},
		{"too long", func(v map[string]any) { v["address"] = strings.Repeat("a", MaxFieldValueLen+1) }, []string{"address"}},
		{"textarea allows more", func(v map[string]any) { v["message"] = strings.Repeat("a", MaxFieldValueLen+1) }, nil},
		{"unknown key", func(v map[string]any) { v["x"] = "1" }, []string{"x"}},
		{"disabled field is unknown", func(v map[string]any) { v["old"] = "1" }, []string{"old"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := ok()
			tt.mutate(v)
			answers, err := ValidateSubmission(defs, v)
			if len(tt.badFields) == 0 {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if AnswerValue(answers, "name") != "Lan" || AnswerValue(answers, "phone") != "0912345678" {
					t.Fatalf("not normalised: %+v", answers)
				}
				return
			}
			e, isErr := AsError(err)
			if !isErr || e.Code != EINVALID {
				t.Fatalf("err = %v", err)
			}
			for _, f := range tt.badFields {
				if e.Fields[f] == "" {
					t.Errorf("no message for %s: %v", f, e.Fields)
				}
			}
			if len(e.Fields) != len(tt.badFields) {
				t.Errorf("fields = %v, want only %v", e.Fields, tt.badFields)
			}
		})
	}
}

func TestValidateFormField(t *testing.T) {
	tests := []struct {
		name string
		f    FormField
		bad  string
	}{
		{"text", FormField{Key: "company", Label: "Công ty", Type: FieldText}, ""},
		{"select dedupes options", FormField{Key: "size", Label: "Cỡ", Type: FieldSelect, Options: []string{"S", "S", " M "}}, ""},
		{"select without options", FormField{Key: "size", Label: "Cỡ", Type: FieldSelect}, "options"},
		{"bad key", FormField{Key: "Cỡ áo", Label: "Cỡ", Type: FieldText}, "key"},
		{"empty label", FormField{Key: "a", Label: " ", Type: FieldText}, "label"},
		{"unknown type", FormField{Key: "a", Label: "A", Type: "file"}, "type"},
		{"custom phone", FormField{Key: "a", Label: "A", Type: FieldPhone}, "type"},
	}
	for _, tt := range tests {
		f := tt.f
		err := ValidateFormField(&f)
		e, _ := AsError(err)
		switch {
		case tt.bad == "" && err != nil:
			t.Errorf("%s: unexpected %v", tt.name, err)
		case tt.bad != "" && (e == nil || e.Fields[tt.bad] == ""):
			t.Errorf("%s: want error on %s, got %v", tt.name, tt.bad, err)
		}
		if tt.name == "select dedupes options" && strings.Join(f.Options, ",") != "S,M" {
			t.Errorf("options = %v", f.Options)
		}
	}
}

func TestCleanMessageText(t *testing.T) {
	if _, err := CleanMessageText("   "); ErrorCode(err) != EINVALID {
		t.Errorf("blank: %v", err)
	}
	if _, err := CleanMessageText(strings.Repeat("ấ", MaxMessageLen+1)); ErrorCode(err) != ETOOLARGE {
		t.Errorf("too long: %v", err)
	}
	if s, err := CleanMessageText(strings.Repeat("ấ", MaxMessageLen)); err != nil || len([]rune(s)) != MaxMessageLen {
		t.Errorf("max length refused: %v", err)
	}
	if err := ValidateClientID("ok_id-1"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"", "has space", strings.Repeat("x", 65), "a$b"} {
		if ValidateClientID(bad) == nil {
			t.Errorf("client id %q accepted", bad)
		}
	}
}
