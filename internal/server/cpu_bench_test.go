package server

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/soko-wms/soko/internal/storage"
)

// cpuMeter measures the CPU time a benchmark's timed part costs, which on
// a shared machine varies less than its rate: this process's (soko's
// server and the benchmark's clients) and, when the benchmark's PostgreSQL
// runs on this machine, its server's: the postmaster and its children
// (backends, autovacuum, the WAL writer), the exited ones included.
type cpuMeter struct {
	self, db   time.Duration
	postmaster string // "" when unknown
}

func startCPU(db *storage.DB) cpuMeter {
	m := cpuMeter{self: processCPU()}
	if db.Dialect() == storage.Postgres {
		m.postmaster = postmasterPID()
		m.db = postgresCPU(m.postmaster)
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
	if m.postmaster != "" {
		b.ReportMetric(perUnit(postgresCPU(m.postmaster)-m.db), "pg-cpu-ms/"+unit)
	}
}

func processCPU() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// postmasterPID finds the benchmark's PostgreSQL server on this machine:
// the parent of a backend serving SOKO_TEST_POSTGRES, or "" when that
// backend is not a process here.
func postmasterPID() string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, os.Getenv("SOKO_TEST_POSTGRES"))
	if err != nil {
		return ""
	}
	defer conn.Close(ctx)
	var backend int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		return ""
	}
	// Not a process here (a server elsewhere, or in a container) unless
	// both are named postgres.
	f := procStat(strconv.Itoa(backend))
	if f == nil || !isPostgres(strconv.Itoa(backend)) || !isPostgres(f[1]) {
		return ""
	}
	return f[1]
}

func isPostgres(pid string) bool {
	comm, err := os.ReadFile("/proc/" + pid + "/comm")
	return err == nil && strings.TrimSpace(string(comm)) == "postgres"
}

// procStat returns the fields of /proc/<pid>/stat after "pid (comm)":
// state, ppid, … utime (11), stime (12), cutime (13), cstime (14).
func procStat(pid string) []string {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return nil
	}
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(f) < 15 {
		return nil
	}
	return f
}

// postgresCPU is the CPU time the postmaster and its children used, the
// exited ones counted in the postmaster's (Linux counts in USER_HZ, 100 a
// second).
func postgresCPU(postmaster string) time.Duration {
	ticks := func(f []string, from int) int64 {
		a, _ := strconv.ParseInt(f[from], 10, 64)
		b, _ := strconv.ParseInt(f[from+1], 10, 64)
		return a + b
	}
	var n int64
	if f := procStat(postmaster); f != nil {
		n += ticks(f, 11) + ticks(f, 13)
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if f := procStat(e.Name()); f != nil && f[1] == postmaster {
			n += ticks(f, 11)
		}
	}
	return time.Duration(n) * 10 * time.Millisecond
}
