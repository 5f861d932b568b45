package chat

import (
	"strings"
	"testing"
)

// The example of docs/api.md and web-widget/README.md, computed with
// openssl and Node.js: printf 'u-42' | openssl dgst -sha256 -hmac "$SECRET".
const (
	docSecret = "idsec_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	docHash   = "4fbe379c4ffe58fb8b9d0740888573a3a4d0a2776a438614603a56df148adcdd"
)

func TestIdentityHashMatchesTheDocs(t *testing.T) {
	if got := IdentityHash(docSecret, "u-42"); got != docHash {
		t.Fatalf("IdentityHash = %s, want %s", got, docHash)
	}
}

func TestCheckIdentity(t *testing.T) {
	off := IdentitySettings{Secret: docSecret}
	on := IdentitySettings{Secret: docSecret, VerifiedOnly: true}
	noSecret := IdentitySettings{}
	long := strings.Repeat("x", MaxUserIDLen+1)
	tests := []struct {
		name         string
		s            IdentitySettings
		userID, hash string
		want, code   string
	}{
		{"anonymous, off", off, "", "", "", ""},
		{"anonymous, on", on, "", "", "", EIDENTITYREQUIRED},
		{"claim without hash, off: ignored", off, "u-42", "", "", ""},
		{"claim without hash, on", on, "u-42", "", "", EIDENTITYREQUIRED},
		{"right, off", off, "u-42", docHash, "u-42", ""},
		{"right, on", on, "u-42", docHash, "u-42", ""},
		{"right, upper case", on, "u-42", strings.ToUpper(docHash), "u-42", ""},
		{"wrong, off", off, "u-42", strings.Repeat("0", 64), "", EIDENTITY},
		{"another user's, on", on, "u-43", docHash, "", EIDENTITY},
		{"hash without user", off, "", docHash, "", EIDENTITY},
		{"not hex", off, "u-42", "zz" + docHash[2:], "", EIDENTITY},
		{"too short", off, "u-42", docHash[:32], "", EIDENTITY},
		{"too long", off, "u-42", docHash + "00", "", EIDENTITY},
		{"no secret yet", noSecret, "u-42", IdentityHash("", "u-42"), "", EIDENTITY},
		{"user id too long", off, long, IdentityHash(docSecret, long), "", EINVALID},
		{"user id with a bidi control", off, "u\u202e42", IdentityHash(docSecret, "u\u202e42"), "", EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckIdentity(tt.s, tt.userID, tt.hash)
			if got != tt.want || ErrorCode(err) != tt.code {
				t.Fatalf("CheckIdentity = %q, %v; want %q, code %q", got, err, tt.want, tt.code)
			}
		})
	}
}

func TestIdentitySettings(t *testing.T) {
	s := IdentitySettings{VerifiedOnly: true, Secret: NewIdentitySecret()}
	p := s.Public()
	if p.Secret != "" || !p.SecretSet || p.SecretHint != "…"+s.Secret[len(s.Secret)-4:] {
		t.Fatalf("Public() = %+v", p)
	}
	if a, b := NewIdentitySecret(), NewIdentitySecret(); a == b || len(a) != 70 {
		t.Fatalf("secrets %q %q", a, b)
	}
	if err := ValidateIdentitySettings(IdentitySettings{VerifiedOnly: true}); ErrorCode(err) != EINVALID {
		t.Fatalf("verified only without a secret: %v", err)
	}
	if err := ValidateIdentitySettings(s); err != nil {
		t.Fatal(err)
	}
}
