package storage_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// shortFloor is a warehouse after one wave in which the picker came up
// short: SO-1 (2 towels, a mug) and SO-2 (a towel, 2 mugs) found no towel
// at A-01 and MD-1 (2 teas) found one of two there, so all three are short
// and A-01 waits for a count; SO-4 (a mug) was put on hold before it was
// picked, so its task waits unpicked; SO-3 (a mug) is allocated, not in the wave. SAKURA allows
// partial shipments, MIDORI does not.
type shortFloor struct {
	db         *storage.DB
	seed       *soko.Seed
	picker     int64
	supervisor int64
	orders     map[string]int64
}

func (f *shortFloor) product(sku string) int64 {
	for _, p := range f.seed.Products {
		if p.SKU == sku {
			return p.ID
		}
	}
	panic("no product " + sku)
}

// act has the supervisor take action on the order at the back office PC.
func (f *shortFloor) act(number string, a soko.OrderAction, note string) (*soko.OrderCommandResult, error) {
	return f.db.SuperviseOrder(context.Background(), &soko.OrderCommand{
		OrderID: f.orders[number], Action: a, StaffID: f.supervisor, Device: "PC-事務所", Note: note,
	}, rules)
}

// mustAct is act that must succeed and leave the order in want.
func (f *shortFloor) mustAct(t *testing.T, number string, a soko.OrderAction, want soko.OrderStatus) *soko.OrderCommandResult {
	t.Helper()
	res, err := f.act(number, a, "")
	if err != nil || res.Status != want {
		t.Fatalf("%s %s: %+v %v, want %s", a, number, res, err, want)
	}
	if got := f.status(t, number); got != want {
		t.Fatalf("%s %s: stored status %s, want %s", a, number, got, want)
	}
	return res
}

// refused checks that an action is refused as a conflict whose Japanese
// message has every one of words, and that nothing changed.
func (f *shortFloor) refused(t *testing.T, number string, a soko.OrderAction, words ...string) {
	t.Helper()
	before := f.status(t, number)
	events := len(f.events(t, number))
	_, err := f.act(number, a, "")
	if soko.ErrorCode(err) != soko.ECONFLICT {
		t.Fatalf("%s on %s: %v, want a conflict", a, number, err)
	}
	for _, w := range words {
		if msg := soko.ErrorMessage(err, "ja"); !strings.Contains(msg, w) {
			t.Errorf("%s on %s says %q, want it to name %q", a, number, msg, w)
		}
	}
	if after := f.status(t, number); after != before || len(f.events(t, number)) != events {
		t.Errorf("a refused %s changed %s: %s → %s", a, number, before, after)
	}
}

func (f *shortFloor) status(t *testing.T, number string) soko.OrderStatus {
	t.Helper()
	o, err := f.db.OrderByID(context.Background(), f.orders[number])
	if err != nil {
		t.Fatal(err)
	}
	return o.Status
}

func (f *shortFloor) events(t *testing.T, number string) []soko.TimelineEntry {
	t.Helper()
	v, err := f.db.OrderView(context.Background(), f.orders[number])
	if err != nil {
		t.Fatal(err)
	}
	var out []soko.TimelineEntry
	for _, e := range v.Timeline {
		if !e.Scan {
			out = append(out, e)
		}
	}
	return out
}

// lastEvent checks the order's newest event: the action, the move and
// that the supervisor and the device are named.
func (f *shortFloor) lastEvent(t *testing.T, number string, action string, from, to soko.OrderStatus) soko.TimelineEntry {
	t.Helper()
	es := f.events(t, number)
	e := es[len(es)-1]
	if e.Action != action || e.From != from || e.To != to || e.StaffName != "伊藤" || e.Device != "PC-事務所" {
		t.Fatalf("%s's last event %+v, want %s %s→%s by 伊藤 on PC-事務所", number, e, action, from, to)
	}
	return e
}

// stockAt returns on hand and allocated units of a product at a location.
func (f *shortFloor) stockAt(t *testing.T, sku, location string) (onHand, allocated int) {
	t.Helper()
	var r struct{ OnHand, Allocated int }
	err := storage.Conn(f.db, context.Background()).Raw(`SELECT COALESCE(SUM(s.on_hand), 0) AS on_hand, COALESCE(SUM(s.allocated), 0) AS allocated
		FROM stock s JOIN locations l ON l.id = s.location_id WHERE s.product_id = ? AND l.code = ?`, f.product(sku), location).Scan(&r).Error
	if err != nil {
		t.Fatal(err)
	}
	return r.OnHand, r.Allocated
}

func (f *shortFloor) wantStock(t *testing.T, sku, location string, onHand, allocated int) {
	t.Helper()
	if h, a := f.stockAt(t, sku, location); h != onHand || a != allocated {
		t.Errorf("%s at %s: %d on hand, %d allocated; want %d and %d", sku, location, h, a, onHand, allocated)
	}
}

