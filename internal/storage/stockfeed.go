package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// stockChangedDelay is how long a stock.changed webhook waits before it
// is sent: the product's changes meanwhile replace it rather than queue
// more, so a burst of allocations is one webhook with the last figure.
const stockChangedDelay = 2 * time.Second

type stockChangeRow struct {
	MerchantID int64 `gorm:"primaryKey;autoIncrement:false"`
	Seq        int64 `gorm:"primaryKey;autoIncrement:false"`
	ProductID  int64
	OnHand     int
	Allocated  int
	Held       int
	Buffer     int
	Sellable   int
	ChangedAt  time.Time
}

func (stockChangeRow) TableName() string { return "stock_changes" }

func (r stockChangeRow) figures() soko.StockFigures {
	return soko.StockFigures{OnHand: r.OnHand, Allocated: r.Allocated, Held: r.Held, Buffer: r.Buffer}
}

// stockTouched gathers what one transaction changed that the stock feed
// publishes: stock rows (every ledger line names one), shelves that began
// or ended waiting for a count, and products created or given another
// buffer or reorder point.
type stockTouched struct {
	stock, locations, products map[int64]bool
	// productOf is the product of stock rows whose product the step that
	// moved them knew (noteStockProducts), so the feed need not look it up.
	productOf map[int64]int64
}

type stockTouchedKey struct{}

func newStockTouched() *stockTouched {
	return &stockTouched{stock: map[int64]bool{}, locations: map[int64]bool{}, products: map[int64]bool{}, productOf: map[int64]int64{}}
}

// noteStockProducts tells the feed the products of stock rows the
// transaction moves, which it would otherwise read (productsTouched).
func noteStockProducts(tx *gorm.DB, productOf map[int64]int64) {
	if t := touchedIn(tx); t != nil {
		maps.Copy(t.productOf, productOf)
	}
}

func (t *stockTouched) empty() bool {
	return len(t.stock) == 0 && len(t.locations) == 0 && len(t.products) == 0
}

// moved notes the stock row of a ledger line, unless the line takes on
// hand and allocated by the same units (a pick): the free units, which
// the feed, the shortage alerts and sets' figures are made of, stay
// (soko.StockFigures.SameForSale), so the feed costs a pick nothing.
func (t *stockTouched) moved(m stockMovementRow) {
	if m.OnHandDelta != m.AllocatedDelta {
		t.stock[m.StockID] = true
	}
}

// touchedIn returns the collector of tx's transaction, nil outside transact.
func touchedIn(tx *gorm.DB) *stockTouched {
	if tx.Statement == nil || tx.Statement.Context == nil {
		return nil
	}
	t, _ := tx.Statement.Context.Value(stockTouchedKey{}).(*stockTouched)
	return t
}

// errOutsideTransaction stops a stock change made outside transact, which
// would be missing from the feed.
var errOutsideTransaction = errors.New("storage: stock changed outside a transaction")

// noteLocations records that the shelves' stock can or cannot be promised
// from now on (a count task opened or closed).
func noteLocations(tx *gorm.DB, ids ...int64) error {
	t := touchedIn(tx)
	if t == nil {
		return errOutsideTransaction
	}
	for _, id := range ids {
		t.locations[id] = true
	}
	return nil
}

// noteProducts records that the products' figures or alerts may have
// changed without a ledger line: a new product, buffer or reorder point.
func noteProducts(tx *gorm.DB, ids ...int64) error {
	t := touchedIn(tx)
	if t == nil {
		return errOutsideTransaction
	}
	for _, id := range ids {
		t.products[id] = true
	}
	return nil
}

// noteMovements is a gorm callback after every insert: each stock ledger
// line names a stock row whose product's figures the feed must publish.
// Hooking the insert itself, rather than every place that writes the
// ledger, keeps a new kind of movement from being left out of the feed.
func noteMovements(g *gorm.DB) {
	if g.Error != nil || g.Statement.Schema == nil || g.Statement.Schema.Table != "stock_movements" {
		return
	}
	t := touchedIn(g)
	if t == nil {
		g.AddError(errOutsideTransaction)
		return
	}
	switch d := g.Statement.Dest.(type) {
	case *stockMovementRow:
		t.moved(*d)
	case []stockMovementRow:
		for _, m := range d {
			t.moved(m)
		}
	case *[]stockMovementRow:
		for _, m := range *d {
			t.moved(m)
		}
	default:
		g.AddError(fmt.Errorf("storage: stock movements written as %T", d))
	}
}

