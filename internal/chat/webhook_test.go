package chat

import (
	"net/netip"
	"strings"
	"testing"
)

func TestPublicAddr(t *testing.T) {
	for _, c := range []struct {
		ip     string
		public bool
	}{
		{"8.8.8.8", true},
		{"203.162.4.191", true},
		{"2001:4860:4860::8888", true},
		{"127.0.0.1", false},
		{"127.8.9.10", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"fe80::1", false},
		{"fd00::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"100.64.0.1", false}, // carrier-grade NAT
		{"224.0.0.1", false},
		{"255.255.255.255", false},
		{"::ffff:127.0.0.1", false}, // IPv4-mapped loopback
		{"::ffff:10.0.0.1", false},
		{"64:ff9b::a00:1", false}, // NAT64 form of 10.0.0.1
		{"2002:7f00:1::", false},  // 6to4 of 127.0.0.1
	} {
		if got := PublicAddr(netip.MustParseAddr(c.ip)); got != c.public {
			t.Errorf("PublicAddr(%s) = %v, want %v", c.ip, got, c.public)
		}
	}
}

func TestValidateWebhookEndpoint(t *testing.T) {
	for _, c := range []struct {
		name    string
		in      WebhookEndpoint
		prev    string
		field   string // "" = valid
		genSecr bool
	}{
		{"valid, secret generated", WebhookEndpoint{URL: "https://shop.example.vn/hook", Events: []string{EventMessageCreated, EventMessageCreated}}, "", "", true},
		{"secret kept", WebhookEndpoint{URL: "https://shop.example.vn/hook", Events: []string{EventRatingCreated}}, "whsec_previous_secret_1234", "", false},
		{"own secret", WebhookEndpoint{URL: "http://crm.example.vn:8080/in?x=1", Events: []string{EventContactErased}, Secret: "mot-khoa-bi-mat-du-dai"}, "", "", false},
		{"short secret", WebhookEndpoint{URL: "https://shop.example.vn", Events: []string{EventMessageCreated}, Secret: "ngan"}, "", "secret", false},
		{"no events", WebhookEndpoint{URL: "https://shop.example.vn"}, "", "events", false},
		{"unknown event", WebhookEndpoint{URL: "https://shop.example.vn", Events: []string{"order.paid"}}, "", "events", false},
		{"ftp", WebhookEndpoint{URL: "ftp://shop.example.vn", Events: []string{EventMessageCreated}}, "", "url", false},
		{"credentials", WebhookEndpoint{URL: "https://u:p@shop.example.vn", Events: []string{EventMessageCreated}}, "", "url", false},
		{"loopback literal", WebhookEndpoint{URL: "http://127.0.0.1:9000/", Events: []string{EventMessageCreated}}, "", "url", false},
		{"localhost", WebhookEndpoint{URL: "http://localhost/", Events: []string{EventMessageCreated}}, "", "url", false},
		{"metadata", WebhookEndpoint{URL: "http://169.254.169.254/latest", Events: []string{EventMessageCreated}}, "", "url", false},
		{"private v6", WebhookEndpoint{URL: "http://[::1]:80/", Events: []string{EventMessageCreated}}, "", "url", false},
		{"private allowed", WebhookEndpoint{URL: "http://10.0.0.5/hook", Events: []string{EventMessageCreated}, AllowPrivate: true}, "", "", true},
		{"too long", WebhookEndpoint{URL: "https://shop.example.vn/" + strings.Repeat("a", 500), Events: []string{EventMessageCreated}}, "", "url", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := c.in
			gen, err := ValidateWebhookEndpoint(&e, c.prev)
			if c.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if gen != c.genSecr || e.Secret == "" || (c.prev != "" && e.Secret != c.prev) {
					t.Fatalf("secret %q generated=%v", e.Secret, gen)
				}
				if len(e.Events) != 1 {
					t.Fatalf("events not deduplicated: %v", e.Events)
				}
				return
			}
			ce, ok := AsError(err)
			if !ok || ce.Fields[c.field] == "" {
				t.Fatalf("err = %v, want a message on %s", err, c.field)
			}
		})
	}
}

func TestWebhookEndpointPublic(t *testing.T) {
	e := WebhookEndpoint{Secret: "whsec_0123456789abcdefwxyz", Events: []string{EventMessageCreated}}
	p := e.Public()
	if p.Secret != "" || p.SecretHint != "…wxyz" {
		t.Fatalf("public = %+v", p)
	}
}

func TestValidateMailSettings(t *testing.T) {
	stored := MailSettings{Host: "smtp.example.vn", Port: 587, Security: MailStartTLS, Username: "u", Password: "old", From: "a@example.vn"}
	for _, c := range []struct {
		name  string
		in    MailSettings
		prev  MailSettings
		field string
		pass  string
	}{
		{"valid", MailSettings{Host: "SMTP.Example.vn ", From: "Hỗ trợ <hotro@example.vn>", Password: "p"}, MailSettings{}, "", "p"},
		{"keeps password", MailSettings{Host: "smtp.example.vn", From: "a@example.vn"}, stored, "", "old"},
		{"host changed needs password", MailSettings{Host: "evil.example.com", From: "a@example.vn"}, stored, "password", ""},
		{"host changed with password", MailSettings{Host: "smtp2.example.vn", From: "a@example.vn", Password: "new"}, stored, "", "new"},
		{"cleared host keeps password", MailSettings{}, stored, "", "old"},
		{"bad host", MailSettings{Host: "smtp.example.vn:25", From: "a@example.vn"}, MailSettings{}, "host", ""},
		{"bad port", MailSettings{Host: "smtp.example.vn", Port: 70000, From: "a@example.vn"}, MailSettings{}, "port", ""},
		{"bad security", MailSettings{Host: "smtp.example.vn", Security: "ssl", From: "a@example.vn"}, MailSettings{}, "security", ""},
		{"no from", MailSettings{Host: "smtp.example.vn"}, MailSettings{}, "from", ""},
		{"header injection", MailSettings{Host: "smtp.example.vn", From: "a@example.vn\r\nBcc: x@y.z"}, MailSettings{}, "from", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := c.in
			err := ValidateMailSettings(&m, c.prev)
			if c.field == "" {
				if err != nil || m.Password != c.pass {
					t.Fatalf("err %v, password %q (want %q)", err, m.Password, c.pass)
				}
				return
			}
			if ce, ok := AsError(err); !ok || ce.Fields[c.field] == "" {
				t.Fatalf("err = %v, want a message on %s", err, c.field)
			}
		})
	}
}

func TestCleanEmail(t *testing.T) {
	for in, ok := range map[string]bool{
		"khach@example.vn": true, " khach@example.vn ": true, "Khách <khach@example.vn>": false,
		"khach@localhost": false, "a\r\nb@example.vn": false, "": false, "khong-phai-email": false,
	} {
		if _, err := CleanEmail(in); (err == nil) != ok {
			t.Errorf("CleanEmail(%q) err = %v", in, err)
		}
	}
}
