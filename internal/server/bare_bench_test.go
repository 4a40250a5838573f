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
	"net/url"
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
// one UPDATE. A shelf scan is one statement that checks the shelf's code,
// confirms it and records the scan. An item scan is one statement that
// checks the barcode, takes the units from the shelf, writes the ledger
// line and the scan's record, and finishes the order when it was its
// last open task.
//
// It checks less than soko must: no order status, no retried scan's
// answer, no order history, no wave, a task claimed at a time where soko
// claims a pick list (two pickers ending one order's last two tasks at
// once would each see the other's open; this seed's orders have one
// task), and a refused stock guard does not undo the rest. So it is a
// ceiling for a server that commits once a scan and keeps the stock
// ledger and the scan records, not a server to ship: what soko's figure
// is measured against, beside pgbench -N, to tell what the machine
// allows from what soko costs.
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
	pickers := make([]*benchHandheld, handhelds)
	for i := range pickers {
		pickers[i] = signInHandheld(b, srv.URL, fmt.Sprintf("H%03d", i))
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM staff WHERE badge_code = $1`, pickers[i].badge).Scan(&id); err != nil {
			b.Fatal(err)
		}
		server.staff[pickers[i].session()] = id
	}
	bare := httptest.NewServer(server)
	defer bare.Close()
	for _, p := range pickers {
		p.base = bare.URL
	}
	pickTimed(b, db, pickers, warmups, 0)
	// Every order was picked, each with its ledger line.
	var unpicked, tasks, lines int
	if err := pool.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM orders WHERE status <> 'picked'),
		(SELECT COUNT(*) FROM pick_tasks), (SELECT COUNT(*) FROM stock_movements WHERE kind = 'pick')`).Scan(&unpicked, &tasks, &lines); err != nil {
		b.Fatal(err)
	}
	if unpicked > 0 || lines != tasks {
		b.Fatalf("%d orders not picked; %d ledger lines for %d tasks", unpicked, lines, tasks)
	}
}

// bareScans serves BenchmarkPickScans_Bare's handhelds.
type bareScans struct {
	pool  *pgxpool.Pool
	staff map[string]int64 // by session cookie, written before serving
}

func (s *bareScans) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		http.Error(w, "sign in", http.StatusUnauthorized)
		return
	}
	staff, ok := s.staff[c.Value]
	if !ok {
		http.Error(w, "sign in", http.StatusUnauthorized)
		return
	}
	if r.URL.Path == "/ops/picks/next" {
		s.next(w, r, staff)
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
	s.scan(w, r, staff, id, scan.ScanID, scan.Code, scan.Quantity)
}

// next gives the picker their open task, or claims the first unclaimed one.
func (s *bareScans) next(w http.ResponseWriter, r *http.Request, staff int64) {
	var task struct {
		ID        int64  `json:"id"`
		Remaining int    `json:"remaining"`
		Location  string `json:"location"`
	}
	err := s.pool.QueryRow(r.Context(), `UPDATE pick_tasks p SET staff_id = $1
		WHERE p.id = COALESCE(
			(SELECT id FROM pick_tasks WHERE staff_id = $1 AND status = 'open' ORDER BY sequence, id LIMIT 1),
			(SELECT id FROM pick_tasks WHERE staff_id IS NULL AND status = 'open' ORDER BY wave_id, sequence, id LIMIT 1 FOR UPDATE SKIP LOCKED))
		RETURNING p.id, p.quantity - p.picked, (SELECT code FROM locations l WHERE l.id = p.location_id)`, staff).
		Scan(&task.ID, &task.Remaining, &task.Location)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		http.Error(w, "nothing to pick", http.StatusNotFound)
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	default:
		json.NewEncoder(w).Encode(task)
	}
}

