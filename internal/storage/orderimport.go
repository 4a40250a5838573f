package storage

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// importChunk bounds the values of one IN list or batch insert, well under
// the bind-parameter limits of both databases.
const importChunk = 500

// byChunk calls fn with xs a chunk at a time.
func byChunk[T any](xs []T, fn func([]T) error) error {
	for len(xs) > 0 {
		n := min(len(xs), importChunk)
		if err := fn(xs[:n]); err != nil {
			return err
		}
		xs = xs[n:]
	}
	return nil
}

// ProductsBySKU returns the merchant's products with the given SKUs, by
// SKU; a SKU the merchant does not have is not in the map. Inside a
// transaction, the order written next in it finds them without reading
// them again (productIDs).
func (db *DB) ProductsBySKU(ctx context.Context, merchantID int64, skus []string) (map[string]*soko.Product, error) {
	out := make(map[string]*soko.Product, len(skus))
	notes, _ := ctx.Value(txNotesKey{}).(*txNotes)
	err := byChunk(skus, func(part []string) error {
		rows, ok := notes.prereadProducts(merchantID, part)
		if !ok {
			var err error
			if rows, err = productsWithSets(db.conn(ctx), merchantID, part); err != nil {
				return translate(err)
			}
		}
		for _, r := range rows {
			out[r.Product.SKU] = r.Product.product()
			notes.readProduct(r.Product)
			notes.readSets(r)
		}
		return nil
	})
	return out, err
}

// CompareImport tells, without writing, what ImportOrders would make of
// orders: the numbers the merchant has already for the same order, which
// it would skip, and for each number the merchant has for another order
// the fields that differ (the API's names: ship_to, carrier, service,
// delivery_date, time_slot, cod_amount, gift, note, lines), which would
// refuse the import.
func (db *DB) CompareImport(ctx context.Context, merchantID int64, orders []*soko.Order) (unchanged map[string]bool, conflicts map[string][]string, err error) {
	existing, err := ordersByNumber(db.conn(ctx), merchantID, numbersOf(orders))
	if err != nil {
		return nil, nil, translate(err)
	}
	unchanged, conflicts = map[string]bool{}, map[string][]string{}
	for _, o := range orders {
		was, ok := existing[o.Number]
		if !ok {
			continue
		}
		if diff := orderDiff(was, o); len(diff) > 0 {
			conflicts[o.Number] = diff
		} else {
			unchanged[o.Number] = true
		}
	}
	return unchanged, conflicts, nil
}

// ImportOrders stores a file's orders for a merchant, all or none, in one
// transaction. An order number the merchant has already is skipped as
// unchanged when it is the same order (see CompareImport) and refuses the
// whole file with ECONFLICT, naming every such order, when it is not;
// an unknown SKU refuses it with EINVALID. Each created order gets its
// first event (by staffID, the supervisor who imported it) and the
// merchant's order.received webhook, as an order sent to the API does;
// its ID is set, while a skipped order keeps ID 0. Allocation is the
// caller's next step (AllocateOrders), as it is for the API.
func (db *DB) ImportOrders(ctx context.Context, merchantID, staffID int64, orders []*soko.Order) (created, unchanged int, err error) {
	ctx = runAlone(ctx)
	seen := map[string]bool{}
	for _, o := range orders {
		if seen[o.Number] {
			return 0, 0, soko.Errorf(soko.EINVALID, "order %s is in the file twice", o.Number).
				JA("注文番号 %s が2回あります", o.Number).WithField("order_no", o.Number)
		}
		seen[o.Number] = true
	}
	now := db.now()
	err = db.transact(ctx, func(tx *gorm.DB) error {
		created, unchanged = 0, 0
		for _, o := range orders {
			o.ID = 0
		}
		existing, err := ordersByNumber(tx, merchantID, numbersOf(orders))
		if err != nil {
			return err
		}
		var fresh []*soko.Order
		bad := soko.Errorf(soko.ECONFLICT, "order numbers already taken by other orders").JA("内容の異なる注文としてすでに登録されている注文番号があります")
		var taken []string
		for _, o := range orders {
			was, ok := existing[o.Number]
			if !ok {
				fresh = append(fresh, o)
				continue
			}
			if diff := orderDiff(was, o); len(diff) > 0 {
				taken = append(taken, o.Number)
				bad.WithField(o.Number, strings.Join(diff, ", "))
				continue
			}
			unchanged++
		}
		if len(taken) > 0 {
			bad.Message.EN = fmt.Sprintf("order numbers %s are taken by orders that differ: nothing was imported", strings.Join(taken, ", "))
			bad.Message.JA = fmt.Sprintf("注文番号 %s は内容の異なる注文としてすでに登録されています。何も取り込んでいません", strings.Join(taken, "、"))
			return bad
		}
		if err := createOrders(tx, merchantID, staffID, fresh, now); err != nil {
			return err
		}
		created = len(fresh)
		return nil
	})
	if err != nil {
		for _, o := range orders {
			o.ID = 0
		}
		return 0, 0, err
	}
	return created, unchanged, nil
}

