package config

import "testing"

func TestPprofOnlyOnLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{"": true, "127.0.0.1:6060": true, "[::1]:6060": true, "0.0.0.0:6060": false, ":6060": false, "10.0.0.5:6060": false, "localhost": false} {
		env := map[string]string{"CHATDESK_ENV": "development", "CHATDESK_PPROF_ADDR": addr}
		c, err := FromEnv(func(k string) string { return env[k] })
		if (err == nil) != ok {
			t.Errorf("CHATDESK_PPROF_ADDR=%q: err %v, want ok=%v", addr, err, ok)
		}
		if ok && c.PprofAddr != addr {
			t.Errorf("PprofAddr = %q, want %q", c.PprofAddr, addr)
		}
	}
}
