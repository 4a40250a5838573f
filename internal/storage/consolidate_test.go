package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// consolidationSeed is stockSeed's towel merchant, consenting to 同梱 when
// consent, with n orders by ヤマト宅急便 to 山田 and a second merchant
// (UME) with an order to the same person.
func consolidationSeed(n int, consent bool) *soko.Seed {
	s := stockSeed(n)
	s.Merchants[0].Consolidate = consent
	for i := range s.Orders {
		s.Orders[i].Carrier, s.Orders[i].Service = "yamato", "takkyubin"
		s.Orders[i].Recipient.Phone = "03-1234-5678"
	}
	s.Merchants = append(s.Merchants, soko.Merchant{Code: "UME", Name: "うめ", Consolidate: true})
	s.Products = append(s.Products, soko.SeedProduct{MerchantCode: "UME", Product: soko.Product{SKU: "CUP", Name: "カップ", TaxRate: 10}})
	s.Stock = append(s.Stock, soko.SeedStock{MerchantCode: "UME", SKU: "CUP", LocationCode: "A-02", Stock: soko.Stock{OnHand: 10}})
	s.Orders = append(s.Orders, soko.SeedOrder{MerchantCode: "UME", Order: soko.Order{
		Number: "UME-1", Carrier: "yamato", Service: "takkyubin", Recipient: s.Orders[0].Recipient,
		Lines: []soko.OrderLine{{SKU: "CUP", Quantity: 1, UnitPrice: 500, TaxRate: 10}},
	}})
	return s
}

// TestConsolidate_WaveMerges: when the merchant allows it, the wave merges
// its orders to one recipient — the address written another way, the
// phone with or without hyphens — into one group picked into one tote;
// not an order to someone else, one that opted out, a gift, or another
// merchant's order to the same person.
func TestConsolidate_WaveMerges(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := consolidationSeed(5, true)
		seed.Orders[1].Recipient.PostalCode, seed.Orders[1].Recipient.Street, seed.Orders[1].Recipient.Phone = "100-0005", "丸の内１－１", "0312345678"
		seed.Orders[2].Recipient.Name = "佐藤"
		seed.Orders[3].NoConsolidation = true
		seed.Orders[4].Gift.HidePrices = true
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AllocateWaiting(ctx, rules); err != nil {
			t.Fatal(err)
		}
		w, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: seed.Staff[0].ID})
		if err != nil || w.Orders != 6 {
			t.Fatalf("wave %+v (%v), want all 6 orders", w, err)
		}
		m := seed.Merchants[0]
		find, other := mustFinder(t, db, m.ID), mustFinder(t, db, seed.Merchants[1].ID)
		first, second := find("SO-001"), find("SO-002")
		if first.ConsolidatedInto != 0 || second.ConsolidatedInto != first.ID || second.ConsolidatedIntoNumber != "SO-001" {
			t.Fatalf("SO-002 consolidated into %d (%q), want SO-001 (%d), the older", second.ConsolidatedInto, second.ConsolidatedIntoNumber, first.ID)
		}
		for _, o := range []*soko.Order{find("SO-003"), find("SO-004"), find("SO-005"), other("UME-1")} {
			if o.ConsolidatedInto != 0 {
				t.Errorf("%s consolidated into %d: someone else, opted out, a gift or another merchant's", o.Number, o.ConsolidatedInto)
			}
		}
		orders, err := db.WaveOrders(ctx, w.Number)
		if err != nil {
			t.Fatal(err)
		}
		if len(orders) != 6 || orders[0].Number != "SO-001" || orders[1].Number != "SO-002" {
			t.Fatalf("wave orders by tote: %v, want SO-001 and SO-002 first, in tote 1", numbers(orders))
		}
		tasks, err := db.PickList(ctx, seed.Staff[0].ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) == 0 {
			if _, err := db.NextPickTask(ctx, seed.Staff[0].ID); err != nil {
				t.Fatal(err)
			}
			if tasks, err = db.PickList(ctx, seed.Staff[0].ID, 100); err != nil {
				t.Fatal(err)
			}
		}
		totes := map[string]string{}
		for _, task := range tasks {
			totes[task.OrderNumber] = task.Tote
		}
		if totes["SO-001"] == "" || totes["SO-001"] != totes["SO-002"] || totes["SO-003"] == totes["SO-001"] {
			t.Errorf("totes %v: SO-001 and SO-002 share one, the others have their own", totes)
		}
		events, err := db.ListOrderEvents(ctx, m.ID, "SO-002")
		if err != nil {
			t.Fatal(err)
		}
		if !hasEvent(events, soko.ActionConsolidate, "automatic: primary SO-001") {
			t.Errorf("SO-002's history %+v lacks the automatic merge", events)
		}
	})
}

