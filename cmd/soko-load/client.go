package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/soko-wms/soko/internal/server/api"
)

// loader is one run: the clients of every role and what they share.
type loader struct {
	o       loadOptions
	w       *loadWorld
	out     io.Writer
	http    *http.Client
	down    []atomic.Int64 // per target: unix nanoseconds until which it is avoided
	stats   *loadStats
	run     string // this run's prefix of order numbers and scan ids
	start   time.Time
	jans    map[string]string // SKU → JAN
	totes   *toteQueue
	acked   *ackedOrders
	shipped sync.Map // order number → true, from the dock's closes

	released, claimed atomic.Int64 // waves released by the supervisor, taken by pickers
	sent, notAcked    atomic.Int64
	intakeDone        atomic.Bool
}

// runLoad drives the targets until every order shipped or the duration is
// up, then reports.
func runLoad(ctx context.Context, o loadOptions, out io.Writer) (*loadReport, error) {
	data, err := os.ReadFile(o.world)
	if err != nil {
		return nil, fmt.Errorf("cannot read --world (run soko-load --setup first): %v", err)
	}
	var w loadWorld
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("--world %s: %v", o.world, err)
	}
	if o.handhelds > len(w.Pickers) || o.stations > len(w.Packers) || len(w.Merchants) == 0 || len(w.Shippers) < len(loadCarriers) {
		return nil, &usageError{"--handhelds, --stations", fmt.Sprintf("the world has %d pickers and %d packers: run --setup with more", len(w.Pickers), len(w.Packers))}
	}
	acked, err := newAckedOrders(o.acked)
	if err != nil {
		return nil, err
	}
	defer acked.close()
	l := newLoader(o, &w, acked, out)
	sink, err := l.receiveWebhooks()
	if err != nil {
		fmt.Fprintf(out, "webhooks: cannot listen on %s (%v); deliveries will wait and retry\n", w.Webhook, err)
	}

	fmt.Fprintf(out, "soko-load %s: %d orders from %d merchants, %d handhelds, %d stations, dock of %d carriers, against %s for at most %s\n",
		l.run, o.orders, len(w.Merchants), o.handhelds, o.stations, len(loadCarriers), strings.Join(o.targets, ", "), o.duration)
	runCtx, stop := context.WithTimeout(ctx, o.duration)
	defer stop()
	floorCtx, stopFloor := context.WithCancel(runCtx)
	var wg sync.WaitGroup
	goRole := func(f func(context.Context)) {
		wg.Add(1)
		go func() { defer wg.Done(); f(floorCtx) }()
	}
	goRole(l.intake)
	goRole(l.supervise)
	for i := range o.handhelds {
		goRole(func(ctx context.Context) { l.pick(ctx, i) })
	}
	for i := range o.stations {
		goRole(func(ctx context.Context) { l.pack(ctx, i) })
	}
	goRole(l.conveyor)
	for i := range loadCarriers {
		goRole(func(ctx context.Context) { l.dock(ctx, i) })
	}
	goRole(l.progress)
	l.watchForTheEnd(floorCtx)
	stopFloor()
	wg.Wait()
	elapsed := time.Since(l.start)

	// The end state, from the API, whatever happened to the run.
	endCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	rep := &loadReport{Elapsed: elapsed, Sent: int(l.sent.Load()), NotAcked: int(l.notAcked.Load()), AckedFile: o.acked}
	rep.Statuses, rep.Shipped, rep.Unlisted, rep.Acked = l.endState(endCtx)
	if sink != nil {
		rep.Webhooks = sink.close()
	}
	rep.Kinds = l.kindReports(elapsed)
	rep.ServerErrors = int(l.stats.server.Load())
	l.printReport(rep)
	return rep, nil
}

