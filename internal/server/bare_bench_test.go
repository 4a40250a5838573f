package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// BenchmarkPickScans_Bare is BenchmarkPickScans_Postgres/flat-out's
// handhelds, database and floor served by the least a pick could be: no
// echo, no gorm, no middleware, a session looked up in a map, and one
// statement a request, each its own transaction. Taking the next task is
// one UPDATE; a shelf scan one statement that confirms the shelf and
// records the scan; an item scan one statement that takes the units from
// the shelf, writes the ledger line and the scan's record, and finishes
// the order when it was its last task. It checks less than soko must (no
// order status, no retried scan's answer, no order history, no wave, and
// a refused stock guard does not undo the rest), so it is a ceiling for
// any server that keeps the stock ledger and the scan records, not a
// server to ship: what soko's figure is measured against, beside
// pgbench -N, to tell what the machine allows from what soko costs.
func BenchmarkPickScans_Bare(b *testing.B) {
	if os.Getenv("SOKO_TEST_POSTGRES") == "" {
		b.Skip("SOKO_TEST_POSTGRES not set")
	}
	const handhelds, ordersEach, warmups = 100, 4, 4
	ctx := context.Background()
	u := storagetest.MustPostgresSchemaURL(b)
	db := mustMigrated(b, u)
	seedPickFloor(b, db, handhelds, ordersEach*b.N+warmups)
	srv := httptest.NewServer(New(Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	pool, err := pgxpool.New(ctx, u+"&pool_max_conns=20")
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	server := &bareScans{pool: pool, staff: map[string]int64{}}
	bare := httptest.NewServer(server)
	defer bare.Close()

	pickers := make([]*benchHandheld, handhelds)
	for i := range pickers {
		pickers[i] = signInHandheld(b, srv.URL, fmt.Sprintf("H%03d", i))
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM staff WHERE badge_code = $1`, pickers[i].badge).Scan(&id); err != nil {
			b.Fatal(err)
		}
		server.staff[pickers[i].session()] = id
		pickers[i].base = bare.URL
	}
	for i := 0; i < warmups; i++ {
		releaseWave(b, db, soko.WaveRequest{Mode: soko.WaveSingle, MaxOrders: handhelds})
		pickAll(b, pickers, 0)
	}
	releaseWave(b, db, soko.WaveRequest{Mode: soko.WaveSingle})
	b.ResetTimer()
	cpu, start := startCPU(db), time.Now()
	latencies := pickAll(b, pickers, 0)
	elapsed := time.Since(start)
	b.StopTimer()
	cpu.report(b, len(latencies), "scan")
	b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "scans/s")
}

// bareScans serves BenchmarkPickScans_Bare's handhelds.
type bareScans struct {
	pool  *pgxpool.Pool
	staff map[string]int64 // by session cookie, written before serving
}

func (f *bareScans) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		http.Error(w, "sign in", http.StatusUnauthorized)
		return
	}
	staff, ok := f.staff[c.Value]
	if !ok {
		http.Error(w, "sign in", http.StatusUnauthorized)
		return
	}
	if r.URL.Path == "/ops/picks/next" {
		f.next(w, r, staff)
		return
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/ops/picks/"), "/scan"), 10, 64)
	var scan struct {
		ScanID   string `json:"scan_id"`
		Code     string `json:"code"`
		Quantity int    `json:"quantity"`
	}
	if err != nil || json.NewDecoder(r.Body).Decode(&scan) != nil {
		http.Error(w, "bad scan", http.StatusBadRequest)
		return
	}
	f.scan(w, r, staff, id, scan.ScanID, scan.Code, scan.Quantity)
}

// next gives the picker their open task, or claims the first unclaimed one.
func (f *bareScans) next(w http.ResponseWriter, r *http.Request, staff int64) {
	var task struct {
		ID        int64  `json:"id"`
		Remaining int    `json:"remaining"`
		Location  string `json:"location"`
	}
	err := f.pool.QueryRow(r.Context(), `UPDATE pick_tasks p SET staff_id = $1
		WHERE p.id = COALESCE(
			(SELECT id FROM pick_tasks WHERE staff_id = $1 AND status = 'open' ORDER BY sequence, id LIMIT 1),
			(SELECT id FROM pick_tasks WHERE staff_id IS NULL AND status = 'open' ORDER BY wave_id, sequence, id LIMIT 1 FOR UPDATE SKIP LOCKED))
		RETURNING p.id, p.quantity - p.picked, (SELECT code FROM locations l WHERE l.id = p.location_id)`, staff).
		Scan(&task.ID, &task.Remaining, &task.Location)
	switch {
	case err == pgx.ErrNoRows:
		http.Error(w, "nothing to pick", http.StatusNotFound)
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	default:
		json.NewEncoder(w).Encode(task)
	}
}

// scan confirms the shelf (no quantity) or takes quantity units.
func (f *bareScans) scan(w http.ResponseWriter, r *http.Request, staff, task int64, scanID, code string, quantity int) {
	const record = `INSERT INTO scan_events (scan_id, staff_id, device, step, code, result, order_id, status_code, created_at)
		SELECT $3, $2, 'bare', 'pick', $4, 'ok', t.order_id, 200, now() FROM t`
	var done int
	var err error
	if quantity == 0 {
		err = f.pool.QueryRow(r.Context(), `WITH t AS (UPDATE pick_tasks SET location_confirmed = TRUE
			WHERE id = $1 AND staff_id = $2 AND status = 'open' RETURNING order_id),
			e AS (`+record+`) SELECT COUNT(*) FROM t`, task, staff, scanID, code).Scan(&done)
	} else {
		err = f.pool.QueryRow(r.Context(), `WITH t AS (UPDATE pick_tasks SET picked = picked + $5,
				status = CASE WHEN picked + $5 = quantity THEN 'done' ELSE status END
			WHERE id = $1 AND staff_id = $2 AND status = 'open' AND location_confirmed AND picked + $5 <= quantity
			RETURNING allocation_id, order_id, status),
			a AS (UPDATE allocations SET picked = picked + $5 FROM t WHERE allocations.id = t.allocation_id RETURNING allocations.stock_id),
			s AS (UPDATE stock SET on_hand = on_hand - $5, allocated = allocated - $5 FROM a
				WHERE stock.id = a.stock_id AND stock.allocated >= $5 RETURNING stock.id),
			m AS (INSERT INTO stock_movements (stock_id, kind, on_hand_delta, allocated_delta, staff_id, reason, document_type, document_id, scan_id, created_at)
				SELECT s.id, 'pick', -$5, -$5, $2, 'pick', 'order', t.order_id, $3, now() FROM s, t),
			o AS (UPDATE orders SET status = 'picked', updated_at = now() FROM t WHERE orders.id = t.order_id AND t.status = 'done'
				AND NOT EXISTS (SELECT 1 FROM pick_tasks x WHERE x.order_id = t.order_id AND x.status = 'open' AND x.id <> $1)),
			e AS (`+record+`) SELECT COUNT(*) FROM s`, task, staff, scanID, code, quantity).Scan(&done)
	}
	switch {
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	case done == 0:
		http.Error(w, "refused", http.StatusConflict)
	default:
		io.WriteString(w, `{"ok":true}`)
	}
}

// BenchmarkCreateOrder_Bare is BenchmarkCreateOrder_*/backordered's 50
// clients and requests served by the least taking an order could be: no
// echo, no gorm, no middleware, the API key looked up in a map, and one
// transaction an order that claims its Idempotency-Key with the answer,
// and writes the order, its lines and its event: one statement on
// PostgreSQL, four on SQLite (which cannot write in a WITH). It does not
// validate the order, look for stock, tell the shop, nor feed the stock
// figures, so it is a ceiling for any server that keeps orders and their
// answers, what soko's intake is measured against beside pgbench -N.
func BenchmarkCreateOrder_Bare(b *testing.B) {
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv("SOKO_TEST_POSTGRES") == "" {
			b.Skip("SOKO_TEST_POSTGRES not set")
		}
		u := storagetest.MustPostgresSchemaURL(b)
		db := mustBareIntakeDB(b, u)
		pool, err := pgxpool.New(context.Background(), u+"&pool_max_conns=20")
		if err != nil {
			b.Fatal(err)
		}
		defer pool.Close()
		benchmarkBareIntake(b, db, func(ctx context.Context, o *bareOrder) (bool, error) {
			var id int64
			err := pool.QueryRow(ctx, `WITH k AS (INSERT INTO idempotency_keys (merchant_id, key, request_hash, status_code, content_type, response_body, created_at)
					SELECT id, $1, '', 201, 'application/json', $2, now() FROM merchants WHERE code = $3 ON CONFLICT DO NOTHING RETURNING merchant_id),
				o AS (INSERT INTO orders (merchant_id, number, status, recipient_postal_code, recipient_prefecture, recipient_city, recipient_street, recipient_name, recipient_phone, created_at, updated_at)
					SELECT merchant_id, $4, 'backordered', $5, $6, $7, $8, $9, $10, now(), now() FROM k RETURNING id, merchant_id),
				l AS (INSERT INTO order_lines (order_id, product_id, quantity, tax_rate)
					SELECT o.id, p.id, x.q, p.tax_rate FROM o CROSS JOIN unnest($11::text[], $12::int[]) AS x(sku, q) JOIN products p ON p.merchant_id = o.merchant_id AND p.sku = x.sku),
				e AS (INSERT INTO order_events (order_id, seq, action, from_status, to_status, created_at)
					SELECT id, 1, 'created', '', 'backordered', now() FROM o)
				SELECT id FROM o`, o.key, o.answer, o.merchant, o.Number,
				o.ShipTo.PostalCode, o.ShipTo.Prefecture, o.ShipTo.City, o.ShipTo.Address1, o.ShipTo.Name, o.ShipTo.Phone, o.skus(), o.quantities()).Scan(&id)
			if err == pgx.ErrNoRows {
				return false, nil
			}
			return err == nil, err
		})
	})
	b.Run("sqlite", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "bare.db")
		db := mustBareIntakeDB(b, path)
		f, err := openSQLiteBare(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.close()
		benchmarkBareIntake(b, db, f.take)
	})
}

// sqliteBare writes BenchmarkCreateOrder_Bare's orders on SQLite as
// soko does at the least: its one writer takes the orders waiting
// together into one transaction (one commit for all), with statements
// prepared once.
type sqliteBare struct {
	conn  *sql.DB
	stmts []*sql.Stmt // the key, the order, its lines, its event
	queue chan barePending
	done  chan struct{}
}

type barePending struct {
	o     *bareOrder
	taken chan error // nil, errBareTaken or the error
}

var errBareTaken = errors.New("the key was taken")

func openSQLiteBare(path string) (*sqliteBare, error) {
	conn, err := sql.Open("sqlite3", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	f := &sqliteBare{conn: conn, queue: make(chan barePending, 64), done: make(chan struct{})}
	for _, q := range []string{
		`INSERT INTO idempotency_keys (merchant_id, key, request_hash, status_code, content_type, response_body, created_at)
			SELECT id, ?, '', 201, 'application/json', ?, datetime('now') FROM merchants WHERE code = ? ON CONFLICT DO NOTHING RETURNING merchant_id`,
		`INSERT INTO orders (merchant_id, number, status, recipient_postal_code, recipient_prefecture, recipient_city, recipient_street, recipient_name, recipient_phone, created_at, updated_at)
			VALUES (?, ?, 'backordered', ?, ?, ?, ?, ?, ?, datetime('now'), datetime('now')) RETURNING id`,
		`INSERT INTO order_lines (order_id, product_id, quantity, tax_rate)
			SELECT ?, p.id, x.value ->> 'quantity', p.tax_rate FROM json_each(?) x JOIN products p ON p.merchant_id = ? AND p.sku = x.value ->> 'sku'`,
		`INSERT INTO order_events (order_id, seq, action, from_status, to_status, created_at) VALUES (?, 1, 'created', '', 'backordered', datetime('now'))`,
	} {
		st, err := conn.Prepare(q)
		if err != nil {
			conn.Close()
			return nil, err
		}
		f.stmts = append(f.stmts, st)
	}
	go f.write()
	return f, nil
}

func (f *sqliteBare) take(ctx context.Context, o *bareOrder) (bool, error) {
	p := barePending{o, make(chan error, 1)}
	f.queue <- p
	switch err := <-p.taken; err {
	case nil:
		return true, nil
	case errBareTaken:
		return false, nil
	default:
		return false, err
	}
}

// write commits what waits in the queue, a transaction at a time.
func (f *sqliteBare) write() {
	defer close(f.done)
	for p := range f.queue {
		group := []barePending{p}
		for more := true; more && len(group) < cap(f.queue); {
			select {
			case p, ok := <-f.queue:
				if !ok {
					more = false
					break
				}
				group = append(group, p)
			default:
				more = false
			}
		}
		outcomes, err := f.writeGroup(group)
		for i, p := range group {
			if err != nil {
				p.taken <- err
			} else {
				p.taken <- outcomes[i]
			}
		}
	}
}

func (f *sqliteBare) writeGroup(group []barePending) ([]error, error) {
	tx, err := f.conn.Begin()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	outcomes := make([]error, len(group))
	for i, p := range group {
		o := p.o
		var merchant, id int64
		switch err := tx.Stmt(f.stmts[0]).QueryRow(o.key, o.answer, o.merchant).Scan(&merchant); {
		case err == sql.ErrNoRows:
			outcomes[i] = errBareTaken
			continue
		case err != nil:
			return nil, err
		}
		if err := tx.Stmt(f.stmts[1]).QueryRow(merchant, o.Number, o.ShipTo.PostalCode, o.ShipTo.Prefecture, o.ShipTo.City,
			o.ShipTo.Address1, o.ShipTo.Name, o.ShipTo.Phone).Scan(&id); err != nil {
			return nil, err
		}
		lines, _ := json.Marshal(o.Lines)
		if _, err := tx.Stmt(f.stmts[2]).Exec(id, string(lines), merchant); err != nil {
			return nil, err
		}
		if _, err := tx.Stmt(f.stmts[3]).Exec(id); err != nil {
			return nil, err
		}
	}
	return outcomes, tx.Commit()
}

func (f *sqliteBare) close() {
	close(f.queue)
	<-f.done
	f.conn.Close()
}

// mustMigrated opens and migrates the database at u (a URL the bare
// server opens too), closed when the benchmark ends.
func mustMigrated(b *testing.B, u string) *storage.DB {
	ctx := context.Background()
	db, err := storage.Open(ctx, u)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return db
}

// mustBareIntakeDB is mustMigrated, seeded as BenchmarkCreateOrder_* is.
func mustBareIntakeDB(b *testing.B, u string) *storage.DB {
	db := mustMigrated(b, u)
	seed := apiSeed()
	for _, p := range intakeProducts {
		seed.Products = append(seed.Products, soko.SeedProduct{MerchantCode: "SAKURA", Product: p})
	}
	if err := db.Load(context.Background(), seed); err != nil {
		b.Fatal(err)
	}
	return db
}

// bareOrder is the part of a new order the bare server keeps, with its
// merchant, its Idempotency-Key and the answer it is given.
type bareOrder struct {
	Number string `json:"order_no"`
	ShipTo struct {
		Name       string `json:"name"`
		PostalCode string `json:"postal_code"`
		Prefecture string `json:"prefecture"`
		City       string `json:"city"`
		Address1   string `json:"address1"`
		Phone      string `json:"phone"`
	} `json:"ship_to"`
	Lines []struct {
		SKU      string `json:"sku"`
		Quantity int    `json:"quantity"`
	} `json:"lines"`

	merchant, key string
	answer        []byte
}

func (o *bareOrder) skus() []string {
	out := make([]string, len(o.Lines))
	for i, l := range o.Lines {
		out[i] = l.SKU
	}
	return out
}

func (o *bareOrder) quantities() []int32 {
	out := make([]int32, len(o.Lines))
	for i, l := range o.Lines {
		out[i] = int32(l.Quantity)
	}
	return out
}

// benchmarkBareIntake serves sendOrders' clients with take, which writes
// an order and reports whether its key was new.
func benchmarkBareIntake(b *testing.B, db *storage.DB, take func(context.Context, *bareOrder) (bool, error)) {
	bare := httptest.NewServer(&bareIntake{keys: map[string]string{"Bearer " + keySakura: "SAKURA"}, take: take})
	defer bare.Close()
	b.ResetTimer()
	cpu, start := startCPU(db), time.Now()
	n := sendOrders(b, bare.URL, "bare")
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "orders/s")
	cpu.report(b, int(n), "order")
}

// bareIntake serves BenchmarkCreateOrder_Bare's clients.
type bareIntake struct {
	keys map[string]string // merchant code by Authorization header
	take func(context.Context, *bareOrder) (bool, error)
}

func (f *bareIntake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	merchant, ok := f.keys[r.Header.Get("Authorization")]
	if !ok {
		http.Error(w, "no key", http.StatusUnauthorized)
		return
	}
	o := &bareOrder{merchant: merchant, key: r.Header.Get("Idempotency-Key")}
	if err := json.NewDecoder(r.Body).Decode(o); err != nil {
		http.Error(w, "bad order", http.StatusBadRequest)
		return
	}
	o.answer, _ = json.Marshal(map[string]string{"order_no": o.Number, "status": "backordered"})
	taken, err := f.take(r.Context(), o)
	switch {
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	case !taken:
		http.Error(w, "already taken", http.StatusConflict)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(o.answer)
	}
}