// TestConsolidate_MerchantOff: without the merchant's consent nothing is
// merged, neither by the wave nor by a supervisor.
func TestConsolidate_MerchantOff(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := consolidationSeed(2, false)
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AllocateWaiting(ctx, rules); err != nil {
			t.Fatal(err)
		}
		o, err := db.FindOrder(ctx, seed.Merchants[0].ID, "SO-001")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Consolidate(ctx, o.ID, "SO-002", seed.Staff[0].ID, "console"); soko.ErrorCode(err) != soko.ECONFLICT ||
			!strings.Contains(soko.ErrorMessage(err, "ja"), "同梱を許可していません") {
			t.Errorf("merging by hand without consent: %v, want refused", err)
		}
		if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: seed.Staff[0].ID}); err != nil {
			t.Fatal(err)
		}
		if o, _ := db.FindOrder(ctx, seed.Merchants[0].ID, "SO-002"); o.ConsolidatedInto != 0 {
			t.Errorf("SO-002 consolidated into %d without the merchant's consent", o.ConsolidatedInto)
		}
	})
}

// TestConsolidate_ByHand: a supervisor merges and separates orders before
// picking, audited; orders to someone else, held orders, another
// merchant's orders and orders being picked are refused with a reason; a
// cancelled primary leaves its group to the next order; separating keeps
// an order out of the wave's automatic merge.
func TestConsolidate_ByHand(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := consolidationSeed(5, true)
		seed.Orders[2].Recipient.Name = "佐藤"
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m, staff := seed.Merchants[0], seed.Staff[0].ID
		find := mustFinder(t, db, m.ID)
		refused := func(what string, err error, code, ja string) {
			t.Helper()
			if soko.ErrorCode(err) != code || !strings.Contains(soko.ErrorMessage(err, "ja"), ja) {
				t.Errorf("%s: %v (%s), want %s saying %q", what, err, soko.ErrorMessage(err, "ja"), code, ja)
			}
		}
		one := find("SO-001")
		if _, err := db.Consolidate(ctx, one.ID, "SO-002", staff, "console"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Consolidate(ctx, one.ID, "SO-004", staff, "console"); err != nil {
			t.Fatal(err)
		}
		if o := find("SO-004"); o.ConsolidatedInto != one.ID {
			t.Fatalf("SO-004 consolidated into %d, want SO-001", o.ConsolidatedInto)
		}
		_, err := db.Consolidate(ctx, one.ID, "SO-003", staff, "console")
		refused("another recipient", err, soko.ECONFLICT, "お届け先")
		_, err = db.Consolidate(ctx, one.ID, "UME-1", staff, "console")
		refused("another merchant's order", err, soko.ENOTFOUND, "UME-1")
		_, err = db.Consolidate(ctx, one.ID, "SO-001", staff, "console")
		refused("itself", err, soko.EINVALID, "同じ注文")
		if _, err := db.HoldOrder(ctx, m.ID, "SO-005", soko.HoldPayment, ""); err != nil {
			t.Fatal(err)
		}
		_, err = db.Consolidate(ctx, one.ID, "SO-005", staff, "console")
		refused("a held order", err, soko.ECONFLICT, "SO-005")

		entries, _, err := db.AuditLog(ctx, soko.AuditFilter{Action: "order.consolidate", Limit: 10})
		if err != nil || len(entries) < 2 {
			t.Fatalf("audit %+v (%v), want the merges logged", entries, err)
		}

		// The primary is cancelled before picking: the other two stay together.
		if _, err := db.CancelOrder(ctx, m.ID, "SO-001", "customer"); err != nil {
			t.Fatal(err)
		}
		two, four := find("SO-002"), find("SO-004")
		if find("SO-001").ConsolidatedInto != 0 || two.ConsolidatedInto != 0 || four.ConsolidatedInto != two.ID {
			t.Fatalf("after cancelling the primary: SO-002 → %d, SO-004 → %d, want SO-004 in SO-002's parcel", two.ConsolidatedInto, four.ConsolidatedInto)
		}
		// Separated by hand: alone, and kept apart from the wave's merge.
		if _, err := db.Unconsolidate(ctx, four.ID, staff, "console"); err != nil {
			t.Fatal(err)
		}
		if o := find("SO-004"); o.ConsolidatedInto != 0 || !o.NoConsolidation {
			t.Fatalf("SO-004 after separating: into %d, apart %v", o.ConsolidatedInto, o.NoConsolidation)
		}
		_, err = db.Unconsolidate(ctx, two.ID, staff, "console")
		refused("separating an order in no group", err, soko.ECONFLICT, "同梱されていません")
		if _, err := db.AllocateWaiting(ctx, rules); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: staff}); err != nil {
			t.Fatal(err)
		}
		if o := find("SO-004"); o.ConsolidatedInto != 0 {
			t.Errorf("the wave merged SO-004 again after the supervisor separated it")
		}
		// Being picked: too late either way.
		_, err = db.Consolidate(ctx, two.ID, "SO-004", staff, "console")
		refused("merging orders being picked", err, soko.ECONFLICT, "ピッキング前")
	})
}

