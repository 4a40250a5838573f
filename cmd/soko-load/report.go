package main

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// The kinds of request a run measures, in the order the report lists them.
const (
	kOrderCreate  = "order create"
	kOrderLookup  = "order lookup"
	kOrderList    = "order list"
	kSignIn       = "sign in"
	kWave         = "wave release"
	kPickNext     = "pick next"
	kPickScan     = "pick scan"
	kStationOpen  = "station open"
	kInspectScan  = "inspect scan"
	kPack         = "pack"
	kLabel        = "label"
	kManifestOpen = "manifest open"
	kManifestGet  = "manifest refresh"
	kHandoverScan = "handover scan"
	kClose        = "manifest close"
)

var loadKinds = []string{kOrderCreate, kOrderLookup, kOrderList, kSignIn, kWave, kPickNext, kPickScan, kStationOpen,
	kInspectScan, kPack, kLabel, kManifestOpen, kManifestGet, kHandoverScan, kClose}

// kindStats is what one kind of request did: final answers by status,
// retries by cause, and the time each successful request's last attempt took.
type kindStats struct {
	mu       sync.Mutex
	ok       int
	expected map[int]int    // final answers that were not 2xx but are part of the work (nothing to pick yet)
	statuses map[int]int    // final answers that were neither
	samples  map[int]string // the first such answer of each status, to see why
	gaveUp   int            // never answered within the retry budget
	retries  map[string]int // by cause: "connection", "503", "429", "500", "401"
	latency  []time.Duration
}

// loadStats gathers every client's measurements.
type loadStats struct {
	kinds    map[string]*kindStats
	attempts atomic.Int64 // answered attempts, retried or not
	retries  atomic.Int64
	server   atomic.Int64 // 500 answers: bugs, never expected
}

func newLoadStats() *loadStats {
	s := &loadStats{kinds: map[string]*kindStats{}}
	for _, k := range loadKinds {
		s.kinds[k] = &kindStats{expected: map[int]int{}, statuses: map[int]int{}, samples: map[int]string{}, retries: map[string]int{}}
	}
	return s
}

func (s *loadStats) answered(kind string, a *answer, took time.Duration, expected bool) {
	status := a.Status
	k := s.kinds[kind]
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case status >= 200 && status < 300:
		k.ok++
		k.latency = append(k.latency, took)
	case expected:
		k.ok++
		k.expected[status]++
		k.latency = append(k.latency, took)
	default:
		k.statuses[status]++
		if _, ok := k.samples[status]; !ok {
			k.samples[status] = a.problem()
		}
	}
}

func (s *loadStats) retried(kind, cause string) {
	s.retries.Add(1)
	k := s.kinds[kind]
	k.mu.Lock()
	defer k.mu.Unlock()
	k.retries[cause]++
}

func (s *loadStats) abandoned(kind string) {
	k := s.kinds[kind]
	k.mu.Lock()
	defer k.mu.Unlock()
	k.gaveUp++
}

// kindReport is one line of the report.
type kindReport struct {
	Kind          string
	Requests, OK  int            // requests, and those answered 2xx or as expected
	Expected      map[int]int    // answers counted as done though not 2xx, by status
	Errors        int            // answered otherwise
	Statuses      map[int]int    // those answers by status
	Samples       map[int]string // the first of each, as the server put it
	GaveUp        int            // no answer within the retry budget
	Retries       int            // extra attempts
	RetryCauses   map[string]int // those attempts by cause
	PerSecond     float64
	P50, P95, P99 time.Duration
	Max           time.Duration
}

// loadReport is what a run measured and the state it left.
type loadReport struct {
	Elapsed  time.Duration
	Kinds    []kindReport
	Sent     int // orders sent at least once
	Acked    int // orders the API acknowledged (201, or 200 on a lookup)
	NotAcked int // orders never acknowledged within the retry budget
	// Statuses are the orders by status, as the API lists them at the end.
	Statuses map[string]int
	// Shipped are acknowledged orders the API lists as shipped at the end;
	// Unlisted are acknowledged orders it does not list at all.
	Shipped, Unlisted int
	ServerErrors      int
	Webhooks          webhookReport
	AckedFile         string
}

