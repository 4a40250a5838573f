package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

type returnRow struct {
	ID              int64
	MerchantID      int64
	OrderID         int64
	Number          string
	Reason          string
	Disposition     string
	Status          string
	Announced       bool
	ExchangeAtOnce  bool
	ExchangeOrderID *int64
	TrackingNumber  string
	Note            string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	ReceivedAt      *time.Time
	CompletedAt     *time.Time
}

func (returnRow) TableName() string { return "returns" }

type returnLineRow struct {
	ID        int64
	ReturnID  int64
	ProductID int64
	Quantity  int
}

func (returnLineRow) TableName() string { return "return_lines" }

type returnUnitRow struct {
	ID           int64
	ReturnID     int64
	ReturnLineID *int64
	Code         string
	Grade        string
	Destination  string
	LocationID   *int64
	StaffID      *int64
	ScanID       string
	CreatedAt    time.Time
}

func (returnUnitRow) TableName() string { return "return_units" }

func (r returnRow) ret() *soko.Return {
	return &soko.Return{
		ID: r.ID, MerchantID: r.MerchantID, OrderID: r.OrderID, Number: r.Number, Reason: soko.ReturnReason(r.Reason),
		Disposition: soko.ReturnDisposition(r.Disposition), Status: soko.ReturnStatus(r.Status), Announced: r.Announced,
		ExchangeAtOnce: r.ExchangeAtOnce, TrackingNumber: r.TrackingNumber, Note: r.Note,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), ReceivedAt: fromNull(r.ReceivedAt), CompletedAt: fromNull(r.CompletedAt),
	}
}

func returnNotFound(what string) error {
	return soko.Errorf(soko.ENOTFOUND, "no return %s", what).JA("返品 %s は見つかりません", what)
}

