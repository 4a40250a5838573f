package storage_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// mustReturnsDesk is the small warehouse with order SKR-1 (two towels)
// shipped in one parcel, a receiving location and a quarantine location.
// It returns the parcel's tracking number.
func mustReturnsDesk(tb testing.TB, db *storage.DB) string {
	tb.Helper()
	mustSmallWarehouse(tb, db)
	ctx := context.Background()
	for _, sql := range []string{
		`INSERT INTO locations (code, zone, walk_sequence, kind) VALUES ('RCV-01', 'R', 0, 'receiving'), ('Q-01', 'Q', 90, 'receiving')`,
		`UPDATE orders SET status = 'shipped' WHERE number = 'SKR-1'`,
	} {
		if err := db.Exec(ctx, sql); err != nil {
			tb.Fatal(err)
		}
	}
	return mustParcels(tb, db, 1)[0]
}

func onHand(t *testing.T, db *storage.DB, location string) int {
	t.Helper()
	var n int
	if err := storage.Conn(db, context.Background()).Raw(`SELECT COALESCE(SUM(s.on_hand), 0) FROM stock s JOIN locations l ON l.id = s.location_id WHERE l.code = ?`, location).
		Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReturns_ReceiveGradedUnits: an announced refund is found at the desk
// by its parcel's tracking number; a sellable towel goes back on the shelf,
// a damaged one to disposal, an opened one to quarantine, and a unit that
// is not ours moves nothing; a scan sent twice counts once; finishing
// completes it once; every invariant holds.
func TestReturns_ReceiveGradedUnits(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		number := mustReturnsDesk(t, db)
		staff := mustStaff(t, db, "R001", soko.RolePicker)
		m, err := db.FindMerchantByCode(ctx, "SAKURA")
		if err != nil {
			t.Fatal(err)
		}
		nr := &soko.NewReturn{MerchantID: m.ID, Number: "RMA-1", OrderNumber: "SKR-1", Reason: soko.ReasonChangedMind, Disposition: soko.ReturnRefund,
			Lines: []soko.ReturnLineInput{{SKU: "T-1", Quantity: 2}}}
		r, err := db.CreateReturn(ctx, nr)
		if err != nil || r.Status != soko.ReturnAnnounced || len(r.Lines) != 1 || r.Lines[0].Quantity != 2 {
			t.Fatalf("announce: %+v %v", r, err)
		}
		if again, err := db.CreateReturn(ctx, nr); err != nil || again.ID != r.ID {
			t.Fatalf("the same return again: %+v %v", again, err)
		}
		other := *nr
		other.Lines = []soko.ReturnLineInput{{SKU: "T-1", Quantity: 1}}
		if _, err := db.CreateReturn(ctx, &other); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("the same number with other lines: %v", err)
		}
		tooMany := *nr
		tooMany.Number, tooMany.Lines = "RMA-2", []soko.ReturnLineInput{{SKU: "T-1", Quantity: 3}}
		if _, err := db.CreateReturn(ctx, &tooMany); soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("more than shipped: %v", err)
		}
		// Both towels are announced on RMA-1: none is left to announce again.
		tooMany.Lines = []soko.ReturnLineInput{{SKU: "T-1", Quantity: 1}}
		if _, err := db.CreateReturn(ctx, &tooMany); soko.ErrorCode(err) != soko.EINVALID {
			t.Fatalf("a towel announced twice: %v", err)
		}

		found, err := db.IdentifyReturn(ctx, number[:4]+"-"+number[4:8]+"-"+number[8:])
		if err != nil || found.ID != r.ID || found.Status != soko.ReturnReceiving || found.TrackingNumber != number {
			t.Fatalf("identify by tracking number: %+v %v", found, err)
		}
		towel := r.Lines[0].ProductID
		shelf := onHand(t, db, "A-01-01-1")
		units := []soko.ReturnUnitScan{
			{ScanID: "ret-1", ProductID: towel, Grade: soko.GradeSellable, Destination: soko.DestStock, Location: "A-01-01-1"},
			{ScanID: "ret-2", ProductID: towel, Grade: soko.GradeDamaged, Destination: soko.DestDisposal},
			{ScanID: "ret-3", ProductID: towel, Grade: soko.GradeOpened, Destination: soko.DestQuarantine, Location: "Q-01"},
			{ScanID: "ret-4", Grade: soko.GradeWrong, Destination: soko.DestNone},
		}
		for _, u := range units {
			u.ReturnID, u.StaffID, u.Code = r.ID, staff.ID, "4901234567894"
			if _, err := db.ReceiveReturnUnit(ctx, &u); err != nil {
				t.Fatalf("unit %s: %v", u.ScanID, err)
			}
		}
		dup := units[0]
		dup.ReturnID, dup.StaffID = r.ID, staff.ID
		if _, err := db.ReceiveReturnUnit(ctx, &dup); err == nil {
			t.Fatal("the same scan was received twice")
		}
		for _, bad := range []soko.ReturnUnitScan{
			{ScanID: "bad-1", ProductID: towel, Grade: soko.GradeDamaged, Destination: soko.DestStock, Location: "A-01-01-1"},
			{ScanID: "bad-2", ProductID: towel, Grade: soko.GradeSellable, Destination: soko.DestStock, Location: "Q-01"},
			{ScanID: "bad-3", ProductID: towel, Grade: soko.GradeSellable, Destination: soko.DestQuarantine, Location: "A-01-01-1"},
			{ScanID: "bad-4", ProductID: towel, Grade: soko.GradeDamaged, Destination: soko.DestQuarantine, Location: "RCV-01"},
		} {
			bad.ReturnID = r.ID
			if _, err := db.ReceiveReturnUnit(ctx, &bad); soko.ErrorCode(err) != soko.EINVALID {
				t.Errorf("%s: %v, want invalid", bad.ScanID, err)
			}
		}
		if got := onHand(t, db, "A-01-01-1"); got != shelf+1 {
			t.Errorf("shelf holds %d, want %d: only the sellable unit goes back", got, shelf+1)
		}
		if q, rcv := onHand(t, db, "Q-01"), onHand(t, db, "RCV-01"); q != 1 || rcv != 0 {
			t.Errorf("quarantine %d, receiving %d; want 1 and 0", q, rcv)
		}

		rec, err := db.FinishReturn(ctx, r.ID, staff.ID)
		if err != nil || rec.Return.Status != soko.ReturnCompleted || rec.ExchangeOrder != 0 {
			t.Fatalf("finish: %+v %v", rec, err)
		}
		l := rec.Return.Lines[0]
		if l.Received() != 3 || l.Graded[soko.GradeSellable] != 1 || l.Graded[soko.GradeDamaged] != 1 || l.Graded[soko.GradeOpened] != 1 || rec.Return.Wrong != 1 {
			t.Errorf("graded %+v, not ours %d", l.Graded, rec.Return.Wrong)
		}
		if _, err := db.FinishReturn(ctx, r.ID, staff.ID); err != nil {
			t.Fatalf("finish again: %v", err)
		}
		last := units[0]
		last.ScanID, last.ReturnID = "ret-5", r.ID
		if _, err := db.ReceiveReturnUnit(ctx, &last); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Errorf("a unit after completion: %v", err)
		}

		// The parcel comes back again, unannounced: a carrier return to inspect.
		cr, err := db.IdentifyReturn(ctx, "SKR-1")
		if err != nil || cr.Announced || cr.Number != "CR-SKR-1-2" || cr.Disposition != soko.ReturnInspect || cr.Reason != soko.ReasonCarrierReturn {
			t.Fatalf("unannounced: %+v %v", cr, err)
		}
		rep, err := db.ReturnsReport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Open) != 1 || rep.Open[0].Number != "CR-SKR-1-2" || len(rep.ByReason) != 2 || len(rep.ByProduct) != 1 {
			t.Fatalf("report: %+v", rep)
		}
		if p := rep.ByProduct[0]; p.SKU != "T-1" || p.Returned != 3 || p.Returns != 1 || p.Shipped != 2 || p.Frequent() {
			t.Errorf("by product: %+v", p)
		}
		mustAllChecksPass(t, db)
	})
}