// walkTasks has picker take each of their pick tasks in turn: scan its
// location, then do what the test says; next numbers the scans, with
// prefix.
func walkTasks(t *testing.T, db *storage.DB, picker int64, prefix string, do func(task *soko.PickTask, next func() string)) {
	t.Helper()
	ctx := context.Background()
	scan := 0
	next := func() string { scan++; return fmt.Sprintf("%s-%04d", prefix, scan) }
	for {
		task, err := db.NextPickTask(ctx, picker)
		if soko.ErrorCode(err) == soko.ENOTFOUND {
			return
		} else if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Pick(ctx, &soko.PickScan{ScanID: next(), TaskID: task.ID, StaffID: picker, Device: "HT-01", Code: task.LocationCode, Location: true}); err != nil {
			t.Fatal(err)
		}
		do(task, next)
	}
}

func mustShortFloor(t *testing.T, db *storage.DB) *shortFloor {
	t.Helper()
	ctx := context.Background()
	addr := soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田 花子"}
	order := func(merchant, number string, priority int, lines ...soko.OrderLine) soko.SeedOrder {
		return soko.SeedOrder{MerchantCode: merchant, Order: soko.Order{Number: number, Priority: priority, Carrier: "yamato", Recipient: addr, Lines: lines}}
	}
	line := func(sku string, n int) soko.OrderLine {
		return soko.OrderLine{SKU: sku, Quantity: n, UnitPrice: 1000, TaxRate: 10}
	}
	seed := &soko.Seed{
		Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら雑貨店", AllowPartial: true}, {Code: "MIDORI", Name: "みどり食品"}},
		Staff: []soko.SeedStaff{
			{Staff: soko.Staff{BadgeCode: "P001", Name: "田中", Role: soko.RolePicker, Active: true}, PIN: "1111"},
			{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"},
		},
		Locations: []soko.Location{
			{Code: "A-01", Zone: "A", WalkSequence: 1, Kind: soko.LocationPick},
			{Code: "A-02", Zone: "A", WalkSequence: 2, Kind: soko.LocationPick},
			{Code: "R-01", Zone: "R", WalkSequence: 10, Kind: soko.LocationReserve},
			{Code: "RCV-01", Zone: "R", WalkSequence: 99, Kind: soko.LocationReceiving},
		},
		Products: []soko.SeedProduct{
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "タオル", TaxRate: 10, Barcodes: []soko.ProductBarcode{{Code: "4901234567894", PackQuantity: 1}}}},
			{MerchantCode: "SAKURA", Product: soko.Product{SKU: "MUG", Name: "マグカップ", TaxRate: 10, Barcodes: []soko.ProductBarcode{{Code: "4560123000043", PackQuantity: 1}}}},
			{MerchantCode: "MIDORI", Product: soko.Product{SKU: "TEA", Name: "緑茶", TaxRate: 8, Barcodes: []soko.ProductBarcode{{Code: "4512345678906", PackQuantity: 1}}}},
		},
		Stock: []soko.SeedStock{
			{MerchantCode: "SAKURA", SKU: "TOWEL", LocationCode: "A-01", Stock: soko.Stock{OnHand: 3}},
			{MerchantCode: "SAKURA", SKU: "MUG", LocationCode: "A-02", Stock: soko.Stock{OnHand: 10}},
			{MerchantCode: "MIDORI", SKU: "TEA", LocationCode: "A-01", Stock: soko.Stock{OnHand: 2}},
		},
		Orders: []soko.SeedOrder{
			order("SAKURA", "SO-1", 5, line("TOWEL", 2), line("MUG", 1)),
			order("SAKURA", "SO-2", 5, line("TOWEL", 1), line("MUG", 2)),
			order("MIDORI", "MD-1", 5, line("TEA", 2)),
			order("SAKURA", "SO-4", 5, line("MUG", 1)),
			order("SAKURA", "SO-3", 0, line("MUG", 1)),
		},
	}
	if err := db.Load(ctx, seed); err != nil {
		t.Fatal(err)
	}
	f := &shortFloor{db: db, seed: seed, picker: seed.Staff[0].ID, supervisor: seed.Staff[1].ID, orders: map[string]int64{}}
	for _, o := range seed.Orders {
		f.orders[o.Number] = o.ID
	}
	if n, err := db.AllocateWaiting(ctx, rules); err != nil || n != 5 {
		t.Fatalf("allocated %d of 5: %v", n, err)
	}
	if _, err := db.ReleaseWave(ctx, soko.WaveRequest{MaxOrders: 4, Mode: soko.WaveBatch, StaffID: f.supervisor}); err != nil {
		t.Fatal(err)
	}
	f.mustAct(t, "SO-4", soko.ActionHold, soko.OrderOnHold)
	walkTasks(t, db, f.picker, "floor", func(task *soko.PickTask, next func() string) {
		switch task.SKU {
		case "TOWEL", "TEA":
			found := 0
			if task.SKU == "TEA" {
				found = 1
			}
			out, err := db.ReportShort(ctx, &soko.ShortPick{ScanID: next(), TaskID: task.ID, StaffID: f.picker, Device: "HT-01", Found: found}, rules)
			if err != nil || out.Rerouted {
				t.Fatalf("short of %s at %s: %+v %v, want the order short", task.SKU, task.LocationCode, out, err)
			}
		default:
			if _, err := db.Pick(ctx, &soko.PickScan{ScanID: next(), TaskID: task.ID, StaffID: f.picker, Device: "HT-01", Code: "4560123000043",
				ProductID: task.ProductID, Units: task.Remaining()}); err != nil {
				t.Fatal(err)
			}
		}
	})
	for number, want := range map[string]soko.OrderStatus{"SO-1": soko.OrderShort, "SO-2": soko.OrderShort, "MD-1": soko.OrderShort,
		"SO-4": soko.OrderOnHold, "SO-3": soko.OrderAllocated} {
		if got := f.status(t, number); got != want {
			t.Fatalf("fixture: %s is %s, want %s", number, got, want)
		}
	}
	mustBalanced(t, db)
	return f
}