// kindReports sums up each kind of request.
func (l *loader) kindReports(elapsed time.Duration) []kindReport {
	var out []kindReport
	for _, name := range loadKinds {
		k := l.stats.kinds[name]
		k.mu.Lock()
		r := kindReport{Kind: name, OK: k.ok, GaveUp: k.gaveUp, Expected: maps.Clone(k.expected), Statuses: maps.Clone(k.statuses), Samples: maps.Clone(k.samples), RetryCauses: maps.Clone(k.retries)}
		lat := slices.Clone(k.latency)
		k.mu.Unlock()
		for _, n := range r.Statuses {
			r.Errors += n
		}
		for _, n := range r.RetryCauses {
			r.Retries += n
		}
		r.Requests = r.OK + r.Errors + r.GaveUp
		r.PerSecond = float64(r.OK) / elapsed.Seconds()
		slices.Sort(lat)
		r.P50, r.P95, r.P99 = percentile(lat, 0.50), percentile(lat, 0.95), percentile(lat, 0.99)
		if len(lat) > 0 {
			r.Max = lat[len(lat)-1]
		}
		out = append(out, r)
	}
	return out
}

// percentile is the q-quantile of sorted durations, nearest rank.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
}

// printReport prints the figures of a run: per kind of request, the end
// state and the notifications received.
func (l *loader) printReport(r *loadReport) {
	out := l.out
	fmt.Fprintf(out, "\nsoko-load %s against %d servers, %s\n\n", l.run, len(l.o.targets), r.Elapsed.Round(100*time.Millisecond))
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "request\trequests\tok\terrors\tgave up\tretries\tok/s\tp50\tp95\tp99\tmax\t")
	for _, k := range r.Kinds {
		if k.Requests == 0 && k.Retries == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%.1f\t%s\t%s\t%s\t%s\t\n", k.Kind, k.Requests, k.OK, k.Errors, k.GaveUp, k.Retries, k.PerSecond, ms(k.P50), ms(k.P95), ms(k.P99), ms(k.Max))
	}
	tw.Flush()
	fmt.Fprintln(out)
	for _, k := range r.Kinds {
		if len(k.Statuses) == 0 && len(k.RetryCauses) == 0 && len(k.Expected) == 0 {
			continue
		}
		fmt.Fprintf(out, "  %-16s as expected: %s; errors: %s; retries after: %s\n", k.Kind, countsOf(k.Expected), countsOf(k.Statuses), countsOf(k.RetryCauses))
		for status, sample := range k.Samples {
			fmt.Fprintf(out, "  %-16s   first %d: %s\n", "", status, sample)
		}
	}
	var statuses []string
	for s, n := range r.Statuses {
		statuses = append(statuses, fmt.Sprintf("%s %d", s, n))
	}
	sort.Strings(statuses)
	fmt.Fprintf(out, "\norders: %d sent, %d acknowledged, %d never acknowledged; acknowledged and shipped: %d; acknowledged but not listed by the API: %d\n",
		r.Sent, r.Acked, r.NotAcked, r.Shipped, r.Unlisted)
	fmt.Fprintf(out, "end state (orders by status, from the API): %s\n", strings.Join(statuses, ", "))
	if w := r.Webhooks; w.Listening {
		fmt.Fprintf(out, "webhooks received: %d events (%s), %d repeats, %d with a bad signature\n", w.Events, countsOf(w.ByType), w.Repeats, w.Forged)
	}
	fmt.Fprintf(out, "server errors (500): %d\n", r.ServerErrors)
	fmt.Fprintf(out, "acknowledged orders written to %s (soko check --orders %s)\n", r.AckedFile, r.AckedFile)
	fmt.Fprintf(out, "summary: elapsed=%s acked=%d shipped=%d shipped_per_s=%.1f requests=%d retries=%d server_errors=%d unlisted=%d\n",
		r.Elapsed.Round(time.Second), r.Acked, r.Shipped, float64(r.Shipped)/r.Elapsed.Seconds(), l.stats.attempts.Load(), l.stats.retries.Load(), r.ServerErrors, r.Unlisted)
}

// countsOf prints a tally in a stable order, "none" when empty.
func countsOf[K comparable](m map[K]int) string {
	var parts []string
	for k, n := range m {
		parts = append(parts, fmt.Sprintf("%v×%d", k, n))
	}
	if len(parts) == 0 {
		return "none"
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// webhookSink is the merchants' webhook endpoint: it checks each event's
// signature with its merchant's secret and counts events by id, so that a