// noteRawMovement notes a ledger line written by raw SQL (a pick's one
// statement on PostgreSQL), which noteMovements does not see: the feed
// hears of it as of a line gorm inserted, under the same rule.
func noteRawMovement(tx *gorm.DB, m stockMovementRow) error {
	t := touchedIn(tx)
	if t == nil {
		return errOutsideTransaction
	}
	t.moved(m)
	return nil
}

// figuresSQL sums a product's stock into the figures the channels see.
// Held units are those allocation cannot promise: off the pick and
// reserve shelves, or on a shelf waiting for a count.
const figuresSQL = `SELECT p.id AS product_id, COALESCE(p.stock_buffer, m.stock_buffer) AS buffer,
	COALESCE(SUM(s.on_hand), 0) AS on_hand, COALESCE(SUM(s.allocated), 0) AS allocated,
	COALESCE(SUM(CASE WHEN l.kind NOT IN ('pick', 'reserve')
	                    OR EXISTS (SELECT 1 FROM count_tasks ct WHERE ct.location_id = l.id AND ct.done_at IS NULL)
	                  THEN s.on_hand - s.allocated ELSE 0 END), 0) AS held
	FROM products p JOIN merchants m ON m.id = p.merchant_id
	LEFT JOIN stock s ON s.product_id = p.id LEFT JOIN locations l ON l.id = s.location_id
	WHERE p.id IN ? GROUP BY p.id, p.stock_buffer, m.stock_buffer`

// stockFiguresOf returns the products' figures as they stand in tx.
func stockFiguresOf(tx *gorm.DB, productIDs []int64) (map[int64]soko.StockFigures, error) {
	out := make(map[int64]soko.StockFigures, len(productIDs))
	if len(productIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ProductID                       int64
		OnHand, Allocated, Held, Buffer int
	}
	if err := tx.Raw(figuresSQL, productIDs).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ProductID] = soko.StockFigures{OnHand: r.OnHand, Allocated: r.Allocated, Held: r.Held, Buffer: r.Buffer}
	}
	return out, setFigures(tx, out)
}

// setFigures adds to the figures of the sets among figures, which are
// their pre-assembled kits' own (集合包装: on hand, allocated, held), as
// many sets as the components' free units make whole (soko.SetAvailable)
// on hand; the components carry their own allocations and holds, and the
// set's own buffer is kept back.
func setFigures(tx *gorm.DB, figures map[int64]soko.StockFigures) error {
	comps, err := componentsOf(tx, keys(figures))
	if err != nil || len(comps) == 0 {
		return err
	}
	var parts []int64
	for _, cs := range comps {
		for _, c := range cs {
			parts = append(parts, c.ProductID)
		}
	}
	slices.Sort(parts)
	// Components are never sets, so this reads their own stock.
	of, err := stockFiguresOf(tx, slices.Compact(parts))
	if err != nil {
		return err
	}
	free := make(map[int64]int, len(of))
	for id, f := range of {
		free[id] = f.OnHand - f.Allocated - f.Held
	}
	for id, cs := range comps {
		f := figures[id]
		f.OnHand += soko.SetAvailable(cs, free)
		figures[id] = f
	}
	return nil
}

// touchedProduct is a product a transaction touched, as it stands in the
// transaction, beside its last line in the feed.
type touchedProduct struct {
	ID, MerchantID                  int64
	SKU, Name                       string
	ReorderPoint                    int
	LowSince, OutSince              *time.Time
	OnHand, Allocated, Held, Buffer int
	LastSeq                         *int64
	LastOnHand, LastAllocated       int
	LastHeld, LastBuffer            int
}

func (p touchedProduct) figures() soko.StockFigures {
	return soko.StockFigures{OnHand: p.OnHand, Allocated: p.Allocated, Held: p.Held, Buffer: p.Buffer}
}

