package server

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// benchmarkStationSteps takes orders one after another across the floor
// over HTTP, as shippingSite does (an order of two towels and a mug: wave,
// picks, inspect, pack, label, handover), and reports each step's mean
// time a request. One request runs at a time, so a request's time is
// what it costs the server and the database. Each station step is also
// reported as a multiple of a unit's pick scan, the bar being
// 1.5 ×. A first order, not counted, warms the connections and caches.
func benchmarkStationSteps(b *testing.B, db *storage.DB) {
	s := mustShippingSiteWith(b, db, 2*(b.N+1), b.N+1)
	s.createOrder("WARM")
	s.ship("WARM")
	clear(s.spent)
	clear(s.requests)
	b.ResetTimer()
	for i := range b.N {
		no := fmt.Sprintf("SO-%d", i)
		s.createOrder(no)
		s.ship(no)
	}
	b.StopTimer()
	mean := func(steps ...string) float64 {
		var spent time.Duration
		n := 0
		for _, step := range steps {
			spent += s.spent[step]
			n += s.requests[step]
		}
		if n == 0 {
			b.Fatalf("%v: no requests", steps)
		}
		return spent.Seconds() * 1000 / float64(n)
	}
	pick := mean("pick scan", "pick scan, a unit before the task's last")
	b.ReportMetric(pick, "pick-ms")
	for _, st := range []struct{ step, name string }{{"inspect scan", "inspect"}, {"pack", "pack"}, {"label", "label"}, {"handover scan", "handover"}} {
		m := mean(st.step)
		b.ReportMetric(m, st.name+"-ms")
		b.ReportMetric(m/pick, st.name+"/pick")
	}
}

func BenchmarkStationSteps_Postgres(b *testing.B) {
	if os.Getenv("SOKO_TEST_POSTGRES") == "" {
		b.Skip("SOKO_TEST_POSTGRES not set")
	}
	benchmarkStationSteps(b, storagetest.MustOpenPostgres(b))
}

func BenchmarkStationSteps_SQLite(b *testing.B) {
	benchmarkStationSteps(b, storagetest.MustOpenSQLite(b))
}