// CreateReturn stores a return a merchant announces for one of its shipped
// orders, naming products of the order in quantities it shipped, in one
// transaction; an exchange the merchant wants at once gets its replacement
// order in the same one. A return_no sent again with the same content
// answers the return it made (a retry); with other content, ECONFLICT.
func (db *DB) CreateReturn(ctx context.Context, nr *soko.NewReturn) (*soko.Return, error) {
	now := db.now()
	var id int64
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var o orderRow
		err := tx.Where("merchant_id = ? AND number = ?", nr.MerchantID, nr.OrderNumber).Take(&o).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return soko.Errorf(soko.EINVALID, "no order %s", nr.OrderNumber).JA("注文 %s は見つかりません", nr.OrderNumber).WithField("order_no", "no such order")
		} else if err != nil {
			return err
		}
		if o.Status != string(soko.OrderShipped) {
			return soko.Errorf(soko.ECONFLICT, "order %s has not shipped (%s): only a shipped order can come back", o.Number, o.Status).
				JA("注文 %s は出荷されていません（%s）。返品は出荷済みの注文だけ受け付けます", o.Number, o.Status).WithField("order_no", "not shipped")
		}
		var lines []orderLineRow
		if err := tx.Where("order_id = ?", o.ID).Find(&lines).Error; err != nil {
			return err
		}
		shipped := map[int64]int{}
		for _, l := range lines {
			shipped[l.ProductID] += l.Quantity
		}
		skus := make([]string, len(nr.Lines))
		for i, l := range nr.Lines {
			skus[i] = l.SKU
		}
		var products []productRow
		if err := tx.Where("merchant_id = ? AND sku IN ?", nr.MerchantID, skus).Find(&products).Error; err != nil {
			return err
		}
		bySKU := map[string]productRow{}
		for _, p := range products {
			bySKU[p.SKU] = p
		}
		// What the order's other returns announced already cannot come back twice.
		var others []struct {
			ProductID int64
			N         int
		}
		if err := tx.Raw(`SELECT l.product_id, SUM(l.quantity) AS n FROM return_lines l JOIN returns r ON r.id = l.return_id
			WHERE r.order_id = ? AND r.number <> ? GROUP BY l.product_id`, o.ID, nr.Number).Scan(&others).Error; err != nil {
			return err
		}
		for _, x := range others {
			shipped[x.ProductID] -= x.N
		}
		bad := soko.Errorf(soko.EINVALID, "the return names what the order did not ship, or its other returns announced already").
			JA("注文で出荷していない商品・数量（ほかの返品で連絡済みの分を含む）が含まれています")
		want := map[int64]int{}
		for i, l := range nr.Lines {
			p, ok := bySKU[l.SKU]
			switch {
			case !ok || !onOrder(lines, p.ID):
				bad.WithField(fmt.Sprintf("lines[%d].sku", i), fmt.Sprintf("%s is not on order %s", l.SKU, o.Number))
			case want[p.ID]+l.Quantity > shipped[p.ID]:
				bad.WithField(fmt.Sprintf("lines[%d].quantity", i), fmt.Sprintf("%d of %s may still come back on order %s", max(shipped[p.ID], 0), l.SKU, o.Number))
			}
			want[p.ID] += l.Quantity
		}
		if len(bad.Fields) > 0 {
			return bad
		}
		var prior returnRow
		err = tx.Where("merchant_id = ? AND number = ?", nr.MerchantID, nr.Number).Take(&prior).Error
		if err == nil {
			id = prior.ID
			return sameReturn(tx, prior, o.ID, nr, want)
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		row := returnRow{MerchantID: nr.MerchantID, OrderID: o.ID, Number: nr.Number, Reason: string(nr.Reason), Disposition: string(nr.Disposition),
			Status: string(soko.ReturnAnnounced), Announced: true, ExchangeAtOnce: nr.ExchangeAtOnce && nr.Disposition == soko.ReturnExchange,
			Note: nr.Note, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
				return soko.Errorf(soko.ECONFLICT, "return %s already exists", nr.Number).JA("返品番号 %s はすでに登録されています", nr.Number).WithField("return_no", "exists")
			}
			return err
		}
		id = row.ID
		for _, pid := range sortedKeys(want) {
			if err := tx.Create(&returnLineRow{ReturnID: row.ID, ProductID: pid, Quantity: want[pid]}).Error; err != nil {
				return err
			}
		}
		if row.ExchangeAtOnce {
			if _, err := exchangeOrder(tx, &row, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.ReturnByID(ctx, id)
}

func onOrder(lines []orderLineRow, productID int64) bool {
	for _, l := range lines {
		if l.ProductID == productID {
			return true
		}
	}
	return false
}

// sameReturn refuses a return number sent again with other content.
func sameReturn(tx *gorm.DB, prior returnRow, orderID int64, nr *soko.NewReturn, want map[int64]int) error {
	var lines []returnLineRow
	if err := tx.Where("return_id = ? AND quantity > 0", prior.ID).Find(&lines).Error; err != nil {
		return err
	}
	same := prior.OrderID == orderID && prior.Reason == string(nr.Reason) && prior.Disposition == string(nr.Disposition) && len(lines) == len(want)
	for _, l := range lines {
		same = same && want[l.ProductID] == l.Quantity
	}
	if !same {
		return soko.Errorf(soko.ECONFLICT, "return %s already exists with other content", nr.Number).
			JA("返品番号 %s は別の内容ですでに登録されています", nr.Number).WithField("return_no", "exists")
	}
	return nil
}

func sortedKeys(m map[int64]int) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// exchangeOrder makes a return's replacement order, once: the original's
// ship-to, carrier and service, the announced lines at no charge. Its
// number is the original's with -EX and the return's id. It returns the
// new order's id, or 0 when the return has one already.
func exchangeOrder(tx *gorm.DB, r *returnRow, now time.Time) (int64, error) {
	if r.ExchangeOrderID != nil || r.Disposition != string(soko.ReturnExchange) {
		return 0, nil
	}
	var orig orderRow
	if err := tx.Where("id = ?", r.OrderID).Take(&orig).Error; err != nil {
		return 0, err
	}
	if orig.PersonalDataErasedAt != nil {
		return 0, soko.Errorf(soko.ECONFLICT, "order %s's ship-to was erased: send the exchange as a new order", orig.Number).
			JA("注文 %s のお届け先は削除済みです。交換品は新しい出荷指示で送ってください", orig.Number)
	}
	var lines []returnLineRow
	if err := tx.Where("return_id = ? AND quantity > 0", r.ID).Order("id").Find(&lines).Error; err != nil {
		return 0, err
	}
	var prices []orderLineRow
	if err := tx.Where("order_id = ?", orig.ID).Find(&prices).Error; err != nil {
		return 0, err
	}
	taxRate := map[int64]int{}
	for _, l := range prices {
		taxRate[l.ProductID] = l.TaxRate
	}
	o := orig.order()
	o.ID, o.Number, o.Status, o.HeldFrom, o.HoldReason, o.HoldNote = 0, fmt.Sprintf("%s-EX%d", orig.Number, r.ID), soko.OrderReceived, "", "", ""
	o.DeliveryDate, o.TimeSlot, o.CODAmount, o.ShippingFee, o.CODFee, o.Discount = time.Time{}, "", 0, 0, 0, 0
	o.OrderedAt, o.Note = now, fmt.Sprintf("交換品（返品 %s / exchange for return %s）", r.Number, r.Number)
	o.ConsolidatedInto = 0 // the exchange leaves in a parcel of its own
	o.Lines = nil
	for _, l := range lines {
		o.Lines = append(o.Lines, soko.OrderLine{ProductID: l.ProductID, Quantity: l.Quantity, TaxRate: taxRate[l.ProductID]})
	}
	if len(o.Lines) == 0 {
		return 0, nil
	}
	if err := createOrder(tx, o, now); err != nil {
		return 0, err
	}
	r.ExchangeOrderID = &o.ID
	return o.ID, tx.Model(&returnRow{}).Where("id = ?", r.ID).Updates(map[string]any{"exchange_order_id": o.ID, "updated_at": now}).Error
}

// FindReturn returns a merchant's return by its number, or ENOTFOUND.
func (db *DB) FindReturn(ctx context.Context, merchantID int64, number string) (*soko.Return, error) {
	var r returnRow
	if err := db.conn(ctx).Where("merchant_id = ? AND number = ?", merchantID, number).Take(&r).Error; err != nil {
		return nil, notFound(err, returnNotFound(number))
	}
	out := []*soko.Return{r.ret()}
	return out[0], db.loadReturns(ctx, out, []returnRow{r})
}

// ReturnByID returns any merchant's return, for the warehouse's staff.
func (db *DB) ReturnByID(ctx context.Context, id int64) (*soko.Return, error) {
	var r returnRow
	if err := db.conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err, returnNotFound(fmt.Sprint(id)))
	}
	out := []*soko.Return{r.ret()}
	return out[0], db.loadReturns(ctx, out, []returnRow{r})
}

