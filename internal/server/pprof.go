package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"runtime/debug"
	"time"
)

// servePprof serves Go's profiling endpoints on addr (a loopback address,
// checked by config) until ctx ends. Off unless CHATDESK_PPROF_ADDR is set.
// Besides the pprof profiles, /debug/pprof/goroutine?debug=1 and
// /debug/pprof/heap?debug=1 (runtime.MemStats at the end) give goroutine
// counts and heap/stack totals for the per-connection memory figures.
func servePprof(ctx context.Context, addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/memstats", memStats)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Warn("pprof not served", "addr", addr, "err", err)
		return
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Info("pprof listening", "addr", ln.Addr().String())
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	go func() { _ = srv.Serve(ln) }()
}

// memStats answers the figures of the memory-per-connection benchmark as
// JSON; with ?free=1 it first returns freed memory to the OS
// (debug.FreeOSMemory, which also runs a GC).
func memStats(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("free") == "1" {
		debug.FreeOSMemory()
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"goroutines": runtime.NumGoroutine(),
		"heapAlloc":  m.HeapAlloc,
		"heapInuse":  m.HeapInuse,
		"stackInuse": m.StackInuse,
		"sys":        m.Sys,
		"heapIdle":   m.HeapIdle,
		"released":   m.HeapReleased,
		"numGC":      m.NumGC,
	})
}
