package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/chatdesk/chatdesk/internal/protocol"
)

// stormResult is the JSON result of the reconnect-storm scenario.
type stormResult struct {
	Scenario    string    `json:"scenario"`
	Label       string    `json:"label"`
	Started     time.Time `json:"started"`
	LoadBefore  string    `json:"loadBefore"`
	Clients     int       `json:"clients"`
	Connected   int       `json:"connected"`
	Resumed     int       `json:"resumed"`
	Gaps        int       `json:"gaps"` // resumed but missing a message sent while disconnected
	Failed      int       `json:"failed"`
	Attempts    int64     `json:"attempts"`
	AllSec      float64   `json:"allResumedSec"` // kill → last client resumed (0 if not all)
	Resume      latency   `json:"resumeMs"`      // kill → resumed, per client
	DeadlineSec float64   `json:"deadlineSec"`
}

// stormClient is one visitor that resumes by seq after its node dies.
type stormClient struct {
	conv, token string
	mu          sync.Mutex
	seqs        map[int64]bool
	contiguous  int64
}

func (s *stormClient) onMessage(_ *conn, d delivery) {
	s.mu.Lock()
	s.seqs[d.Seq] = true
	for s.seqs[s.contiguous+1] {
		s.contiguous++
	}
	s.mu.Unlock()
}

func (s *stormClient) cont() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.contiguous
}

func dialResume(ctx context.Context, url, src string, s *stormClient) (*conn, error) {
	ws, _, err := dialer(src, 15*time.Second).DialContext(ctx, wsURL(url), nil)
	if err != nil {
		return nil, err
	}
	c := newConn(ws, false, "visitor", s.onMessage)
	replayed := make(chan struct{}, 1)
	go c.readChatdesk(replayed)
	if _, err := c.request(ctx, protocol.ReqHello, protocol.Hello{Token: s.token, LastSeq: s.cont()}); err != nil {
		c.Close()
		return nil, err
	}
	select {
	case <-replayed:
		return c, nil
	case <-c.closed:
		return nil, fmt.Errorf("closed before replay.done: %v", c.readErr)
	case <-ctx.Done():
		c.Close()
		return nil, ctx.Err()
	}
}