// ListReturns returns a page of returns, oldest first: a merchant's, or
// every merchant's for the console (MerchantID 0); Open keeps those not completed.
func (db *DB) ListReturns(ctx context.Context, f soko.ReturnFilter) ([]*soko.Return, error) {
	q := db.conn(ctx)
	if f.MerchantID != 0 {
		q = q.Where("merchant_id = ?", f.MerchantID)
	}
	if f.Open {
		q = q.Where("status <> ?", string(soko.ReturnCompleted))
	}
	var rows []returnRow
	if err := paged(q, f.Page, "id", "updated_at").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*soko.Return, len(rows))
	for i, r := range rows {
		out[i] = r.ret()
	}
	return out, db.loadReturns(ctx, out, rows)
}

// loadReturns fills in the returns' merchants, orders, lines and grades.
func (db *DB) loadReturns(ctx context.Context, rs []*soko.Return, rows []returnRow) error {
	if len(rs) == 0 {
		return nil
	}
	tx := db.conn(ctx)
	byID, ids := index(rs, func(r *soko.Return) int64 { return r.ID })
	var orderIDs []int64
	for _, r := range rows {
		orderIDs = append(orderIDs, r.OrderID)
		if r.ExchangeOrderID != nil {
			orderIDs = append(orderIDs, *r.ExchangeOrderID)
		}
	}
	var orders []struct {
		ID     int64
		Number string
		Name   string
	}
	if err := tx.Raw(`SELECT o.id, o.number, m.name FROM orders o JOIN merchants m ON m.id = o.merchant_id WHERE o.id IN ?`, orderIDs).Scan(&orders).Error; err != nil {
		return translate(err)
	}
	numbers, names := map[int64]string{}, map[int64]string{}
	for _, o := range orders {
		numbers[o.ID], names[o.ID] = o.Number, o.Name
	}
	for _, r := range rows {
		out := byID[r.ID]
		out.OrderNumber, out.MerchantName = numbers[r.OrderID], names[r.OrderID]
		if r.ExchangeOrderID != nil {
			out.ExchangeOrderNo = numbers[*r.ExchangeOrderID]
		}
	}
	var lines []struct {
		ID, ReturnID, ProductID int64
		SKU, Name               string
		Quantity                int
	}
	if err := tx.Raw(`SELECT l.id, l.return_id, l.product_id, p.sku, p.name, l.quantity FROM return_lines l JOIN products p ON p.id = l.product_id
		WHERE l.return_id IN ? ORDER BY l.return_id, l.id`, ids).Scan(&lines).Error; err != nil {
		return translate(err)
	}
	at := map[int64]int{}
	for _, l := range lines {
		r := byID[l.ReturnID]
		at[l.ID] = len(r.Lines)
		r.Lines = append(r.Lines, soko.ReturnLine{ID: l.ID, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, Quantity: l.Quantity, Graded: map[soko.ReturnGrade]int{}})
	}
	var graded []struct {
		ReturnID     int64
		ReturnLineID *int64
		Grade        string
		N            int
	}
	if err := tx.Raw(`SELECT return_id, return_line_id, grade, COUNT(*) AS n FROM return_units WHERE return_id IN ?
		GROUP BY return_id, return_line_id, grade`, ids).Scan(&graded).Error; err != nil {
		return translate(err)
	}
	for _, g := range graded {
		r := byID[g.ReturnID]
		if g.ReturnLineID == nil {
			r.Wrong += g.N
			continue
		}
		r.Lines[at[*g.ReturnLineID]].Graded[soko.ReturnGrade(g.Grade)] = g.N
	}
	return nil
}

