package redis

import "testing"

// Reference values from the Redis Cluster specification and CLUSTER KEYSLOT.
func TestSlot(t *testing.T) {
	tests := []struct {
		key  string
		want int
	}{
		{"123456789", 12739}, // CRC16/XMODEM check value 0x31C3
		{"foo", 12182},
		{"{user1000}.following", 3443},
		{"{user1000}.followers", 3443},
		{"foo{}{bar}", 8363}, // an empty first tag: the whole key
		{"foo{{bar}}zap", 4015},
		{"t1:seq:{c1}", slotOf("c1")},
	}
	for _, tt := range tests {
		if got := slot(tt.key); got != tt.want {
			t.Errorf("slot(%q) = %d, want %d", tt.key, got, tt.want)
		}
	}
}

func slotOf(s string) int { return int(crc16(s) % 16384) }