// newLoader prepares a run of o in world w.
func newLoader(o loadOptions, w *loadWorld, acked *ackedOrders, out io.Writer) *loader {
	l := &loader{
		o: o, w: w, out: out, stats: newLoadStats(), down: make([]atomic.Int64, len(o.targets)),
		run: "L" + strconv.FormatUint(rand.Uint64()%60_466_176, 36), start: time.Now(), jans: map[string]string{},
		totes: newToteQueue(o.orders + 1000), acked: acked,
		http: &http.Client{
			Transport: &http.Transport{
				Proxy: nil, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
				MaxIdleConns: 2000, MaxIdleConnsPerHost: 1000, IdleConnTimeout: 90 * time.Second, DisableCompression: true,
			},
			// Only loopback is ever asked: a redirect elsewhere is not followed.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	for _, m := range w.Merchants {
		for _, p := range m.Products {
			l.jans[p.SKU] = p.JAN
		}
	}
	return l
}

// target returns the server a client sends its attempt to: its own, unless
// that one failed to connect a moment ago, as a load balancer would.
func (l *loader) target(home, attempt int) int {
	now := time.Now().UnixNano()
	for i := range len(l.o.targets) {
		t := (home + attempt + i) % len(l.o.targets)
		if l.down[t].Load() < now {
			return t
		}
	}
	return (home + attempt) % len(l.o.targets)
}

// request is one call of the API.
type request struct {
	kind         string
	method, path string
	body         any
	apiKey       string        // a merchant's
	idempotency  string        // Idempotency-Key
	staff        *staffSession // a signed-in badge's
	// expected are statuses other than 2xx that are part of the work, such
	// as 404 from a picker asking for work before any is released.
	expected []int
}

// answer is the server's answer to a request.
type answer struct {
	Status int
	Header http.Header
	Body   []byte
}

func (a *answer) decode(v any) bool { return json.Unmarshal(a.Body, v) == nil }

// problem is what a problem answer says, in a line.
func (a *answer) problem() string {
	var p api.Problem
	if !a.decode(&p) || p.Detail == "" {
		return strings.Join(strings.Fields(string(a.Body[:min(len(a.Body), 200)])), " ")
	}
	return p.Detail + " (" + p.Type + ")"
}

// problemField reports whether a problem answer names field among its errors.
func (a *answer) problemField(field string) bool {
	var p api.Problem
	if !a.decode(&p) || p.Errors == nil {
		return false
	}
	for _, e := range *p.Errors {
		if e.Field == field {
			return true
		}
	}
	return false
}

var errGaveUp = errors.New("no answer within the retry budget")

// retryBudget is how long a request is retried before the client gives up:
// longer than a server restart or a database restart takes.
const retryBudget = 90 * time.Second

// send sends a request as a client does, retrying what is safe to retry:
// the same body with the same Idempotency-Key or scan id after a broken
// connection, a 503 or a 429 (waiting as Retry-After says), a 500 a few
// times; and signing in again after a 401. Each attempt goes to the
// client's own server unless it just failed.
func (l *loader) send(ctx context.Context, home int, r request) (*answer, error) {
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return nil, err
		}
	}
	deadline := time.Now().Add(retryBudget)
	backoff := 100 * time.Millisecond
	fails, signIns := 0, 0
	for attempt := 0; ; attempt++ {
		t := l.target(home, attempt)
		a, took, err := l.attempt(ctx, t, r, body)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		wait, cause := jitter(backoff), ""
		switch {
		case err != nil:
			cause = "connection"
			l.down[t].Store(time.Now().Add(2 * time.Second).UnixNano())
		case a.Status == http.StatusServiceUnavailable || a.Status == http.StatusTooManyRequests ||
			a.Status == http.StatusBadGateway || a.Status == http.StatusGatewayTimeout:
			cause = strconv.Itoa(a.Status)
			if s, err := strconv.Atoi(a.Header.Get("Retry-After")); err == nil && s >= 0 {
				wait = time.Duration(s)*time.Second + rand.N(250*time.Millisecond)
			}
		case a.Status == http.StatusInternalServerError && fails < 3:
			fails++
			cause = "500"
			l.stats.server.Add(1)
		case a.Status == http.StatusUnauthorized && r.staff != nil && signIns < 3:
			signIns++
			cause, wait = "401", 0
			if err := l.signIn(ctx, home, r.staff); err != nil {
				return nil, err
			}
		default:
			if a.Status == http.StatusInternalServerError {
				l.stats.server.Add(1)
			}
			l.stats.answered(r.kind, a, took, slices.Contains(r.expected, a.Status))
			return a, nil
		}
		if time.Now().Add(wait).After(deadline) {
			l.stats.abandoned(r.kind)
			return nil, errGaveUp
		}
		l.stats.retried(r.kind, cause)
		if !sleep(ctx, wait) {
			return nil, ctx.Err()
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// attempt is one HTTP exchange with target t, and how long it took.
func (l *loader) attempt(ctx context.Context, t int, r request, body []byte) (*answer, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, l.o.targets[t]+r.path, rd)
	if err != nil {
		return nil, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept-Language", "en")
	if r.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+r.apiKey)
	}
	if r.idempotency != "" {
		req.Header.Set("Idempotency-Key", r.idempotency)
	}
	if s := r.staff; s != nil {
		s.mu.Lock()
		req.Header.Set("Cookie", "soko_session="+s.cookie)
		if r.method != http.MethodGet {
			req.Header.Set("X-CSRF-Token", s.csrf)
		}
		s.mu.Unlock()
	}
	start := time.Now()
	res, err := l.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return nil, 0, err
	}
	l.stats.attempts.Add(1)
	return &answer{Status: res.StatusCode, Header: res.Header, Body: b}, time.Since(start), nil
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d)
}