// IdentifyReturn finds the return of a parcel the returns desk scanned,
// by its tracking number or its order's number (the slip's barcode): the
// order's open return, which starts receiving; or, when the merchant
// announced none, a new unannounced return (a carrier return) to inspect.
func (db *DB) IdentifyReturn(ctx context.Context, code string) (*soko.Return, error) {
	now := db.now()
	var id int64
	err := db.transact(ctx, func(tx *gorm.DB) error {
		tracking := ""
		var orderIDs []int64
		if n := carrier.NormalizeTrackingNumber(code); n != "" {
			if err := tx.Table("parcels").Where("tracking_number = ?", n).Distinct().Pluck("order_id", &orderIDs).Error; err != nil {
				return err
			}
			if len(orderIDs) > 0 {
				tracking = n
			}
		}
		if len(orderIDs) == 0 {
			number := soko.ScannedCode(code)
			if err := tx.Table("orders").Where("number = ? AND status = ?", number, string(soko.OrderShipped)).Order("id").Pluck("id", &orderIDs).Error; err != nil {
				return err
			}
		}
		switch {
		case len(orderIDs) == 0:
			return soko.Errorf(soko.ENOTFOUND, "no shipped parcel or order has the code %s", code).
				JA("%s に該当する出荷済みの荷物・注文はありません", code).WithField("code", "unknown")
		case len(orderIDs) > 1:
			return soko.Errorf(soko.ECONFLICT, "%d merchants have an order %s: scan the tracking number instead", len(orderIDs), code).
				JA("複数の荷主に注文番号 %s があります。送り状番号をスキャンしてください", code)
		}
		var o orderRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", orderIDs[0]).Take(&o).Error; err != nil {
			return err
		}
		if o.Status != string(soko.OrderShipped) {
			return soko.Errorf(soko.ECONFLICT, "order %s has not shipped (%s)", o.Number, o.Status).JA("注文 %s は出荷されていません（%s）", o.Number, o.Status)
		}
		var open returnRow
		err := tx.Where("order_id = ? AND status IN ?", o.ID, []string{string(soko.ReturnAnnounced), string(soko.ReturnReceiving)}).Order("id").Take(&open).Error
		if err == nil {
			id = open.ID
			updates := map[string]any{"status": string(soko.ReturnReceiving), "updated_at": now}
			if tracking != "" {
				updates["tracking_number"] = tracking
			}
			return tx.Model(&returnRow{}).Where("id = ?", open.ID).Updates(updates).Error
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		var n int64
		if err := tx.Model(&returnRow{}).Where("order_id = ?", o.ID).Count(&n).Error; err != nil {
			return err
		}
		row := returnRow{MerchantID: o.MerchantID, OrderID: o.ID, Number: fmt.Sprintf("CR-%s-%d", o.Number, n+1), Reason: string(soko.ReasonCarrierReturn),
			Disposition: string(soko.ReturnInspect), Status: string(soko.ReturnReceiving), TrackingNumber: tracking, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		id = row.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.ReturnByID(ctx, id)
}

// ReceiveReturnUnit records one unit of a return the desk scanned and
// graded, and moves it where the desk sent it, in one transaction with
// the scan (a scan sent twice is received once): a sellable unit back to
// a shelf, as stock with a return ledger line, any unit to a quarantine
// location likewise (stock there is never allocated), or to disposal as a
// return line in and an adjustment out at the receiving location; a unit
// not the merchant's moves no stock. Every ledger line names the staff,
// the return and the grade.
func (db *DB) ReceiveReturnUnit(ctx context.Context, u *soko.ReturnUnitScan) (*soko.Return, error) {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := claimScan(tx, soko.ScanEvent{ScanID: u.ScanID, StaffID: u.StaffID, Device: u.Device, Step: "return", Code: u.Code}, now); err != nil {
			return err
		}
		var r returnRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", u.ReturnID).Take(&r).Error; err != nil {
			return notFound(err, returnNotFound(fmt.Sprint(u.ReturnID)))
		}
		if r.Status != string(soko.ReturnReceiving) && r.Status != string(soko.ReturnAnnounced) {
			return soko.Errorf(soko.ECONFLICT, "return %s is %s: it takes no more units", r.Number, r.Status).
				JA("返品 %s は受付を終えています", r.Number)
		}
		if !u.Grade.Allows(u.Destination) {
			return soko.Errorf(soko.EINVALID, "a %s unit cannot go to %s", u.Grade, u.Destination).
				JA("%sの商品は%sにできません", u.Grade.Label().JA, destinationJA(u.Destination)).WithField("destination", string(u.Destination))
		}
		unit := returnUnitRow{ReturnID: r.ID, Code: u.Code, Grade: string(u.Grade), Destination: string(u.Destination),
			StaffID: nullID(u.StaffID), ScanID: u.ScanID, CreatedAt: now}
		if u.Grade != soko.GradeWrong {
			line, err := returnLineFor(tx, r, u.ProductID)
			if err != nil {
				return err
			}
			unit.ReturnLineID = &line.ID
			loc, err := returnLocation(tx, u)
			if err != nil {
				return err
			}
			if u.Destination != soko.DestDisposal {
				unit.LocationID = &loc.ID
			}
			if err := moveReturnedUnit(tx, &r, u, line.ProductID, loc, now); err != nil {
				return err
			}
		}
		if err := tx.Create(&unit).Error; err != nil {
			return err
		}
		return tx.Model(&returnRow{}).Where("id = ?", r.ID).Updates(map[string]any{"status": string(soko.ReturnReceiving), "updated_at": now}).Error
	})
	if err != nil {
		return nil, err
	}
	return db.ReturnByID(ctx, u.ReturnID)
}