// changed reports whether the product's figures tell the channels other
// than its last line: picking alone, which takes on hand and allocated
// down together, is no change — the hottest path on the floor stays off
// the merchant's counter.
func (p touchedProduct) changed() bool {
	return p.LastSeq == nil || !p.figures().SameForSale(soko.StockFigures{OnHand: p.LastOnHand, Allocated: p.LastAllocated, Held: p.LastHeld, Buffer: p.LastBuffer})
}

// touchedSQL reads touched products, their figures and their last feed
// lines in one statement, so all of them as of one moment.
const touchedSQL = `SELECT p.id, p.merchant_id, p.sku, p.name, p.reorder_point, p.low_since, p.out_since,
	COALESCE(p.stock_buffer, m.stock_buffer) AS buffer,
	COALESCE(f.on_hand, 0) AS on_hand, COALESCE(f.allocated, 0) AS allocated, COALESCE(f.held, 0) AS held,
	c.seq AS last_seq, COALESCE(c.on_hand, 0) AS last_on_hand, COALESCE(c.allocated, 0) AS last_allocated,
	COALESCE(c.held, 0) AS last_held, COALESCE(c.buffer, 0) AS last_buffer
	FROM products p JOIN merchants m ON m.id = p.merchant_id
	LEFT JOIN (SELECT s.product_id, SUM(s.on_hand) AS on_hand, SUM(s.allocated) AS allocated,
	                  SUM(CASE WHEN l.kind NOT IN ('pick', 'reserve')
	                             OR EXISTS (SELECT 1 FROM count_tasks ct WHERE ct.location_id = l.id AND ct.done_at IS NULL)
	                           THEN s.on_hand - s.allocated ELSE 0 END) AS held
	           FROM stock s JOIN locations l ON l.id = s.location_id WHERE s.product_id IN ? GROUP BY s.product_id) f ON f.product_id = p.id
	LEFT JOIN stock_changes c ON c.product_id = p.id AND c.seq = (SELECT MAX(n.seq) FROM stock_changes n WHERE n.product_id = p.id)
	WHERE p.id IN ? ORDER BY p.id`

// publishStockChanges is the last step of every transaction: it raises
// the shortage alerts of the products it touched, and gives each product
// whose figures it changed the next number of its merchant's sequence,
// with a feed line and a stock.changed webhook.
//
// The numbers come from the merchant's counter row, updated here and so
// locked until the transaction commits: the merchant's next change waits
// for this one, and numbers become visible in order — a reader never sees
// N+1 without N. On PostgreSQL the lines' figures are read again after
// the lock is taken, so they include every change committed before, and
// each product's last line is its stock as it stands (SQLite's one
// writer holds the whole database: there the first read stands).
// Merchants are locked in id order and nothing is locked after them, so
// two transactions cannot wait for each other here; and as little as can
// be is done under the lock, since every stock change of the merchant
// queues behind it.
func publishStockChanges(tx *gorm.DB, t *stockTouched, now time.Time) error {
	if t.empty() {
		return nil
	}
	ids, err := productsTouched(tx, t)
	if err != nil || len(ids) == 0 {
		return err
	}
	var products []touchedProduct
	if err := tx.Raw(touchedSQL, ids, ids).Scan(&products).Error; err != nil {
		return err
	}
	// A set's figures add what its components make to its kits': touchedSQL read the kits' shelves.
	sets := map[int64]soko.StockFigures{}
	for _, p := range products {
		sets[p.ID] = p.figures()
	}
	if err := setFigures(tx, sets); err != nil {
		return err
	}
	for i := range products {
		f := sets[products[i].ID]
		products[i].OnHand, products[i].Allocated, products[i].Held = f.OnHand, f.Allocated, f.Held
	}
	if err := raiseStockAlerts(tx, products, now); err != nil {
		return err
	}
	// Which products this transaction changed can be told before the
	// lock: the last line of every product equals its committed stock
	// (a change writes its line before it commits), so figures equal to
	// it, read at the same moment, mean nothing changed that the channels
	// see. A change committed meanwhile is published by its own transaction.
	perMerchant := map[int64]int64{}
	var merchants, changed []int64
	skus := map[int64]string{}
	merchantOf := map[int64]int64{}
	for _, p := range products {
		if !p.changed() {
			continue
		}
		if perMerchant[p.MerchantID] == 0 {
			merchants = append(merchants, p.MerchantID)
		}
		perMerchant[p.MerchantID]++
		changed = append(changed, p.ID)
		skus[p.ID], merchantOf[p.ID] = p.SKU, p.MerchantID
	}
	if len(changed) == 0 {
		return nil
	}
	slices.Sort(merchants)
	recipients, err := recipientsOf(tx, merchants...)
	if err != nil {
		return err
	}
	next := make(map[int64]int64, len(merchants))
	for _, m := range merchants {
		var last int64
		err := tx.Raw(`INSERT INTO stock_feed_counters (merchant_id, last_seq) VALUES (?, ?)
			ON CONFLICT (merchant_id) DO UPDATE SET last_seq = stock_feed_counters.last_seq + excluded.last_seq RETURNING last_seq`,
			m, perMerchant[m]).Scan(&last).Error
		if err != nil {
			return err
		}
		next[m] = last - perMerchant[m] + 1
	}
	// On SQLite nothing committed meanwhile: its one writer holds the
	// database from the first read to the commit, so the figures read
	// before the lock stand.
	figures := sets
	if tx.Dialector.Name() == Postgres {
		if figures, err = stockFiguresOf(tx, changed); err != nil {
			return err
		}
	}
	rows := make([]stockChangeRow, len(changed))
	for i, id := range changed {
		f, m := figures[id], merchantOf[id]
		rows[i] = stockChangeRow{MerchantID: m, Seq: next[m], ProductID: id,
			OnHand: f.OnHand, Allocated: f.Allocated, Held: f.Held, Buffer: f.Buffer, Sellable: f.Sellable(), ChangedAt: now}
		next[m]++
	}
	if err := tx.CreateInBatches(&rows, 500).Error; err != nil {
		return err
	}
	return queueStockChanged(tx, rows, skus, recipients, now)
}