func TestSuperviseOrder_HoldAndRelease(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		f := mustShortFloor(t, db)
		f.mustAct(t, "SO-3", soko.ActionHold, soko.OrderOnHold)
		f.lastEvent(t, "SO-3", "hold", soko.OrderAllocated, soko.OrderOnHold)
		f.refused(t, "SO-3", soko.ActionHold, "SO-3", "「保留」", "保留できません")
		f.refused(t, "SO-3", soko.ActionReallocate, "再引当できません")
		f.mustAct(t, "SO-3", soko.ActionReleaseHold, soko.OrderAllocated)
		f.lastEvent(t, "SO-3", "release_hold", soko.OrderOnHold, soko.OrderAllocated)
		f.refused(t, "SO-3", soko.ActionReleaseHold, "「引当済」", "保留解除できません")

		// SO-4 was held before its wave was picked: the picker was not
		// given its mug, and a scan on its task is refused while it is held.
		ctx := context.Background()
		var task int64
		if err := storage.Conn(db, ctx).Raw(`SELECT id FROM pick_tasks WHERE order_id = ? AND status = 'open'`, f.orders["SO-4"]).Scan(&task).Error; err != nil || task == 0 {
			t.Fatalf("SO-4's open task: %d %v", task, err)
		}
		_, err := db.Pick(ctx, &soko.PickScan{ScanID: "held-0001", TaskID: task, StaffID: f.picker, Device: "HT-01", Code: "A-02", Location: true})
		if soko.ErrorCode(err) != soko.ECONFLICT || !strings.Contains(soko.ErrorMessage(err, "ja"), "保留中") {
			t.Fatalf("a scan on a held order's task: %v, want a conflict saying it is on hold", err)
		}
		// Released, it is picked like any other.
		f.mustAct(t, "SO-4", soko.ActionReleaseHold, soko.OrderPicking)
		next, err := db.NextPickTask(ctx, f.picker)
		if err != nil || next.ID != task {
			t.Fatalf("the picker's next task after the release: %+v %v, want SO-4's task %d", next, err, task)
		}
		for i, scan := range []soko.PickScan{{Code: "A-02", Location: true}, {Code: "4560123000043", ProductID: next.ProductID, Units: 1}} {
			scan.ScanID, scan.TaskID, scan.StaffID, scan.Device = fmt.Sprintf("held-%04d", i+2), task, f.picker, "HT-01"
			if _, err := db.Pick(ctx, &scan); err != nil {
				t.Fatal(err)
			}
		}
		if got := f.status(t, "SO-4"); got != soko.OrderPicked {
			t.Fatalf("SO-4 after its mug was picked: %s", got)
		}
		// A short order can be held too, and comes back short.
		f.mustAct(t, "SO-1", soko.ActionHold, soko.OrderOnHold)
		f.mustAct(t, "SO-1", soko.ActionReleaseHold, soko.OrderShort)
		mustBalanced(t, db)
	})
}

func TestSuperviseOrder_CancelAndPutBack(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		f := mustShortFloor(t, db)
		// Before picking a cancel gives the reserved mug back at once
		// (held SO-4's mug is still reserved on the shelf).
		f.wantStock(t, "MUG", "A-02", 7, 2)
		f.mustAct(t, "SO-3", soko.ActionCancel, soko.OrderCancelled)
		f.lastEvent(t, "SO-3", "cancel", soko.OrderAllocated, soko.OrderCancelled)
		f.wantStock(t, "MUG", "A-02", 7, 1)
		f.refused(t, "SO-3", soko.ActionCancel, "「キャンセル」", "キャンセルできません")

		// SO-1's mug is in the tote: cancelling asks for it to be put back.
		f.refused(t, "SO-1", soko.ActionPutBack, "「欠品」", "戻し入れできません")
		if _, err := f.act("SO-1", soko.ActionCancel, "お客様都合"); err != nil {
			t.Fatal(err)
		}
		e := f.lastEvent(t, "SO-1", "request_cancel", soko.OrderShort, soko.OrderCancelRequested)
		if e.Detail != "お客様都合" {
			t.Errorf("the note is kept as %q", e.Detail)
		}
		f.refused(t, "SO-1", soko.ActionCancel, "キャンセルできません")
		f.mustAct(t, "SO-1", soko.ActionPutBack, soko.OrderCancelled)
		f.lastEvent(t, "SO-1", "put_back", soko.OrderCancelRequested, soko.OrderCancelled)
		f.wantStock(t, "MUG", "A-02", 8, 1)
		v, err := db.OrderView(context.Background(), f.orders["SO-1"])
		if err != nil || len(v.Allocations) != 0 || len(v.Actions) != 0 {
			t.Fatalf("a put-back order still holds %+v, offers %v (%v)", v.Allocations, v.Actions, err)
		}
		mustBalanced(t, db)
	})
}