func destinationJA(d soko.ReturnDestination) string {
	return map[soko.ReturnDestination]string{soko.DestStock: "棚戻し", soko.DestQuarantine: "保留ロケーション行き", soko.DestDisposal: "廃棄", soko.DestNone: "対象外"}[d]
}

// returnLineFor is the return's line of the product, made (announced as
// 0) when the product came without being announced; a product that is
// not on the order is refused: it is graded 誤配 or it is another order's.
func returnLineFor(tx *gorm.DB, r returnRow, productID int64) (returnLineRow, error) {
	var line returnLineRow
	err := tx.Where("return_id = ? AND product_id = ?", r.ID, productID).Take(&line).Error
	if err == nil || !errors.Is(err, gorm.ErrRecordNotFound) {
		return line, err
	}
	var n int64
	if err := tx.Table("order_lines").Where("order_id = ? AND product_id = ?", r.OrderID, productID).Count(&n).Error; err != nil {
		return line, err
	}
	if n == 0 {
		return line, soko.Errorf(soko.EINVALID, "this item was not shipped on the order: grade it as not ours (誤配)").
			JA("この商品は注文にありません。誤配として受け付けてください").WithField("code", "not on the order")
	}
	line = returnLineRow{ReturnID: r.ID, ProductID: productID}
	return line, tx.Create(&line).Error
}

