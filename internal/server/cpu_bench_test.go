package server

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/storage"
)

// cpuMeter measures the CPU time a benchmark's timed part costs, which on
// a shared machine varies far less than its rate: this process's (soko's
// server and the benchmark's clients) and, when PostgreSQL runs on this
// machine, its server processes'.
type cpuMeter struct {
	self, db time.Duration
	dbSeen   bool
}

func startCPU(db *storage.DB) cpuMeter {
	m := cpuMeter{self: processCPU()}
	if db.Dialect() == storage.Postgres {
		m.db, m.dbSeen = postgresCPU()
	}
	return m
}

// report adds the CPU per unit (an order, a scan) since start, n units.
func (m cpuMeter) report(b *testing.B, n int, unit string) {
	if n == 0 {
		return
	}
	perUnit := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	b.ReportMetric(perUnit(processCPU()-m.self), "cpu-ms/"+unit)
	if db, seen := postgresCPU(); seen && m.dbSeen {
		b.ReportMetric(perUnit(db-m.db), "pg-cpu-ms/"+unit)
	}
}

func processCPU() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// postgresCPU sums the CPU time of this machine's postgres processes from
// /proc, with what their postmaster's exited children (backends that
// ended) used; false when there is none.
func postgresCPU() (time.Duration, bool) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false
	}
	type proc struct {
		ppid  string
		ticks int64 // own user and system time
		reap  int64 // exited children's
	}
	procs := map[string]proc{}
	for _, e := range entries {
		comm, err := os.ReadFile("/proc/" + e.Name() + "/comm")
		if err != nil || strings.TrimSpace(string(comm)) != "postgres" {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// After "pid (comm) ": state, ppid, … utime (11), stime (12), cutime (13), cstime (14).
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) < 15 {
			continue
		}
		n := func(i int) int64 { v, _ := strconv.ParseInt(f[i], 10, 64); return v }
		procs[e.Name()] = proc{ppid: f[1], ticks: n(11) + n(12), reap: n(13) + n(14)}
	}
	var ticks int64
	for _, p := range procs {
		ticks += p.ticks
		if _, child := procs[p.ppid]; !child {
			ticks += p.reap // the postmaster
		}
	}
	// Linux counts these in USER_HZ, 100 a second.
	return time.Duration(ticks) * 10 * time.Millisecond, len(procs) > 0
}