func TestSuperviseOrder_ReallocateShort(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := mustShortFloor(t, db)
		// The only towels the books know of are on A-01, which came up short and waits for its count.
		f.refused(t, "SO-1", soko.ActionReallocate, "在庫が足りない", "TOWEL × 2")
		f.refused(t, "SO-3", soko.ActionReallocate, "「引当済」")

		sakura := f.seed.Merchants[0].ID
		if _, err := db.Receive(ctx, &soko.Receipt{ScanID: "rcv-towel", StaffID: f.picker, MerchantID: sakura, ProductID: f.product("TOWEL"), Units: 5}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutAway(ctx, &soko.Move{ScanID: "put-towel", StaffID: f.picker, ProductID: f.product("TOWEL"), Units: 5, To: "R-01"}); err != nil {
			t.Fatal(err)
		}
		f.mustAct(t, "SO-1", soko.ActionReallocate, soko.OrderAllocated)
		f.lastEvent(t, "SO-1", "reallocate", soko.OrderShort, soko.OrderAllocated)
		f.wantStock(t, "TOWEL", "R-01", 5, 2)
		f.wantStock(t, "TOWEL", "A-01", 3, 0)
		v, _ := db.OrderView(ctx, f.orders["SO-1"])
		if len(v.Allocations) != 2 || v.Allocations[0].SKU != "MUG" || v.Allocations[0].Picked != 1 ||
			v.Allocations[1].Location != "R-01" || v.Allocations[1].Quantity != 2 || v.Allocations[1].Picked != 0 {
			t.Fatalf("SO-1's allocations %+v, want the picked mug and 2 towels at R-01", v.Allocations)
		}
		// The next wave picks only what is missing: the mug is in the tote already.
		w, err := db.ReleaseWave(ctx, soko.WaveRequest{MaxOrders: 1, StaffID: f.supervisor})
		if err != nil || w.Orders != 1 || w.Tasks != 1 {
			t.Fatalf("wave after the re-allocation: %+v %v, want SO-1 with one task", w, err)
		}
		task, err := db.NextPickTask(ctx, f.picker)
		if err != nil || task.OrderNumber != "SO-1" || task.LocationCode != "R-01" || task.Quantity != 2 {
			t.Fatalf("the re-pick task %+v %v, want 2 towels at R-01", task, err)
		}
		mustBalanced(t, db)
	})
}