// returnLocation is where a unit goes: the shelf scanned for stock (a pick
// or reserve location), the quarantine location scanned (a receiving-kind
// location: never allocated), and the receiving location for disposal.
func returnLocation(tx *gorm.DB, u *soko.ReturnUnitScan) (locationRow, error) {
	if u.Destination == soko.DestDisposal {
		return receivingLocation(tx)
	}
	if u.Location == "" {
		return locationRow{}, soko.Errorf(soko.EINVALID, "scan where the unit goes").JA("戻し先のロケーションをスキャンしてください").WithField("location", "missing")
	}
	loc, err := findLocation(tx, u.Location)
	if err != nil {
		return loc, err
	}
	shelf := loc.Kind == string(soko.LocationPick) || loc.Kind == string(soko.LocationReserve)
	switch {
	case u.Destination == soko.DestStock && !shelf:
		return loc, soko.Errorf(soko.EINVALID, "%s is not a shelf", loc.Code).JA("%s は棚ではありません（棚戻しは保管ロケーションへ）", loc.Code).WithField("location", loc.Code)
	case u.Destination == soko.DestQuarantine && loc.Kind != string(soko.LocationReceiving):
		return loc, soko.Errorf(soko.EINVALID, "%s is not a quarantine location: use a receiving-kind location, which is never allocated", loc.Code).
			JA("%s は保留ロケーションではありません（引当されない入荷場ロケーションを使ってください）", loc.Code).WithField("location", loc.Code)
	case u.Destination == soko.DestQuarantine:
		// Not where new goods wait to be put away: returns would be shelved with them.
		receiving, err := receivingLocation(tx)
		if err == nil && receiving.ID == loc.ID {
			return loc, soko.Errorf(soko.EINVALID, "%s is where received goods wait for put-away, not a quarantine location", loc.Code).
				JA("%s は入荷品の棚入れ待ち場所です。保留ロケーションではありません", loc.Code).WithField("location", loc.Code)
		}
	}
	return loc, nil
}

// moveReturnedUnit puts the unit on the location with a return ledger
// line, and takes it off again for disposal.
func moveReturnedUnit(tx *gorm.DB, r *returnRow, u *soko.ReturnUnitScan, productID int64, loc locationRow, now time.Time) error {
	st, err := addStock(tx, loc.ID, productID, "", time.Time{}, 1)
	if err != nil {
		return err
	}
	why := fmt.Sprintf("return %s: %s", r.Number, u.Grade)
	lines := []stockMovementRow{{StockID: st, Kind: string(soko.MoveReturn), OnHandDelta: 1, Reason: why + " → " + string(u.Destination)}}
	if u.Destination == soko.DestDisposal {
		if err := tx.Exec(`UPDATE stock SET on_hand = on_hand - 1 WHERE id = ?`, st).Error; err != nil {
			return err
		}
		lines = append(lines, stockMovementRow{StockID: st, Kind: string(soko.MoveAdjust), OnHandDelta: -1, Reason: why + " disposed"})
	}
	for _, line := range lines {
		line.StaffID, line.DocumentType, line.DocumentID, line.ScanID, line.CreatedAt = nullID(u.StaffID), "return", &r.ID, &u.ScanID, now
		if err := tx.Create(&line).Error; err != nil {
			return err
		}
	}
	return nil
}

// returnWebhookData is the data of return.received and return.completed.
type returnWebhookData struct {
	ReturnNo        string              `json:"return_no"`
	Announced       bool                `json:"announced"`
	Reason          string              `json:"reason"`
	Disposition     string              `json:"disposition"`
	Status          string              `json:"status"`
	TrackingNumber  string              `json:"tracking_number,omitempty"`
	ExchangeOrderNo string              `json:"exchange_order_no,omitempty"`
	Lines           []returnWebhookLine `json:"lines"`
	NotOurs         int                 `json:"not_ours"`
}

type returnWebhookLine struct {
	SKU      string         `json:"sku"`
	Quantity int            `json:"quantity"`
	Received int            `json:"received"`
	Grades   map[string]int `json:"grades"`
}