// productsTouched turns what a transaction touched into product ids.
func productsTouched(tx *gorm.DB, t *stockTouched) ([]int64, error) {
	ids := keys(t.products)
	var more, unknown []int64
	for id := range t.stock {
		if p, ok := t.productOf[id]; ok {
			ids = append(ids, p)
		} else {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		if err := tx.Table("stock").Distinct("product_id").Where("id IN ?", unknown).Pluck("product_id", &more).Error; err != nil {
			return nil, err
		}
		ids = append(ids, more...)
	}
	if len(t.locations) > 0 {
		more = more[:0]
		if err := tx.Table("stock").Distinct("product_id").Where("location_id IN ?", keys(t.locations)).Pluck("product_id", &more).Error; err != nil {
			return nil, err
		}
		ids = append(ids, more...)
	}
	if notes := notesIn(tx); len(ids) > 0 && !notes.noSetsOf(ids) {
		// The sets made of these products change with them.
		more = more[:0]
		if err := tx.Table("product_components").Distinct("set_product_id").Where("component_id IN ?", ids).Pluck("set_product_id", &more).Error; err != nil {
			return nil, err
		}
		ids = append(ids, more...)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// noSetsOf reports whether the transaction read that none of the
// products is a set's component (nil notes: no).
func (n *txNotes) noSetsOf(ids []int64) bool {
	return n != nil && !slices.ContainsFunc(ids, func(id int64) bool { return !n.inNoSet[id] })
}

// stockChangeOut is a feed line as the API and the stock.changed webhook
// show it.
type stockChangeOut struct {
	SKU       string    `json:"sku"`
	Seq       int64     `json:"seq"`
	OnHand    int       `json:"on_hand"`
	Allocated int       `json:"allocated"`
	Held      int       `json:"held"`
	Buffer    int       `json:"buffer"`
	Sellable  int       `json:"sellable"`
	ChangedAt time.Time `json:"changed_at"`
}

// queueStockChanged queues a stock.changed webhook per product for the
// merchants that subscribed. One still waiting out its delay is replaced
// by the new one, which keeps its time, so a steady stream of changes is
// still sent every stockChangedDelay. A message a worker has claimed (its
// next attempt moved to the end of a lease) or tried is left as it is and
// the new one follows it: receivers keep the highest seq per SKU and drop
// older deliveries.
func queueStockChanged(tx *gorm.DB, rows []stockChangeRow, skus map[int64]string, recipients webhookRecipients, now time.Time) error {
	var products []int64
	for _, r := range rows {
		if recipients.wants(r.MerchantID, "stock.changed") {
			products = append(products, r.ProductID)
		}
	}
	if len(products) == 0 {
		return nil
	}
	var waiting []outboxRow
	if err := tx.Select("id, product_id, endpoint_id, next_attempt_at, created_at").
		Where("product_id IN ? AND event_type = 'stock.changed' AND status = ? AND attempts = 0", products, string(soko.OutboxPending)).
		Find(&waiting).Error; err != nil {
		return err
	}
	// Each endpoint's copy is coalesced on its own.
	type copyOf struct{ product, endpoint int64 }
	unsent := map[copyOf]outboxRow{}
	var ids []int64
	var due []time.Time
	for _, m := range waiting {
		if m.ProductID != nil && m.EndpointID != nil && m.NextAttemptAt.Equal(m.CreatedAt.Add(stockChangedDelay)) {
			unsent[copyOf{*m.ProductID, *m.EndpointID}] = m
			ids, due = append(ids, m.ID), append(due, m.NextAttemptAt)
		}
	}
	if len(ids) > 0 {
		// A worker that claimed one meanwhile moved its next attempt: it
		// no longer matches and stays.
		if err := tx.Exec(`DELETE FROM outbox WHERE id IN ? AND status = ? AND attempts = 0 AND next_attempt_at IN ?`,
			ids, string(soko.OutboxPending), due).Error; err != nil {
			return err
		}
	}
	var queue []outboxRow
	for _, r := range rows {
		if !recipients.wants(r.MerchantID, "stock.changed") {
			continue
		}
		body, err := json.Marshal(webhookPayload{
			ID: fmt.Sprintf("evt_stock_%d_%d", r.MerchantID, r.Seq), Type: "stock.changed", OccurredAt: now,
			Data: stockChangeOut{SKU: skus[r.ProductID], Seq: r.Seq, OnHand: r.OnHand, Allocated: r.Allocated,
				Held: r.Held, Buffer: r.Buffer, Sellable: r.Sellable, ChangedAt: now},
		})
		if err != nil {
			return err
		}
		product := r.ProductID
		for _, m := range recipients.fanOut(outboxRow{Channel: "webhook", EventType: "stock.changed", MerchantID: r.MerchantID, ProductID: &product,
			Payload: string(body), Status: string(soko.OutboxPending), NextAttemptAt: now.Add(stockChangedDelay), CreatedAt: now}) {
			if old, ok := unsent[copyOf{product, *m.EndpointID}]; ok {
				m.CreatedAt, m.NextAttemptAt = old.CreatedAt, old.NextAttemptAt
			}
			queue = append(queue, m)
		}
	}
	return tx.CreateInBatches(&queue, 500).Error
}

// stockChangesKept is how long a feed line outlives the newer line of its
// product: the feed itself never shows it again, so it is kept only for
// whoever looks into a recent change by hand.
const stockChangesKept = 7 * 24 * time.Hour

// PruneStockChanges deletes the feed lines a newer line of the same
// product superseded more than stockChangesKept ago, in batches, and
// returns how many it deleted. A reader's cursor, wherever it stands, gets
// the same pages after it as before: a page shows each product's latest
// line only. Every product keeps its latest line, so the feed still starts
// with every product once.
func (db *DB) PruneStockChanges(ctx context.Context) (int64, error) {
	const batch = 5000
	before := db.now().Add(-stockChangesKept)
	var deleted int64
	for {
		var keys []struct{ MerchantID, Seq int64 }
		err := db.conn(ctx).Raw(`SELECT c.merchant_id, c.seq FROM stock_changes c WHERE c.changed_at < ?
			AND EXISTS (SELECT 1 FROM stock_changes n WHERE n.product_id = c.product_id AND n.seq > c.seq AND n.changed_at < ?)
			LIMIT ?`, before, before, batch).Scan(&keys).Error
		if err != nil || len(keys) == 0 {
			return deleted, translate(err)
		}
		pairs := make([][]any, len(keys))
		for i, k := range keys {
			pairs[i] = []any{k.MerchantID, k.Seq}
		}
		n, err := db.execOne(runAlone(ctx), `DELETE FROM stock_changes WHERE (merchant_id, seq) IN ?`, pairs)
		if err != nil {
			return deleted, err
		}
		deleted += n
		if len(keys) < batch {
			return deleted, nil
		}
	}
}

// StockChanges returns a page of a merchant's stock change feed after seq:
// each product changed since, once, with its latest figures, in the order
// of those changes, at most limit. A reader that passes the last seq it
// got as the next after misses no change and sees none twice.
func (db *DB) StockChanges(ctx context.Context, merchantID, after int64, limit int) ([]soko.StockChange, error) {
	var rows []struct {
		Seq, ProductID                  int64
		OnHand, Allocated, Held, Buffer int
		SKU                             string `gorm:"column:sku"`
		ChangedAt                       time.Time
	}
	err := db.conn(ctx).Raw(`SELECT c.seq, c.product_id, c.on_hand, c.allocated, c.held, c.buffer, c.changed_at, p.sku FROM stock_changes c JOIN products p ON p.id = c.product_id
		WHERE c.merchant_id = ? AND c.seq > ?
		AND NOT EXISTS (SELECT 1 FROM stock_changes n WHERE n.product_id = c.product_id AND n.seq > c.seq)
		ORDER BY c.seq LIMIT ?`, merchantID, after, limit).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]soko.StockChange, len(rows))
	for i, r := range rows {
		out[i] = soko.StockChange{Seq: r.Seq, ProductID: r.ProductID, SKU: r.SKU, ChangedAt: r.ChangedAt.UTC(),
			StockFigures: soko.StockFigures{OnHand: r.OnHand, Allocated: r.Allocated, Held: r.Held, Buffer: r.Buffer}}
	}
	return out, nil
}

// FeedMismatch is a product whose last stock feed line does not tell its
// stock as it stands (on hand and allocated may both be lower by what was
// picked since).
type FeedMismatch struct {
	ProductID int64
	SKU       string
	Feed      soko.StockFigures // zero with Missing
	Stock     soko.StockFigures
	Missing   bool // no line at all
}

// CheckStockFeed returns every product whose feed is behind its stock;
// none means a connector that read the feed to its end knows every figure.
func (db *DB) CheckStockFeed(ctx context.Context) ([]FeedMismatch, error) {
	var products []struct {
		ID  int64
		SKU string `gorm:"column:sku"`
	}
	conn := db.conn(ctx)
	if err := conn.Table("products").Select("id, sku").Order("id").Scan(&products).Error; err != nil {
		return nil, translate(err)
	}
	var out []FeedMismatch
	for start := 0; start < len(products); start += 500 {
		page := products[start:min(start+500, len(products))]
		ids := make([]int64, len(page))
		for i, p := range page {
			ids[i] = p.ID
		}
		// One transaction, so stock and feed are read as of one moment
		// (on PostgreSQL the statements would otherwise each see their own).
		var figures map[int64]soko.StockFigures
		var last []stockChangeRow
		err := conn.Transaction(func(tx *gorm.DB) error {
			var err error
			if figures, err = stockFiguresOf(tx, ids); err != nil {
				return err
			}
			return tx.Raw(`SELECT c.* FROM stock_changes c WHERE c.product_id IN ?
				AND c.seq = (SELECT MAX(n.seq) FROM stock_changes n WHERE n.product_id = c.product_id)`, ids).Scan(&last).Error
		}, db.readOnlySnapshot())
		if err != nil {
			return nil, translate(err)
		}
		feed := map[int64]stockChangeRow{}
		for _, r := range last {
			feed[r.ProductID] = r
		}
		for _, p := range page {
			r, ok := feed[p.ID]
			if !ok || !r.figures().SameForSale(figures[p.ID]) || r.Sellable != figures[p.ID].Sellable() {
				out = append(out, FeedMismatch{ProductID: p.ID, SKU: p.SKU, Feed: r.figures(), Stock: figures[p.ID], Missing: !ok})
			}
		}
	}
	return out, nil
}