// TestConsolidate_COD: cash on delivery adds up on one label within the
// carrier's limit — a COD and a prepaid order leave by the COD service,
// the COD order carrying the parcel — and a sum over the limit is refused.
func TestConsolidate_COD(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := consolidationSeed(4, true)
		for _, i := range []int{1, 2, 3} {
			seed.Orders[i].Service = "collect"
		}
		seed.Orders[1].CODAmount = 1000
		seed.Orders[2].CODAmount, seed.Orders[2].Lines[0].UnitPrice = 200000, 200000
		seed.Orders[3].CODAmount, seed.Orders[3].Lines[0].UnitPrice = 150000, 150000
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		m, staff := seed.Merchants[0], seed.Staff[0].ID
		find := mustFinder(t, db, m.ID)
		// SO-001 prepaid (宅急便) with SO-002 COD (コレクト): SO-002 carries the parcel.
		if _, err := db.Consolidate(ctx, find("SO-001").ID, "SO-002", staff, "console"); err != nil {
			t.Fatal(err)
		}
		if one, two := find("SO-001"), find("SO-002"); one.ConsolidatedInto != two.ID || two.ConsolidatedInto != 0 {
			t.Fatalf("SO-001 → %d, SO-002 → %d: the COD order's parcel carries the group", one.ConsolidatedInto, two.ConsolidatedInto)
		}
		group, err := db.ConsolidatedOrders(ctx, find("SO-002").ID)
		if err != nil || len(group) != 1 || soko.GroupCOD(append(group, find("SO-002"))) != 1000 {
			t.Fatalf("group %v (%v), COD sum want 1,000", numbers(group), err)
		}
		// 200,000 + 150,000 is over コレクト's 300,000.
		_, err = db.Consolidate(ctx, find("SO-003").ID, "SO-004", staff, "console")
		if soko.ErrorCode(err) != soko.ECONFLICT || !strings.Contains(soko.ErrorMessage(err, "ja"), "350000 円が 宅急便コレクト の上限 300000 円を超えます") ||
			!strings.Contains(soko.ErrorMessage(err, "en"), "over TA-Q-BIN Collect's limit") {
			t.Errorf("COD over the limit: %v / %s, want refused in both languages", err, soko.ErrorMessage(err, "ja"))
		}
		// The automatic merge leaves the one that would break the limit out.
		if _, err := db.AllocateWaiting(ctx, rules); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: staff}); err != nil {
			t.Fatal(err)
		}
		three, four := find("SO-003"), find("SO-004")
		if three.ConsolidatedInto != 0 && four.ConsolidatedInto != 0 {
			t.Errorf("SO-003 and SO-004 both consolidated")
		}
		var sum int64
		for _, o := range []*soko.Order{find("SO-001"), find("SO-002"), three, four} {
			if o.ConsolidatedInto != 0 || o.Number == "SO-002" {
				sum += o.CODAmount
			}
		}
		if sum > 300000 {
			t.Errorf("the wave merged cash on delivery of ¥%d into one parcel", sum)
		}
	})
}

// mustFinder returns a lookup of the merchant's orders by number.
func mustFinder(t *testing.T, db *storage.DB, merchantID int64) func(number string) *soko.Order {
	return func(number string) *soko.Order {
		t.Helper()
		o, err := db.FindOrder(context.Background(), merchantID, number)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
}

func numbers(os []*soko.Order) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Number
	}
	return out
}

func hasEvent(events []soko.OrderEvent, action soko.OrderAction, detail string) bool {
	for _, e := range events {
		if e.Action == action && strings.Contains(e.Detail, detail) {
			return true
		}
	}
	return false
}