// FinishReturn ends the receiving of a return the desk has scanned: it is
// received, and its merchant hears return.received with what came back
// per line and grade (the signal to refund); an exchange gets its
// replacement order now unless it had it at once. A return not waiting
// for the merchant's inspection completes at once (return.completed);
// CompleteReturn completes the others. It is done once: finishing a
// received return again changes nothing.
func (db *DB) FinishReturn(ctx context.Context, id, staffID int64) (*soko.ReturnReceipt, error) {
	now := db.now()
	var made int64
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var r returnRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", id).Take(&r).Error; err != nil {
			return notFound(err, returnNotFound(fmt.Sprint(id)))
		}
		if r.Status == string(soko.ReturnReceived) || r.Status == string(soko.ReturnCompleted) {
			return nil
		}
		var units int64
		if err := tx.Model(&returnUnitRow{}).Where("return_id = ?", r.ID).Count(&units).Error; err != nil {
			return err
		}
		if units == 0 {
			return soko.Errorf(soko.ECONFLICT, "return %s has no units yet: scan them first", r.Number).JA("返品 %s の商品がまだスキャンされていません", r.Number)
		}
		var err error
		if made, err = exchangeOrder(tx, &r, now); err != nil {
			return err
		}
		r.Status, r.ReceivedAt = string(soko.ReturnReceived), &now
		if err := tx.Model(&returnRow{}).Where("id = ?", r.ID).Updates(map[string]any{"status": r.Status, "received_at": now, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := queueReturnEvent(tx, &r, "return.received", now); err != nil {
			return err
		}
		if r.Disposition == string(soko.ReturnInspect) {
			return nil
		}
		return completeReturn(tx, &r, now)
	})
	if err != nil {
		return nil, err
	}
	ret, err := db.ReturnByID(ctx, id)
	return &soko.ReturnReceipt{Return: ret, ExchangeOrder: made}, err
}

// CompleteReturn closes a received return once the merchant's inspection
// is settled, with return.completed; a completed one stays as it is.
func (db *DB) CompleteReturn(ctx context.Context, id int64) (*soko.Return, error) {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var r returnRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", id).Take(&r).Error; err != nil {
			return notFound(err, returnNotFound(fmt.Sprint(id)))
		}
		switch r.Status {
		case string(soko.ReturnCompleted):
			return nil
		case string(soko.ReturnReceived):
			return completeReturn(tx, &r, now)
		}
		return soko.Errorf(soko.ECONFLICT, "return %s is not received yet", r.Number).JA("返品 %s はまだ受付が終わっていません", r.Number)
	})
	if err != nil {
		return nil, err
	}
	return db.ReturnByID(ctx, id)
}

func completeReturn(tx *gorm.DB, r *returnRow, now time.Time) error {
	r.Status, r.CompletedAt = string(soko.ReturnCompleted), &now
	if err := tx.Model(&returnRow{}).Where("id = ?", r.ID).Updates(map[string]any{"status": r.Status, "completed_at": now, "updated_at": now}).Error; err != nil {
		return err
	}
	return queueReturnEvent(tx, r, "return.completed", now)
}

// queueReturnEvent queues a return's webhook with its lines as they stand;
// its id is stable per return and event, so a receiver drops a repeat.
func queueReturnEvent(tx *gorm.DB, r *returnRow, eventType string, now time.Time) error {
	data := returnWebhookData{ReturnNo: r.Number, Announced: r.Announced, Reason: r.Reason, Disposition: r.Disposition, Status: r.Status,
		TrackingNumber: r.TrackingNumber, Lines: []returnWebhookLine{}}
	var o orderRow
	if err := tx.Where("id = ?", r.OrderID).Take(&o).Error; err != nil {
		return err
	}
	if r.ExchangeOrderID != nil {
		if err := tx.Table("orders").Where("id = ?", *r.ExchangeOrderID).Pluck("number", &data.ExchangeOrderNo).Error; err != nil {
			return err
		}
	}
	var lines []struct {
		ID       int64
		SKU      string
		Quantity int
	}
	if err := tx.Raw(`SELECT l.id, p.sku, l.quantity FROM return_lines l JOIN products p ON p.id = l.product_id WHERE l.return_id = ? ORDER BY l.id`, r.ID).
		Scan(&lines).Error; err != nil {
		return err
	}
	var graded []struct {
		ReturnLineID *int64
		Grade        string
		N            int
	}
	if err := tx.Raw(`SELECT return_line_id, grade, COUNT(*) AS n FROM return_units WHERE return_id = ? GROUP BY return_line_id, grade`, r.ID).
		Scan(&graded).Error; err != nil {
		return err
	}
	for _, l := range lines {
		wl := returnWebhookLine{SKU: l.SKU, Quantity: l.Quantity, Grades: map[string]int{}}
		for _, g := range graded {
			if g.ReturnLineID != nil && *g.ReturnLineID == l.ID {
				wl.Grades[g.Grade] = g.N
				wl.Received += g.N
			}
		}
		data.Lines = append(data.Lines, wl)
	}
	for _, g := range graded {
		if g.ReturnLineID == nil {
			data.NotOurs += g.N
		}
	}
	orderID := o.ID
	return queueWebhook(tx, r.MerchantID, &orderID, webhookPayload{
		ID: fmt.Sprintf("evt_return_%d_%s", r.ID, strings.TrimPrefix(eventType, "return.")), Type: eventType, OccurredAt: now,
		Order: &orderRef{Number: o.Number, Status: o.Status}, Data: data,
	})
}