// scan confirms the shelf (no quantity) or takes quantity units.
func (s *bareScans) scan(w http.ResponseWriter, r *http.Request, staff, task int64, scanID, code string, quantity int) {
	const record = `INSERT INTO scan_events (scan_id, staff_id, device, step, code, result, order_id, status_code, created_at)
		SELECT $3, $2, 'bare', 'pick', $4, 'ok', t.order_id, 200, now() FROM t`
	var done int
	var err error
	if quantity == 0 {
		err = s.pool.QueryRow(r.Context(), `WITH t AS (UPDATE pick_tasks SET location_confirmed = TRUE
			WHERE id = $1 AND staff_id = $2 AND status = 'open'
				AND $4 = (SELECT code FROM locations l WHERE l.id = location_id) RETURNING order_id),
			e AS (`+record+`) SELECT COUNT(*) FROM t`, task, staff, scanID, code).Scan(&done)
	} else {
		err = s.pool.QueryRow(r.Context(), `WITH t AS (UPDATE pick_tasks SET picked = picked + $5,
				status = CASE WHEN picked + $5 = quantity THEN 'done' ELSE status END
			WHERE id = $1 AND staff_id = $2 AND status = 'open' AND location_confirmed AND picked + $5 <= quantity
				AND EXISTS (SELECT 1 FROM product_barcodes b WHERE b.product_id = pick_tasks.product_id AND b.code = $4)
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
			if errors.Is(err, pgx.ErrNoRows) {
				return false, nil
			}
			return err == nil, err
		})
	})
	b.Run("sqlite", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "bare.db")
		db := mustBareIntakeDB(b, path)
		sb, err := openSQLiteBare(path)
		if err != nil {
			b.Fatal(err)
		}
		defer sb.close()
		benchmarkBareIntake(b, db, sb.take)
	})
}

// sqliteBare writes BenchmarkCreateOrder_Bare's orders on SQLite with the
// least of what soko's writer does: its one connection takes the orders
// waiting together into one transaction (one commit for all), with
// statements prepared once.
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
	// soko's settings (storage.sqliteDSN), its times written as it reads them.
	conn, err := sql.Open("sqlite3", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)&_txlock=immediate"+
		"&_timefmt="+url.QueryEscape("2006-01-02T15:04:05.000000Z07:00"))
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	sb := &sqliteBare{conn: conn, queue: make(chan barePending, 64), done: make(chan struct{})}
	for _, q := range []string{
		`INSERT INTO idempotency_keys (merchant_id, key, request_hash, status_code, content_type, response_body, created_at)
			SELECT id, ?, '', 201, 'application/json', ?, ? FROM merchants WHERE code = ? ON CONFLICT DO NOTHING RETURNING merchant_id`,
		`INSERT INTO orders (merchant_id, number, status, recipient_postal_code, recipient_prefecture, recipient_city, recipient_street, recipient_name, recipient_phone, created_at, updated_at)
			VALUES (?, ?, 'backordered', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		`INSERT INTO order_lines (order_id, product_id, quantity, tax_rate)
			SELECT ?, p.id, x.value ->> 'quantity', p.tax_rate FROM json_each(?) x JOIN products p ON p.merchant_id = ? AND p.sku = x.value ->> 'sku'`,
		`INSERT INTO order_events (order_id, seq, action, from_status, to_status, created_at) VALUES (?, 1, 'created', '', 'backordered', ?)`,
	} {
		st, err := conn.Prepare(q)
		if err != nil {
			conn.Close()
			return nil, err
		}
		sb.stmts = append(sb.stmts, st)
	}
	go sb.write()
	return sb, nil
}

func (sb *sqliteBare) take(ctx context.Context, o *bareOrder) (bool, error) {
	p := barePending{o, make(chan error, 1)}
	sb.queue <- p
	switch err := <-p.taken; err {
	case nil:
		return true, nil
	case errBareTaken:
		return false, nil
	default:
		return false, err
	}
}

// write commits what waits in the queue, a transaction at a time: the
// first order waiting and those queued behind it, without waiting for
// more (soko's writer waits a little for a group to fill).
func (sb *sqliteBare) write() {
	defer close(sb.done)
	for p := range sb.queue {
		group := []barePending{p}
	gather:
		for len(group) < cap(sb.queue) {
			select {
			case next, ok := <-sb.queue:
				if !ok {
					break gather
				}
				group = append(group, next)
			default:
				break gather
			}
		}
		outcomes, err := sb.writeGroup(group)
		for i, p := range group {
			if err != nil {
				p.taken <- err
			} else {
				p.taken <- outcomes[i]
			}
		}
	}
}

// writeGroup writes group's orders in one transaction. One failing fails
// them all: soko gives each its own savepoint.
func (sb *sqliteBare) writeGroup(group []barePending) ([]error, error) {
	tx, err := sb.conn.Begin()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	key, order, lines, event := tx.Stmt(sb.stmts[0]), tx.Stmt(sb.stmts[1]), tx.Stmt(sb.stmts[2]), tx.Stmt(sb.stmts[3])
	outcomes := make([]error, len(group))
	for i, p := range group {
		o := p.o
		var merchant, id int64
		now := time.Now().UTC()
		switch err := key.QueryRow(o.key, o.answer, now, o.merchant).Scan(&merchant); {
		case errors.Is(err, sql.ErrNoRows):
			outcomes[i] = errBareTaken
			continue
		case err != nil:
			return nil, err
		}
		if err := order.QueryRow(merchant, o.Number, o.ShipTo.PostalCode, o.ShipTo.Prefecture, o.ShipTo.City,
			o.ShipTo.Address1, o.ShipTo.Name, o.ShipTo.Phone, now, now).Scan(&id); err != nil {
			return nil, err
		}
		asked, _ := json.Marshal(o.Lines)
		if _, err := lines.Exec(id, string(asked), merchant); err != nil {
			return nil, err
		}
		if _, err := event.Exec(id, now); err != nil {
			return nil, err
		}
	}
	return outcomes, tx.Commit()
}

func (sb *sqliteBare) close() {
	close(sb.queue)
	<-sb.done
	sb.conn.Close()
}

// mustMigrated opens and migrates the database at u (a URL the bare
// server opens too), closed when the benchmark ends.
func mustMigrated(b *testing.B, u string) *storage.DB {
	b.Helper()
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
	b.Helper()
	db := mustMigrated(b, u)
	if err := db.Load(context.Background(), intakeSeed(0)); err != nil {
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
	b.StopTimer()
	// Every order was written, with both its lines.
	ctx := context.Background()
	counts, err := db.CountOrdersByStatus(ctx)
	if err != nil || counts[soko.OrderBackordered] != int(n) {
		b.Fatalf("orders by status %v (%v), want %d backordered", counts, err, n)
	}
	m, err := db.FindMerchantByCode(ctx, "SAKURA")
	if err != nil {
		b.Fatal(err)
	}
	if last, err := db.FindOrder(ctx, m.ID, fmt.Sprintf("B-bare-%d", n)); err != nil || len(last.Lines) != 2 {
		b.Fatalf("the last order: %+v (%v), want its 2 lines", last, err)
	}
}

// bareIntake serves BenchmarkCreateOrder_Bare's clients.
type bareIntake struct {
	keys map[string]string // merchant code by Authorization header
	take func(context.Context, *bareOrder) (bool, error)
}

func (in *bareIntake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	merchant, ok := in.keys[r.Header.Get("Authorization")]
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
	taken, err := in.take(r.Context(), o)
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