func TestSuperviseOrder_SplitShort(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := mustShortFloor(t, db)
		// The merchant already has an SO-2-2, so the rest becomes SO-2-3.
		taken := &soko.Order{MerchantID: f.seed.Merchants[0].ID, Number: "SO-2-2", Recipient: f.seed.Orders[0].Recipient,
			Lines: []soko.OrderLine{{SKU: "MUG", Quantity: 1, TaxRate: 10}}}
		if err := db.CreateOrder(ctx, taken); err != nil {
			t.Fatal(err)
		}
		f.refused(t, "MD-1", soko.ActionSplit, "みどり食品", "分割出荷を認めていません")
		res := f.mustAct(t, "SO-2", soko.ActionSplit, soko.OrderPicked)
		if res.NewOrderNumber != "SO-2-3" {
			t.Fatalf("the rest is %q, want SO-2-3", res.NewOrderNumber)
		}
		e := f.lastEvent(t, "SO-2", "split", soko.OrderShort, soko.OrderPicked)
		if !strings.Contains(e.Detail, "SO-2-3") {
			t.Errorf("the split's detail %q does not name the new order", e.Detail)
		}
		f.refused(t, "SO-2", soko.ActionSplit, "「ピッキング済」", "分割出荷できません")

		shipped, _ := db.OrderByID(ctx, f.orders["SO-2"])
		rest, err := db.OrderByID(ctx, res.NewOrderID)
		if err != nil {
			t.Fatal(err)
		}
		if len(shipped.Lines) != 1 || shipped.Lines[0].SKU != "MUG" || shipped.Lines[0].Quantity != 2 {
			t.Errorf("SO-2 ships %+v, want the 2 mugs picked", shipped.Lines)
		}
		if rest.Status != soko.OrderBackordered || rest.MerchantID != shipped.MerchantID || rest.Recipient != shipped.Recipient ||
			rest.Carrier != "yamato" || len(rest.Lines) != 1 || rest.Lines[0].SKU != "TOWEL" || rest.Lines[0].Quantity != 1 {
			t.Errorf("SO-2-3 is %s with %+v, want a backordered towel to the same customer", rest.Status, rest.Lines)
		}
		f.orders["SO-2-3"] = rest.ID
		f.lastEvent(t, "SO-2-3", "split", "", soko.OrderBackordered)
		f.wantStock(t, "TOWEL", "A-01", 3, 0)

		// The rest waits for towels; re-allocating it finds none it may use
		// until some are put away on a shelf that was not short.
		f.refused(t, "SO-2-3", soko.ActionReallocate, "在庫が足りない", "TOWEL × 1")
		if _, err := db.Receive(ctx, &soko.Receipt{ScanID: "rcv-towel", StaffID: f.picker, MerchantID: shipped.MerchantID, ProductID: f.product("TOWEL"), Units: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutAway(ctx, &soko.Move{ScanID: "put-towel", StaffID: f.picker, ProductID: f.product("TOWEL"), Units: 1, To: "R-01"}); err != nil {
			t.Fatal(err)
		}
		f.mustAct(t, "SO-2-3", soko.ActionReallocate, soko.OrderAllocated)
		f.lastEvent(t, "SO-2-3", "reallocate", soko.OrderBackordered, soko.OrderAllocated)
		f.wantStock(t, "TOWEL", "R-01", 1, 1)

		// Paid on delivery, SO-1 collects one amount for one parcel.
		cod := func(yen int) {
			if err := storage.Conn(db, ctx).Exec(`UPDATE orders SET cod_amount = ? WHERE number = 'SO-1'`, yen).Error; err != nil {
				t.Fatal(err)
			}
		}
		cod(3000)
		f.refused(t, "SO-1", soko.ActionSplit, "代金引換のため分割出荷できません")
		cod(0)
		// None of SO-1's towels were picked: that line moves to SO-1-2 whole.
		res, err = f.act("SO-1", soko.ActionSplit, "")
		if err != nil || res.NewOrderNumber != "SO-1-2" {
			t.Fatalf("split SO-1: %+v %v", res, err)
		}
		one, _ := db.OrderByID(ctx, f.orders["SO-1"])
		two, _ := db.OrderByID(ctx, res.NewOrderID)
		if len(one.Lines) != 1 || one.Lines[0].SKU != "MUG" || len(two.Lines) != 1 || two.Lines[0].SKU != "TOWEL" || two.Lines[0].Quantity != 2 {
			t.Errorf("SO-1 ships %+v, SO-1-2 waits for %+v", one.Lines, two.Lines)
		}
		mustBalanced(t, db)
	})
}

func TestSuperviseOrder_SplitCutsALinePickedInPart(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := mustShortFloor(t, db)
		// MIDORI now allows partial shipments; MD-1 has one of its two teas.
		if err := storage.Conn(db, ctx).Exec(`UPDATE merchants SET allow_partial = TRUE WHERE code = 'MIDORI'`).Error; err != nil {
			t.Fatal(err)
		}
		res := f.mustAct(t, "MD-1", soko.ActionSplit, soko.OrderPicked)
		shipped, _ := db.OrderByID(ctx, f.orders["MD-1"])
		rest, _ := db.OrderByID(ctx, res.NewOrderID)
		if len(shipped.Lines) != 1 || shipped.Lines[0].Quantity != 1 || len(rest.Lines) != 1 || rest.Lines[0].Quantity != 1 || rest.Lines[0].SKU != "TEA" {
			t.Fatalf("MD-1 ships %+v and %s waits for %+v; want one tea each", shipped.Lines, rest.Number, rest.Lines)
		}
		if rest.Lines[0].UnitPrice != 1000 || rest.Lines[0].TaxRate != 10 {
			t.Errorf("the rest's line lost its price: %+v", rest.Lines[0])
		}
		mustBalanced(t, db)
	})
}

func TestSuperviseOrder_ResolveShortAfterCount(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := mustShortFloor(t, db)
		f.refused(t, "MD-1", soko.ActionResolveShort, "A-01 の棚卸がまだです")
		f.refused(t, "SO-3", soko.ActionResolveShort, "欠品解決できません")
		// The counter finds 4 teas behind the towels at A-01, and no towel.
		if _, err := db.Count(ctx, &soko.Count{ScanID: "count-a01", StaffID: f.picker, Location: "A-01", Reason: "欠品後の棚卸",
			Lines: []soko.CountLine{{ProductID: f.product("TEA"), Quantity: 4}}}, rules); err != nil {
			t.Fatal(err)
		}
		f.mustAct(t, "MD-1", soko.ActionResolveShort, soko.OrderAllocated)
		f.lastEvent(t, "MD-1", "resolve_short", soko.OrderShort, soko.OrderAllocated)
		f.wantStock(t, "TEA", "A-01", 4, 1)
		// The towels were not found: SO-1 stays short.
		f.refused(t, "SO-1", soko.ActionResolveShort, "在庫が足りない", "TOWEL × 2")
		mustBalanced(t, db)
	})
}