// createOrders stores new orders of one merchant with their lines and
// first events in a few statements per batch, for imports of thousands.
// It does what createOrder does for one order.
func createOrders(tx *gorm.DB, merchantID, staffID int64, orders []*soko.Order, now time.Time) error {
	if len(orders) == 0 {
		return nil
	}
	var skus []string
	for _, o := range orders {
		for _, l := range o.Lines {
			if !slices.Contains(skus, l.SKU) {
				skus = append(skus, l.SKU)
			}
		}
	}
	products := map[string]productRow{}
	if err := byChunk(skus, func(part []string) error {
		found, err := orderableProducts(tx, merchantID, part)
		for sku, p := range found {
			products[sku] = p
		}
		return err
	}); err != nil {
		return err
	}
	rows := make([]orderRow, len(orders))
	for i, o := range orders {
		o.MerchantID, o.Status, o.HeldFrom = merchantID, soko.OrderReceived, ""
		if o.HoldReason != "" {
			// Waiting for its payment: allocated but held (AllocateOrders).
			o.Status, o.HeldFrom = soko.OrderOnHold, soko.OrderReceived
		}
		o.CreatedAt, o.UpdatedAt = now, now
		if o.OrderedAt.IsZero() {
			o.OrderedAt = now
		}
		rows[i] = orderToRow(o)
	}
	if err := tx.CreateInBatches(&rows, importChunk/4).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
			// Another import took a number between our read and our write.
			return soko.Errorf(soko.ECONFLICT, "an order number of the file was taken meanwhile: import the file again").
				JA("取込中に同じ注文番号が登録されました。もう一度取り込んでください")
		}
		return err
	}
	var lines []orderLineRow
	for i, o := range orders {
		o.ID = rows[i].ID
		for j := range o.Lines {
			l := &o.Lines[j]
			l.ProductID, l.OrderID = products[l.SKU].ID, o.ID
			lines = append(lines, orderLineRow{OrderID: o.ID, ProductID: l.ProductID, Quantity: l.Quantity, UnitPrice: l.UnitPrice, TaxRate: l.TaxRate})
		}
	}
	if err := tx.CreateInBatches(&lines, importChunk/4).Error; err != nil {
		return err
	}
	events := make([]orderEvent, len(orders))
	for i, o := range orders {
		events[i] = orderEvent{o, soko.OrderEvent{Action: "create", To: o.Status, StaffID: staffID, Detail: "order import / 受注取込"}}
	}
	return byChunk(events, func(part []orderEvent) error { return recordEvents(tx, part, now) })
}

// AllocateOrders allocates the orders with ids as an order sent to the API
// is allocated on arrival, in file order, a batch per transaction, and
// returns how many were allocated; the rest wait as backordered for the
// allocation worker.
func (db *DB) AllocateOrders(ctx context.Context, ids []int64, rules soko.AllocationRules) (allocated int, err error) {
	err = byChunk(ids, func(part []int64) error {
		return db.transact(ctx, func(tx *gorm.DB) error {
			st, err := db.allocate(tx, part, rules, db.now())
			for _, s := range st {
				if s == soko.OrderAllocated {
					allocated++
				}
			}
			return err
		})
	})
	return allocated, err
}

func numbersOf(orders []*soko.Order) []string {
	out := make([]string, len(orders))
	for i, o := range orders {
		out[i] = o.Number
	}
	return out
}

// ordersByNumber returns the merchant's orders with numbers, with their
// lines' SKUs and quantities, by number.
func ordersByNumber(q *gorm.DB, merchantID int64, numbers []string) (map[string]*soko.Order, error) {
	out := map[string]*soko.Order{}
	err := byChunk(numbers, func(part []string) error {
		var rows []orderRow
		if err := q.Where("merchant_id = ? AND number IN ?", merchantID, part).Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		byID := map[int64]*soko.Order{}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			o := r.order()
			out[o.Number], byID[o.ID], ids[i] = o, o, o.ID
		}
		var lines []struct {
			OrderID  int64
			SKU      string
			Quantity int
		}
		err := q.Table("order_lines").Select("order_lines.order_id, products.sku, order_lines.quantity").
			Joins("JOIN products ON products.id = order_lines.product_id").
			Where("order_lines.order_id IN ? AND order_lines.set_line_id IS NULL", ids).Order("order_lines.id").Scan(&lines).Error
		if err != nil {
			return err
		}
		for _, l := range lines {
			o := byID[l.OrderID]
			o.Lines = append(o.Lines, soko.OrderLine{SKU: l.SKU, Quantity: l.Quantity})
		}
		return nil
	})
	return out, err
}

// orderDiff names what differs between an order on file and one a file
// brings under the same number: where and how it ships, and what ships.
// Prices are left out, as a file without them takes the product's price
// of the day, and so are the order's time and priority, which do not
// change what is shipped: an order that differs only there is the same.
func orderDiff(was, in *soko.Order) []string {
	var diff []string
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	}
	for _, d := range []struct {
		field string
		same  bool
	}{
		{"ship_to", was.Recipient == in.Recipient},
		{"carrier", was.Carrier == in.Carrier},
		{"service", was.Service == in.Service},
		{"delivery_date", day(was.DeliveryDate) == day(in.DeliveryDate)},
		{"time_slot", was.TimeSlot == in.TimeSlot},
		{"cod_amount", was.CODAmount == in.CODAmount},
		{"fees", was.ShippingFee == in.ShippingFee && was.CODFee == in.CODFee && was.Discount == in.Discount},
		{"gift", was.Gift == in.Gift},
		{"note", was.Note == in.Note},
		{"lines", slices.Equal(shipped(was), shipped(in))},
	} {
		if !d.same {
			diff = append(diff, d.field)
		}
	}
	return diff
}

// shipped lists an order's SKUs with their quantities, summed and sorted,
// so that the order of the lines does not matter.
func shipped(o *soko.Order) []string {
	units := map[string]int{}
	for _, l := range o.Lines {
		units[l.SKU] += l.Quantity
	}
	out := make([]string, 0, len(units))
	for sku, n := range units {
		out = append(out, sku+"×"+strconv.Itoa(n))
	}
	slices.Sort(out)
	return out
}