// TestReturns_ExchangeOrderOnce: an exchange wanted at once gets its
// replacement order when announced, once however often it is announced
// and received; one wanted on receipt gets it when received.
func TestReturns_ExchangeOrderOnce(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustReturnsDesk(t, db)
		m, err := db.FindMerchantByCode(ctx, "SAKURA")
		if err != nil {
			t.Fatal(err)
		}
		nr := &soko.NewReturn{MerchantID: m.ID, Number: "EX-1", OrderNumber: "SKR-1", Reason: soko.ReasonDefective, Disposition: soko.ReturnExchange,
			ExchangeAtOnce: true, Lines: []soko.ReturnLineInput{{SKU: "T-1", Quantity: 1}}}
		r, err := db.CreateReturn(ctx, nr)
		if err != nil || r.ExchangeOrderNo != fmt.Sprintf("SKR-1-EX%d", r.ID) {
			t.Fatalf("exchange at once: %+v %v", r, err)
		}
		if again, err := db.CreateReturn(ctx, nr); err != nil || again.ExchangeOrderNo != r.ExchangeOrderNo {
			t.Fatalf("again: %+v %v", again, err)
		}
		later := &soko.NewReturn{MerchantID: m.ID, Number: "EX-2", OrderNumber: "SKR-1", Reason: soko.ReasonDefective, Disposition: soko.ReturnExchange,
			Lines: []soko.ReturnLineInput{{SKU: "T-1", Quantity: 1}}}
		r2, err := db.CreateReturn(ctx, later)
		if err != nil || r2.ExchangeOrderNo != "" {
			t.Fatalf("exchange on receipt, announced: %+v %v", r2, err)
		}
		for i, id := range []int64{r.ID, r2.ID} {
			u := soko.ReturnUnitScan{ScanID: fmt.Sprint("x-", i), ReturnID: id, Code: "T-1", ProductID: r.Lines[0].ProductID, Grade: soko.GradeSellable,
				Destination: soko.DestStock, Location: "A-01-01-1"}
			if _, err := db.ReceiveReturnUnit(ctx, &u); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if _, err := db.FinishReturn(ctx, id, 0); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := db.ReturnByID(ctx, r2.ID)
		if err != nil || got.ExchangeOrderNo != fmt.Sprintf("SKR-1-EX%d", r2.ID) {
			t.Fatalf("exchange on receipt: %+v %v", got, err)
		}
		var n int64
		storage.Conn(db, ctx).Table("orders").Where("number LIKE 'SKR-1-EX%'").Count(&n)
		if n != 2 {
			t.Fatalf("%d exchange orders, want 2 (one per return)", n)
		}
		mustAllChecksPass(t, db)
	})
}

// mustAllChecksPass fails t for any invariant broken but the shipped
// orders' notices: these tests ship their order by hand.
func mustAllChecksPass(t *testing.T, db *storage.DB) {
	t.Helper()
	checks, err := db.CheckInvariants(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checks {
		if len(c.Problems) > 0 && c.Name != "shipped orders notified" {
			t.Errorf("check %s: %v", c.Name, c.Problems)
		}
	}
}