func TestOrderView_TimelineAndActions(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := mustShortFloor(t, db)
		v, err := db.OrderView(ctx, f.orders["SO-2"])
		if err != nil {
			t.Fatal(err)
		}
		if v.Merchant.Code != "SAKURA" || !v.Merchant.AllowPartial || len(v.Order.Lines) != 2 {
			t.Fatalf("view %+v", v)
		}
		want := []soko.OrderAction{soko.ActionHold, soko.ActionReallocate, soko.ActionResolveShort, soko.ActionSplit, soko.ActionCancel}
		if fmt.Sprint(v.Actions) != fmt.Sprint(want) {
			t.Errorf("a short SAKURA order offers %v, want %v", v.Actions, want)
		}
		md, _ := db.OrderView(ctx, f.orders["MD-1"])
		for _, a := range md.Actions {
			if a == soko.ActionSplit {
				t.Error("MIDORI does not allow partial shipments, yet MD-1 offers a split")
			}
		}
		var steps, actions []string
		for _, e := range v.Timeline {
			if e.Scan {
				steps = append(steps, e.Action+":"+e.StaffName+":"+e.Device)
			} else {
				actions = append(actions, e.Action)
			}
		}
		// A location scan names no order; the short report at A-01 and the
		// pick of the mugs at A-02 moved the order's stock and are about it.
		if got := strings.Join(steps, " "); got != "short_pick:田中:HT-01 pick:田中:HT-01" {
			t.Errorf("SO-2's scans: %s", got)
		}
		if got := strings.Join(actions, " "); got != "create allocate release_wave short_pick" {
			t.Errorf("SO-2's events: %s", got)
		}
		if _, err := db.OrderView(ctx, 99999); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("an unknown order: %v", err)
		}
	})
}

func TestSearchOrders_Filters(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := &soko.Seed{
			Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら"}, {Code: "MIDORI", Name: "みどり"}},
			Products: []soko.SeedProduct{
				{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "タオル", TaxRate: 10}},
				{MerchantCode: "MIDORI", Product: soko.Product{SKU: "TEA", Name: "緑茶", TaxRate: 8}},
			},
		}
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		day := func(d int) time.Time { return time.Date(2026, 11, d, 3, 0, 0, 0, time.UTC) } // noon in Japan
		ids := map[string]int64{}
		add := func(merchant int, number string, at time.Time, to soko.Address, qty int) {
			db.Now = func() time.Time { return at }
			sku := []string{"TOWEL", "TEA"}[merchant]
			to.PostalCode, to.Prefecture, to.City, to.Street = "1000005", "東京都", "千代田区", "丸の内1-1"
			o := &soko.Order{MerchantID: seed.Merchants[merchant].ID, Number: number, Recipient: to, Lines: []soko.OrderLine{{SKU: sku, Quantity: qty, TaxRate: 10}}}
			if err := db.CreateOrder(ctx, o); err != nil {
				t.Fatal(err)
			}
			ids[number] = o.ID
		}
		add(0, "SO-100", day(20), soko.Address{Name: "山田 花子"}, 3)
		add(0, "SO-101", day(21), soko.Address{Name: "佐藤 一郎", Company: "株式会社さくら"}, 1)
		add(0, "SO-200", day(22), soko.Address{Name: "Taro Tanaka"}, 1)
		add(1, "SO-102", day(22), soko.Address{Name: "山田　太郎"}, 2)
		add(0, "S_-300", day(23), soko.Address{Name: "100% 本人"}, 1)
		if err := storage.Conn(db, ctx).Exec(`INSERT INTO parcels (order_id, seq, carrier, tracking_number) VALUES (?, 1, 'yamato', '123456789013')`, ids["SO-101"]).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := db.SuperviseOrder(ctx, &soko.OrderCommand{OrderID: ids["SO-200"], Action: soko.ActionHold}, rules); err != nil {
			t.Fatal(err)
		}
		numbers := func(f soko.OrderSearch) string {
			t.Helper()
			got, err := db.SearchOrders(ctx, f)
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			var out []string
			for _, o := range got {
				out = append(out, o.Number)
			}
			return strings.Join(out, " ")
		}
		for _, c := range []struct {
			name string
			f    soko.OrderSearch
			want string
		}{
			{"everything, newest first", soko.OrderSearch{}, "S_-300 SO-102 SO-200 SO-101 SO-100"},
			{"number prefix in any case", soko.OrderSearch{Number: "so-10"}, "SO-102 SO-101 SO-100"},
			{"a prefix, not a part", soko.OrderSearch{Number: "O-1"}, ""},
			{"wildcards are letters", soko.OrderSearch{Number: "S_"}, "S_-300"},
			{"percent is a letter", soko.OrderSearch{Customer: "100%"}, "S_-300"},
			{"merchant", soko.OrderSearch{MerchantID: seed.Merchants[1].ID}, "SO-102"},
			{"customer without the space", soko.OrderSearch{Customer: "山田花子"}, "SO-100"},
			{"customer in part, full-width space too", soko.OrderSearch{Customer: "山田"}, "SO-102 SO-100"},
			{"customer in any case", soko.OrderSearch{Customer: "tanaka"}, "SO-200"},
			{"the company", soko.OrderSearch{Customer: "さくら"}, "SO-101"},
			{"tracking number as printed", soko.OrderSearch{Tracking: "1234-5678-9013"}, "SO-101"},
			{"tracking number in part is not enough", soko.OrderSearch{Tracking: "12345678"}, ""},
			{"status", soko.OrderSearch{Status: soko.OrderOnHold}, "SO-200"},
			{"created on the 21st and 22nd", soko.OrderSearch{CreatedFrom: day(21).Add(-3 * time.Hour), CreatedTo: day(23).Add(-3 * time.Hour)}, "SO-102 SO-200 SO-101"},
			{"filters combine", soko.OrderSearch{Customer: "山田", MerchantID: seed.Merchants[0].ID}, "SO-100"},
			{"a page and one more", soko.OrderSearch{Limit: 2}, "S_-300 SO-102 SO-200"},
			{"the next page", soko.OrderSearch{Limit: 2, Before: ids["SO-200"]}, "SO-101 SO-100"},
		} {
			if got := numbers(c.f); got != c.want {
				t.Errorf("%s: %q, want %q", c.name, got, c.want)
			}
		}
		got, _ := db.SearchOrders(ctx, soko.OrderSearch{Number: "SO-100"})
		if len(got) != 1 || got[0].Units != 3 || got[0].MerchantCode != "SAKURA" || got[0].RecipientName != "山田 花子" || !got[0].CreatedAt.Equal(day(20)) {
			t.Errorf("SO-100's row %+v", got)
		}
		held, _ := db.SearchOrders(ctx, soko.OrderSearch{Number: "SO-200"})
		if held[0].Status != soko.OrderOnHold || held[0].HeldFrom != soko.OrderReceived {
			t.Errorf("SO-200's row %+v, want on hold from received", held[0])
		}
	})
}