// runStorm: -clients visitors connect to the victim node, the victim is
// killed (SIGKILL), one more message is posted to every conversation through
// a surviving node, and every client reconnects to the survivors with the
// protocol's backoff (full jitter, 0.5 s × 2^attempt, ≤ 30 s) and resumes
// from its last gap-free seq. Reports the time until all have resumed and
// hold the message they missed.
func runStorm(args []string) error {
	fs := flag.NewFlagSet("storm", flag.ExitOnError)
	label := fs.String("label", "storm", "")
	victim := fs.String("url", "", "base URL of the node to kill")
	survivors := fs.String("resume-url", "", "comma-separated base URLs to reconnect to")
	srcs := fs.String("src", "127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5", "source addresses")
	clients := fs.Int("clients", 10000, "visitor connections on the victim")
	convs := fs.Int("convs", 200, "conversations (several connections per visitor token, as tabs)")
	killPID := fs.Int("kill-pid", 0, "PID of the victim node (SIGKILL)")
	deadline := fs.Duration("deadline", 60*time.Second, "give up on resuming after this")
	out := fs.String("out", "", "")
	_ = fs.Parse(args)
	if *victim == "" || *survivors == "" || *killPID <= 0 {
		return fmt.Errorf("storm needs -url, -resume-url and -kill-pid")
	}
	res := &stormResult{Scenario: "storm", Label: *label, Started: time.Now().UTC(), LoadBefore: loadAvg(), Clients: *clients, DeadlineSec: deadline.Seconds()}
	surv, sl := splitList(*survivors), splitList(*srcs)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	type convT struct{ id, token string }
	cs := make([]convT, *convs)
	// retry: the setup must not fail on a transient 503 (same clientId)
	retry := func(f func() error) error {
		var err error
		for a := 0; a < 6; a++ {
			if err = f(); err == nil {
				return nil
			}
			time.Sleep(time.Duration(a+1) * 500 * time.Millisecond)
		}
		return err
	}
	post := func(ctx context.Context, base string, c convT, n int) error {
		for j := 0; j < n; j++ {
			body := map[string]any{"text": "storm " + strconv.Itoa(j), "clientId": fmt.Sprintf("s%d-%d", time.Now().UnixNano(), j)}
			if err := retry(func() error {
				_, err := api(ctx, "POST", base+"/api/conversations/"+c.id+"/messages", c.token, body, nil)
				return err
			}); err != nil {
				return err
			}
		}
		return nil
	}
	err := parallel(ctx, *convs, 4, func(ctx context.Context, i int) error {
		var cr struct {
			Conversation struct {
				ID string `json:"id"`
			} `json:"conversation"`
			VisitorToken string `json:"visitorToken"`
		}
		body := map[string]any{"fields": map[string]any{"name": fmt.Sprintf("Khách %d", i+1), "phone": "0912345678"}}
		if err := retry(func() error {
			_, err := api(ctx, "POST", surv[0]+"/api/conversations", "", body, &cr)
			return err
		}); err != nil {
			return err
		}
		cs[i] = convT{cr.Conversation.ID, cr.VisitorToken}
		return post(ctx, surv[0], cs[i], 3)
	})
	if err != nil {
		return err
	}
	cl := make([]*stormClient, *clients)
	conns := make([]*conn, *clients)
	err = parallel(ctx, *clients, 64, func(ctx context.Context, i int) error {
		c := cs[i%len(cs)]
		cl[i] = &stormClient{conv: c.id, token: c.token, seqs: map[int64]bool{}}
		cn, err := dialResume(ctx, *victim, sl[i%len(sl)], cl[i])
		if err != nil {
			return fmt.Errorf("client %d: %w", i, err)
		}
		conns[i] = cn
		return nil
	})
	if err != nil {
		return err
	}
	res.Connected = *clients
	fmt.Printf("storm: %d clients on %s; killing pid %d\n", *clients, *victim, *killPID)
	t0 := time.Now()
	if err := syscall.Kill(*killPID, syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill: %w", err)
	}
	// A message per conversation while everyone is disconnected.
	want := make(map[string]int64, len(cs))
	var wantMu sync.Mutex
	_ = parallel(ctx, len(cs), 16, func(ctx context.Context, i int) error {
		var mr struct {
			Message struct {
				Seq int64 `json:"seq"`
			} `json:"message"`
		}
		body := map[string]any{"text": "sent during the storm", "clientId": fmt.Sprintf("storm-%d", i)}
		if _, err := api(ctx, "POST", surv[i%len(surv)]+"/api/conversations/"+cs[i].id+"/messages", cs[i].token, body, &mr); err == nil {
			wantMu.Lock()
			want[cs[i].id] = mr.Message.Seq
			wantMu.Unlock()
		}
		return nil
	})
	var resumed, gaps, failed atomic.Int64
	var latMu sync.Mutex
	var lats []float64
	var wg sync.WaitGroup
	end := t0.Add(*deadline)
	for i := range cl {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := cl[i]
			<-conns[i].closed
			for attempt := 0; time.Now().Before(end); attempt++ {
				ceil := math.Min(30, 0.5*math.Pow(2, float64(attempt)))
				time.Sleep(time.Duration(rand.Float64() * ceil * float64(time.Second)))
				atomic.AddInt64(&res.Attempts, 1)
				dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
				c, err := dialResume(dctx, surv[(i+attempt)%len(surv)], sl[i%len(sl)], s)
				cancel()
				if err != nil {
					continue
				}
				wantMu.Lock()
				w := want[s.conv]
				wantMu.Unlock()
				ok := false
				for t := 0; t < 100; t++ {
					if s.cont() >= w {
						ok = true
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
				d := float64(time.Since(t0).Microseconds()) / 1000
				c.Close()
				if !ok {
					gaps.Add(1)
				}
				resumed.Add(1)
				latMu.Lock()
				lats = append(lats, d)
				latMu.Unlock()
				return
			}
			failed.Add(1)
		}(i)
	}
	wg.Wait()
	res.Resumed, res.Gaps, res.Failed = int(resumed.Load()), int(gaps.Load()), int(failed.Load())
	res.Resume = summarize(lats)
	if res.Resumed == res.Clients {
		res.AllSec = res.Resume.Max / 1000
	}
	fmt.Printf("storm: %d/%d resumed (%d with a gap, %d failed), all resumed after %.1fs, per client %s, %d attempts\n",
		res.Resumed, res.Clients, res.Gaps, res.Failed, res.AllSec, res.Resume, res.Attempts)
	return writeJSON(*out, res)
}
