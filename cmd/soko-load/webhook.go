package main

import (
	"context"
	"io"
	"maps"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/soko-wms/soko/internal/notify"
)

// repeat (allowed: delivery is at least once) shows.
type webhookSink struct {
	srv     *http.Server
	secrets map[string]string // by merchant code, the last part of the path

	mu     sync.Mutex
	seen   map[string]int
	byType map[string]int
	forged int
}

// webhookReport is what the merchants' endpoints received.
type webhookReport struct {
	Listening bool
	Events    int // distinct event ids
	Repeats   int // deliveries of an event after its first
	Forged    int
	ByType    map[string]int
}

func (l *loader) receiveWebhooks() (*webhookSink, error) {
	if l.w.Webhook == "" {
		return nil, nil
	}
	if _, err := loopbackTarget("http://" + l.w.Webhook); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", l.w.Webhook)
	if err != nil {
		return nil, err
	}
	s := &webhookSink{secrets: map[string]string{}, seen: map[string]int{}, byType: map[string]int{}}
	for _, m := range l.w.Merchants {
		s.secrets[m.Code] = m.Secret
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

func (s *webhookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	secret, ok := s.secrets[strings.TrimPrefix(r.URL.Path, "/soko/events/")]
	s.mu.Lock()
	defer s.mu.Unlock()
	if !ok || notify.Verify(r.Header.Get("Soko-Signature"), secret, body, time.Now(), 5*time.Minute) != nil {
		s.forged++
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	id := r.Header.Get("Soko-Event-Id")
	s.seen[id]++
	if s.seen[id] == 1 {
		s.byType[r.Header.Get("Soko-Event-Type")]++
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *webhookSink) close() webhookReport {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.srv.Shutdown(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	r := webhookReport{Listening: true, Events: len(s.seen), Forged: s.forged, ByType: maps.Clone(s.byType)}
	for _, n := range s.seen {
		r.Repeats += n - 1
	}
	return r
}