// TestSearchOrders_FindsTheCustomerAsChanged: the search follows a
// merchant's change of the recipient, by a long name (PostgreSQL's
// trigram path) and a short one (the newest-first walk).
func TestSearchOrders_FindsTheCustomerAsChanged(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := &soko.Seed{
			Merchants: []soko.Merchant{{Code: "SAKURA", Name: "さくら"}},
			Products:  []soko.SeedProduct{{MerchantCode: "SAKURA", Product: soko.Product{SKU: "TOWEL", Name: "タオル", TaxRate: 10}}},
		}
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		to := soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田 花子"}
		o := &soko.Order{MerchantID: seed.Merchants[0].ID, Number: "SO-1", Recipient: to, Lines: []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, TaxRate: 10}}}
		if err := db.CreateOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
		found := func(customer string) bool {
			t.Helper()
			got, err := db.SearchOrders(ctx, soko.OrderSearch{Customer: customer})
			if err != nil {
				t.Fatalf("%s: %v", customer, err)
			}
			return len(got) == 1 && got[0].Number == "SO-1"
		}
		if !found("山田花子") || !found("山田") {
			t.Fatal("the new order is not found by its customer")
		}
		saved, err := db.FindOrder(ctx, o.MerchantID, "SO-1")
		if err != nil {
			t.Fatal(err)
		}
		saved.Recipient.Name, saved.Recipient.Company = "鈴木 一郎", "有限会社みどり"
		if err := db.ChangeOrder(ctx, &soko.OrderChange{OrderID: saved.ID, ReadAt: saved.UpdatedAt, Order: saved}); err != nil {
			t.Fatal(err)
		}
		for customer, want := range map[string]bool{"山田花子": false, "山田": false, "鈴木一郎": true, "鈴木": true, "みどり": true, "有限会社": true} {
			if got := found(customer); got != want {
				t.Errorf("after the change, %s finds the order: %v, want %v", customer, got, want)
			}
		}
	})
}

// TestAllocate_ShelfWaitingForACountPromisesNothing is the regression test
// for a short pick's shelf: its books say 3 towels are there, the picker
// found none, so nothing is promised from it until it is counted — a new
// towel order waits, and the count that finds 2 towels allocates it.
func TestAllocate_ShelfWaitingForACountPromisesNothing(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := mustShortFloor(t, db)
		o := &soko.Order{MerchantID: f.seed.Merchants[0].ID, Number: "SO-9", Carrier: "yamato",
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
			Lines:     []soko.OrderLine{{SKU: "TOWEL", Quantity: 1, UnitPrice: 1000, TaxRate: 10}}}
		if err := db.CreateOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
		f.orders["SO-9"] = o.ID
		if _, err := db.AllocateWaiting(ctx, rules); err != nil {
			t.Fatal(err)
		}
		if st := f.status(t, "SO-9"); st != soko.OrderBackordered && st != soko.OrderReceived {
			t.Fatalf("SO-9 is %s: promised from a shelf waiting for its count", st)
		}
		if _, err := db.Count(ctx, &soko.Count{ScanID: "count-a01", StaffID: f.picker, Location: "A-01", Reason: "欠品後の棚卸",
			Lines: []soko.CountLine{{ProductID: f.product("TOWEL"), Quantity: 2}, {ProductID: f.product("TEA"), Quantity: 1}}}, rules); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AllocateWaiting(ctx, rules); err != nil {
			t.Fatal(err)
		}
		if st := f.status(t, "SO-9"); st != soko.OrderAllocated {
			t.Fatalf("after the count SO-9 is %s, want allocated", st)
		}
		mustBalanced(t, db)
	})
}