// sleep waits d, or less when ctx ends first; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// staffSession is a badge signed in on the floor: its session cookie and
// CSRF token, kept in the database, so any server takes them.
type staffSession struct {
	badge  loadBadge
	device string

	mu           sync.Mutex
	cookie, csrf string
}

// signIn signs the badge in (again), as a handheld does after a 401.
func (l *loader) signIn(ctx context.Context, home int, s *staffSession) error {
	for {
		a, err := l.send(ctx, home, request{kind: kSignIn, method: http.MethodPost, path: "/ops/session",
			body: api.SignInInput{Badge: s.badge.Badge, Pin: s.badge.PIN, Device: &s.device}})
		if err != nil {
			return err
		}
		var out api.StaffSession
		if a.Status == http.StatusOK && a.decode(&out) {
			for _, c := range (&http.Response{Header: a.Header}).Cookies() {
				if c.Name == "soko_session" {
					s.mu.Lock()
					s.cookie, s.csrf = c.Value, out.CsrfToken
					s.mu.Unlock()
					return nil
				}
			}
		}
		// A locked badge (423) or a refused sign-in: wait and try again.
		if !sleep(ctx, 5*time.Second) {
			return ctx.Err()
		}
	}
}

// ackedOrders writes every acknowledged order to the file soko check
// reads, as soon as it is acknowledged, so the file is right even if the
// run is cut short.
type ackedOrders struct {
	mu  sync.Mutex
	f   *os.File
	w   *bufio.Writer
	set map[string]string // order number → merchant code
}

func newAckedOrders(path string) (*ackedOrders, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot write --acked: %v", err)
	}
	return &ackedOrders{f: f, w: bufio.NewWriter(f), set: map[string]string{}}, nil
}

func (a *ackedOrders) add(merchant, number string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.set[number]; ok {
		return
	}
	a.set[number] = merchant
	fmt.Fprintf(a.w, "%s\t%s\n", merchant, number)
	a.w.Flush()
}

func (a *ackedOrders) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.set)
}

func (a *ackedOrders) numbers() map[string]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return maps.Clone(a.set)
}

func (a *ackedOrders) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.w.Flush()
	a.f.Close()
}
