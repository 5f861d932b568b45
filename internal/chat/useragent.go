package chat

import "strings"

// browserRule recognises one browser by a token of the user-agent. The
// order matters: in-app browsers and Chromium forks also say "Chrome/…"
// and "Safari/…", so they are tried first.
type browserRule struct {
	token string // substring that identifies the browser
	name  string
	ver   string // token followed by the version; "" for none shown
}

var browserRules = []browserRule{
	{"FBAN/", "Facebook", ""},
	{"FB_IAB/", "Facebook", ""},
	{"FBAV/", "Facebook", ""},
	{"Zalo", "Zalo", ""},
	{"coc_coc_browser/", "Cốc Cốc", "coc_coc_browser/"},
	{"SamsungBrowser/", "Samsung Internet", "SamsungBrowser/"},
	{"EdgA/", "Edge", "EdgA/"},
	{"EdgiOS/", "Edge", "EdgiOS/"},
	{"Edg/", "Edge", "Edg/"},
	{"OPR/", "Opera", "OPR/"},
	{"CriOS/", "Chrome", "CriOS/"},
	{"FxiOS/", "Firefox", "FxiOS/"},
	{"Firefox/", "Firefox", "Firefox/"},
	{"Chrome/", "Chrome", "Chrome/"},
	{"Safari/", "Safari", "Version/"},
}

// osRules: Android before Linux (Android says "Linux"), iOS before macOS
// (iOS says "like Mac OS X").
var osRules = []struct{ token, name string }{
	{"Windows", "Windows"},
	{"iPhone", "iOS"},
	{"iPad", "iOS"},
	{"iPod", "iOS"},
	{"Android", "Android"},
	{"CrOS", "ChromeOS"},
	{"Mac OS X", "macOS"},
	{"Macintosh", "macOS"},
	{"Linux", "Linux"},
}

// DescribeUserAgent turns a raw User-Agent into what an agent reads at a
// glance, "Chrome 131 · Windows": browser, major version, operating system.
// Parts it does not recognise are left out; "" when it recognises nothing
// (the raw string is still shown on hover).
func DescribeUserAgent(ua string) string {
	var browser, os string
	for _, r := range browserRules {
		if !strings.Contains(ua, r.token) {
			continue
		}
		browser = r.name
		if v := majorAfter(ua, r.ver); v != "" {
			browser += " " + v
		}
		break
	}
	for _, r := range osRules {
		if strings.Contains(ua, r.token) {
			os = r.name
			break
		}
	}
	switch {
	case browser != "" && os != "":
		return browser + " · " + os
	case browser != "":
		return browser
	}
	return os
}

// majorAfter returns the digits right after token ("Chrome/131.0" → "131").
func majorAfter(ua, token string) string {
	if token == "" {
		return ""
	}
	i := strings.Index(ua, token)
	if i < 0 {
		return ""
	}
	rest := ua[i+len(token):]
	n := 0
	for n < len(rest) && n < 6 && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	return rest[:n]
}