// TestCount_FewerUnitsWhileAnOrderIsPicked is the regression test for a
// count that frees the allocation of an order being picked: its open task
// closes (nobody picks what is no longer promised), the order is short, and
// nothing breaks the pick task's reference to its allocation.
func TestCount_FewerUnitsWhileAnOrderIsPicked(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := mustShortFloor(t, db)
		if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveSingle, StaffID: f.supervisor}); err != nil {
			t.Fatal(err)
		}
		if st := f.status(t, "SO-3"); st != soko.OrderPicking {
			t.Fatalf("SO-3 is %s after the wave", st)
		}
		// The counter finds no mug at all at A-02.
		res, err := db.Count(ctx, &soko.Count{ScanID: "count-a02", StaffID: f.picker, Location: "A-02", Reason: "棚卸"}, rules)
		if err != nil {
			t.Fatalf("counting a shelf an order is being picked from: %v", err)
		}
		if f.status(t, "SO-3") != soko.OrderShort || !slices.Contains(res.Short, "SO-3") {
			t.Fatalf("SO-3 is %s, short list %v", f.status(t, "SO-3"), res.Short)
		}
		if task, err := db.NextPickTask(ctx, f.picker); err == nil && task.OrderID == f.orders["SO-3"] {
			t.Fatalf("the picker is still sent for SO-3's mug: %+v", task)
		}
		mustBalanced(t, db)
		checks, err := db.CheckInvariants(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range checks {
			if len(c.Problems) > 0 {
				t.Errorf("%s: %v", c.Name, c.Problems)
			}
		}
	})
}

// TestCount_FewerUnitsUnderHeldAndCancelledOrders is the regression test
// for a count refused because an order it had to free was being cancelled
// (found by the HTTP fuzz run): the count is what is on the shelf, so it is
// written and frees the stock; the cancellation goes on, the held order
// stays held.
func TestCount_FewerUnitsUnderHeldAndCancelledOrders(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := mustShortFloor(t, db)
		if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveSingle, StaffID: f.supervisor}); err != nil {
			t.Fatal(err)
		}
		f.mustAct(t, "SO-3", soko.ActionCancel, soko.OrderCancelRequested)
		if _, err := db.Count(ctx, &soko.Count{ScanID: "count-a02", StaffID: f.picker, Location: "A-02", Reason: "棚卸"}, rules); err != nil {
			t.Fatalf("a count under a held and a cancelled order: %v", err)
		}
		if st := f.status(t, "SO-3"); st != soko.OrderCancelRequested {
			t.Errorf("SO-3 is %s, want still cancel_requested", st)
		}
		if st := f.status(t, "SO-4"); st != soko.OrderOnHold {
			t.Errorf("SO-4 is %s, want still on hold", st)
		}
		f.wantStock(t, "MUG", "A-02", 0, 0)
		mustBalanced(t, db)
	})
}

// TestCount_CancelledOrderLeavesNothingToFree is the regression test for a
// count refused because of a cancelled order's spent allocation: what an
// order no longer waits for is not freed again.
func TestCount_CancelledOrderLeavesNothingToFree(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f := mustShortFloor(t, db)
		// The newest order at A-02 is allocated a mug, then cancelled; SO-3's
		// mug there is still promised.
		o := &soko.Order{MerchantID: f.seed.Merchants[0].ID, Number: "SO-9", Carrier: "yamato",
			Recipient: soko.Address{PostalCode: "1000005", Prefecture: "東京都", City: "千代田区", Street: "丸の内1-1", Name: "山田"},
			Lines:     []soko.OrderLine{{SKU: "MUG", Quantity: 1, UnitPrice: 1000, TaxRate: 10}}}
		if err := db.CreateOrder(ctx, o); err != nil {
			t.Fatal(err)
		}
		f.orders["SO-9"] = o.ID
		if _, err := db.AllocateWaiting(ctx, rules); err != nil {
			t.Fatal(err)
		}
		f.mustAct(t, "SO-9", soko.ActionCancel, soko.OrderCancelled)
		if _, err := db.Count(ctx, &soko.Count{ScanID: "count-a02", StaffID: f.picker, Location: "A-02", Reason: "棚卸"}, rules); err != nil {
			t.Fatalf("a count at a shelf with a cancelled order's allocation: %v", err)
		}
		if st := f.status(t, "SO-9"); st != soko.OrderCancelled {
			t.Errorf("SO-9 is %s after the count", st)
		}
		if st := f.status(t, "SO-3"); st != soko.OrderBackordered {
			t.Errorf("SO-3, whose mug was not found, is %s", st)
		}
		mustBalanced(t, db)
	})
}