// TestConsolidate_ShortMemberLeaves: picking works a group through its
// primary — the station refuses to inspect it while a member is short —
// and a short member sent back for stock leaves the group, which then
// goes on: inspected, packed, labelled as one.
func TestConsolidate_ShortMemberLeaves(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		seed := consolidationSeed(2, true)
		seed.Staff = append(seed.Staff, soko.SeedStaff{Staff: soko.Staff{BadgeCode: "V001", Name: "伊藤", Role: soko.RoleSupervisor, Active: true}, PIN: "5555"})
		if err := db.Load(ctx, seed); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AllocateWaiting(ctx, rules); err != nil {
			t.Fatal(err)
		}
		picker, m := seed.Staff[0].ID, seed.Merchants[0]
		if _, err := db.ReleaseWave(ctx, soko.WaveRequest{Mode: soko.WaveBatch, StaffID: picker}); err != nil {
			t.Fatal(err)
		}
		find := mustFinder(t, db, m.ID)
		for n := 0; ; n++ {
			task, err := db.NextPickTask(ctx, picker)
			if soko.ErrorCode(err) == soko.ENOTFOUND {
				break
			} else if err != nil {
				t.Fatal(err)
			}
			if task.OrderNumber == "SO-002" {
				if _, err := db.ReportShort(ctx, &soko.ShortPick{ScanID: fmt.Sprintf("short-%d", n), TaskID: task.ID, StaffID: picker}, rules); err != nil {
					t.Fatal(err)
				}
				continue
			}
			for i, s := range []soko.PickScan{{Code: task.LocationCode, Location: true}, {Code: "4901234567894", ProductID: task.ProductID, Units: task.Remaining()}} {
				s.ScanID, s.TaskID, s.StaffID = fmt.Sprintf("pick-%d-%d", n, i), task.ID, picker
				if _, err := db.Pick(ctx, &s); err != nil {
					t.Fatal(err)
				}
			}
		}
		one, two := find("SO-001"), find("SO-002")
		if one.Status != soko.OrderPicked || two.Status != soko.OrderShort || two.ConsolidatedInto != one.ID {
			t.Fatalf("SO-001 %s, SO-002 %s into %d: want picked, and short in SO-001's group", one.Status, two.Status, two.ConsolidatedInto)
		}
		towel := seed.Products[0].ID
		_, _, err := db.Inspect(ctx, &soko.InspectScan{ScanID: "insp-1", OrderID: one.ID, StaffID: picker, Code: "4901234567894", Items: []soko.ScannedItem{{Product: &soko.Product{ID: towel, MerchantID: one.MerchantID}, Units: 1}}})
		if soko.ErrorCode(err) != soko.ECONFLICT || !strings.Contains(soko.ErrorMessage(err, "ja"), "SO-002") {
			t.Fatalf("inspecting while SO-002 is short: %v, want refused naming it", err)
		}
		if _, _, err := db.Inspect(ctx, &soko.InspectScan{ScanID: "insp-2", OrderID: two.ID, StaffID: picker, Code: "4901234567894", Items: []soko.ScannedItem{{Product: &soko.Product{ID: towel, MerchantID: one.MerchantID}, Units: 1}}}); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("inspecting the member on its own: %v, want refused", err)
		}
		// A towel arrives on another shelf, and SO-002 is allocated again.
		if _, err := db.Receive(ctx, &soko.Receipt{ScanID: "rcv-1", StaffID: picker, MerchantID: m.ID, ProductID: towel, Units: 1, Code: "4901234567894"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutAway(ctx, &soko.Move{ScanID: "put-1", StaffID: picker, ProductID: towel, Units: 1, To: "A-02"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SuperviseOrder(ctx, &soko.OrderCommand{OrderID: two.ID, Action: soko.ActionReallocate, StaffID: seed.Staff[1].ID}, rules); err != nil {
			t.Fatal(err)
		}
		if o := find("SO-002"); o.ConsolidatedInto != 0 {
			t.Fatalf("SO-002, waiting for stock again, still in SO-001's group")
		}
		after, _, err := db.Inspect(ctx, &soko.InspectScan{ScanID: "insp-3", OrderID: one.ID, StaffID: picker, Code: "4901234567894", Items: []soko.ScannedItem{{Product: &soko.Product{ID: towel, MerchantID: one.MerchantID}, Units: 1}}})
		if err != nil || after.Status != soko.OrderInspected {
			t.Fatalf("SO-001 on its own: %v %v, want inspected", after, err)
		}
	})
}