// ReturnsReport returns what the console shows of returns: the open ones,
// oldest first, and over every return, the count by reason and the units
// returned by product beside the units shipped.
func (db *DB) ReturnsReport(ctx context.Context) (*soko.ReturnsReport, error) {
	open, err := db.ListReturns(ctx, soko.ReturnFilter{Open: true, Page: soko.Page{Limit: 200}})
	if err != nil {
		return nil, err
	}
	if len(open) > 200 {
		open = open[:200]
	}
	rep := &soko.ReturnsReport{Open: open}
	tx := db.conn(ctx)
	if err := tx.Raw(`SELECT reason, COUNT(*) AS returns FROM returns GROUP BY reason ORDER BY COUNT(*) DESC, reason`).Scan(&rep.ByReason).Error; err != nil {
		return nil, translate(err)
	}
	err = tx.Raw(`SELECT m.code AS merchant, p.sku, p.name, r.returned, r.returns,
			COALESCE((SELECT SUM(ol.quantity) FROM order_lines ol JOIN orders o ON o.id = ol.order_id WHERE ol.product_id = p.id AND o.status = 'shipped'), 0) AS shipped
		FROM (SELECT l.product_id, COUNT(u.id) AS returned, COUNT(DISTINCT l.return_id) AS returns
			FROM return_lines l LEFT JOIN return_units u ON u.return_line_id = l.id GROUP BY l.product_id) r
		JOIN products p ON p.id = r.product_id JOIN merchants m ON m.id = p.merchant_id
		ORDER BY r.returns DESC, r.returned DESC, p.sku LIMIT 100`).Scan(&rep.ByProduct).Error
	return rep, translate(err)
}

// checkReturns: every returned unit that went to stock, quarantine or
// disposal has its ledger lines (a return line in, and for disposal an
// adjustment out) under the scan that received it, a unit not the
// merchant's has none, and every exchange that is due has its replacement
// order.
func checkReturns(tx *gorm.DB) (Check, error) {
	c := Check{Name: "returns in the ledger"}
	var bad []struct {
		ScanID      string
		Destination string
		In, Out     int
	}
	err := tx.Raw(`SELECT u.scan_id, u.destination,
			COALESCE(SUM(CASE WHEN m.kind = 'return' THEN m.on_hand_delta ELSE 0 END), 0) AS "in",
			COALESCE(SUM(CASE WHEN m.kind = 'adjust' THEN -m.on_hand_delta ELSE 0 END), 0) AS "out"
		FROM return_units u LEFT JOIN stock_movements m ON m.scan_id = u.scan_id AND m.document_type = 'return' AND m.document_id = u.return_id
		GROUP BY u.id, u.scan_id, u.destination
		HAVING (u.destination = 'none' AND COUNT(m.id) > 0)
			OR (u.destination IN ('stock', 'quarantine') AND (COALESCE(SUM(CASE WHEN m.kind = 'return' THEN m.on_hand_delta ELSE 0 END), 0) <> 1 OR COUNT(m.id) <> 1))
			OR (u.destination = 'disposal' AND (COUNT(m.id) <> 2 OR COALESCE(SUM(m.on_hand_delta), 0) <> 0))
		ORDER BY u.scan_id`).Scan(&bad).Error
	if err != nil {
		return c, err
	}
	for _, b := range bad {
		c.add("returned unit %s (%s) has ledger lines %d in, %d out", b.ScanID, b.Destination, b.In, b.Out)
	}
	var noExchange []string
	err = tx.Raw(`SELECT r.number FROM returns r WHERE r.disposition = 'exchange' AND r.exchange_order_id IS NULL
		AND (r.exchange_at_once OR r.status IN ('received', 'completed'))`).Scan(&noExchange).Error
	for _, n := range noExchange {
		c.add("exchange %s has no replacement order", n)
	}
	var units, returns int64
	if err == nil {
		err = tx.Table("return_units").Count(&units).Error
	}
	if err == nil {
		err = tx.Table("returns").Count(&returns).Error
	}
	c.Detail = fmt.Sprintf("%d returns, %d units received, each in the ledger as graded", returns, units)
	return c, err
}
