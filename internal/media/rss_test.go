package media

import (
	"bufio"
	"bytes"
	"fmt"
	"github.com/chatdesk/chatdesk/internal/media/mediatest"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
)

// TestDecodeRSS measures what issue #16 measured on a node: resident memory
// (RSS) while hostile images are decoded, in a fresh process so nothing
// else in it has grown the heap before. Each case decodes its image three
// times in a row, then three at once; the peak RSS (VmHWM) must stay within
// 64 MB of the idle RSS. Before the fix the node went from 30 MB to 1.32 GB.
func TestDecodeRSS(t *testing.T) {
	if raceDetector {
		t.Skip("measures decode memory: run without -race (make test-go does)")
	}
	if testing.Short() {
		t.Skip("builds 40-megapixel images")
	}
	if _, err := os.Stat("/proc/self/clear_refs"); err != nil {
		t.Skip("needs Linux /proc")
	}
	for _, name := range []string{"progressive-jpeg-444", "progressive-jpeg-420", "png-16bit-rgba", "mixed"} {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestDecodeRSSChild$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "MEDIA_RSS_CASE="+name)
			out, err := cmd.CombinedOutput()
			if strings.Contains(string(out), "SKIP") {
				t.Skipf("child skipped: %s", out)
			}
			var idle, peak int64
			if i := bytes.Index(out, []byte("rss: ")); i < 0 || err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			} else if _, err := fmt.Sscanf(string(out[i:]), "rss: idle=%d peak=%d", &idle, &peak); err != nil {
				t.Fatalf("child output: %v\n%s", err, out)
			}
			t.Logf("idle RSS %.1f MB, peak %.1f MB: +%.1f MB", mb(idle), mb(peak), mb(peak-idle))
			if peak-idle > 64<<20 {
				t.Fatalf("decoding took RSS from %.1f MB to %.1f MB", mb(idle), mb(peak))
			}
		})
	}
}

func TestDecodeRSSChild(t *testing.T) {
	name := os.Getenv("MEDIA_RSS_CASE")
	if name == "" {
		t.Skip("run by TestDecodeRSS")
	}
	s444 := [][2]int{{1, 1}, {1, 1}, {1, 1}}
	s420 := [][2]int{{2, 2}, {1, 1}, {1, 1}}
	type upload struct {
		data []byte
		ct   string
	}
	var uploads []upload
	switch name {
	case "progressive-jpeg-444":
		uploads = []upload{{hostileJPEG(t, s444), "image/jpeg"}}
	case "progressive-jpeg-420":
		uploads = []upload{{hostileJPEG(t, s420), "image/jpeg"}}
	case "png-16bit-rgba":
		uploads = []upload{{mediatest.HugePNG(t, hostileSide, hostileSide), "image/png"}}
	case "mixed":
		uploads = []upload{{hostileJPEG(t, s444), "image/jpeg"}, {hostileJPEG(t, s420), "image/jpeg"},
			{mediatest.HugePNG(t, hostileSide, hostileSide), "image/png"}, {pngOf(t, 400, 300), "image/png"}}
	}
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak RSS: %v", err)
	}
	idle := procStatus(t, "VmRSS")
	for range 3 {
		for _, u := range uploads {
			if _, err := Inspect(u.data, u.ct); err != nil {
				t.Fatal(err)
			}
		}
	}
	var wg sync.WaitGroup
	for range 3 {
		for _, u := range uploads {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := Inspect(u.data, u.ct); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	fmt.Printf("rss: idle=%d peak=%d\n", idle, procStatus(t, "VmHWM"))
}

// procStatus reads a memory figure of this process, in bytes.
func procStatus(t *testing.T, key string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		var kb int64
		if _, err := fmt.Sscanf(s.Text(), key+": %d kB", &kb); err == nil {
			return kb << 10
		}
	}
	t.Fatalf("%s not in /proc/self/status", key)
	return 0
}
