package chat

import (
	"strings"
	"testing"
)

// The file pickers offer nothing the server refuses by name, and no
// program or script type.
func TestUploadAcceptListsOnlyAllowedTypes(t *testing.T) {
	for _, item := range strings.Split(UploadAccept, ",") {
		if strings.TrimSpace(item) != item || item == "" {
			t.Fatalf("malformed entry %q in %q", item, UploadAccept)
		}
		if strings.HasPrefix(item, ".") {
			if err := CheckFileName("tep" + item); err != nil {
				t.Errorf("%s is offered by the picker but refused by name: %v", item, err)
			}
			continue
		}
		if !strings.HasPrefix(item, "image/") || item == "image/*" || strings.Contains(item, "svg") {
			t.Errorf("%s: only the sniffed image types, by name", item)
		}
	}
	for _, bad := range []string{".exe", ".bat", ".js", ".apk", ".svg", ".html", ".docm"} {
		if strings.Contains(","+UploadAccept+",", ","+bad+",") {
			t.Errorf("the picker offers %s", bad)
		}
	}
}
