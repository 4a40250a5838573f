package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type kittingTaskRow struct {
	ID           int64
	MerchantID   int64
	SetProductID int64
	Quantity     int
	LocationID   int64
	Status       string
	Note         string
	CreatedBy    *int64
	DoneBy       *int64
	CreatedAt    time.Time
	DoneAt       *time.Time
}

func (kittingTaskRow) TableName() string { return "kitting_tasks" }

// kittingSelect reads kitting tasks with their set's and location's names.
const kittingSelect = `SELECT k.id, k.merchant_id, m.code AS merchant_code, k.set_product_id, p.sku AS set_sku, p.name AS set_name,
	k.quantity, l.code AS location, k.status, k.note, k.created_by, k.done_by, k.created_at, k.done_at
	FROM kitting_tasks k JOIN products p ON p.id = k.set_product_id JOIN merchants m ON m.id = k.merchant_id
	JOIN locations l ON l.id = k.location_id`

type kittingView struct {
	ID, MerchantID, SetProductID  int64
	MerchantCode, SetSKU, SetName string
	Quantity                      int
	Location, Status, Note        string
	CreatedBy, DoneBy             *int64
	CreatedAt                     time.Time
	DoneAt                        *time.Time
}

func (r kittingView) task() *soko.KittingTask {
	return &soko.KittingTask{ID: r.ID, MerchantID: r.MerchantID, MerchantCode: r.MerchantCode, SetProductID: r.SetProductID,
		SetSKU: r.SetSKU, SetName: r.SetName, Quantity: r.Quantity, Location: r.Location, Status: soko.KittingStatus(r.Status),
		Note: r.Note, CreatedBy: fromNullID(r.CreatedBy), DoneBy: fromNullID(r.DoneBy), CreatedAt: r.CreatedAt, DoneAt: fromNull(r.DoneAt)}
}

// CreateKittingTask records a supervisor's kitting task for k's merchant:
// Quantity kits of the set product k.SetSKU, to be put at the shelf
// k.Location. It fills in k's ID and names.
func (db *DB) CreateKittingTask(ctx context.Context, k *soko.KittingTask) error {
	if err := k.Validate(); err != nil {
		return err
	}
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		var p productRow
		err := tx.Where("merchant_id = ? AND sku = ?", k.MerchantID, k.SetSKU).Take(&p).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return soko.Errorf(soko.EINVALID, "no product %s", k.SetSKU).JA("商品 %s は登録されていません", k.SetSKU).WithField("sku", "unknown")
		} else if err != nil {
			return err
		}
		comps, err := componentsOf(tx, []int64{p.ID})
		if err != nil {
			return err
		}
		if len(comps[p.ID]) == 0 {
			return soko.Errorf(soko.EINVALID, "%s is not a set product", p.SKU).JA("%s はセット商品ではありません（構成品がありません）", p.SKU).WithField("sku", "not_set")
		}
		loc, err := kitShelf(tx, k.Location)
		if err != nil {
			return err
		}
		row := kittingTaskRow{MerchantID: k.MerchantID, SetProductID: p.ID, Quantity: k.Quantity, LocationID: loc.ID,
			Status: string(soko.KittingOpen), Note: k.Note, CreatedBy: nullID(k.CreatedBy), CreatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		k.ID, k.SetProductID, k.SetName, k.Location, k.Status, k.CreatedAt = row.ID, p.ID, p.Name, loc.Code, soko.KittingOpen, now
		return audit(tx, now, soko.AuditKittingCreate, "kitting_task", row.ID, nil,
			map[string]any{"merchant_id": k.MerchantID, "sku": p.SKU, "quantity": k.Quantity, "location": loc.Code})
	})
}

// OpenKittingTasks lists the kitting tasks not done yet, oldest first.
func (db *DB) OpenKittingTasks(ctx context.Context) ([]*soko.KittingTask, error) {
	var rows []kittingView
	if err := db.conn(ctx).Raw(kittingSelect+` WHERE k.status = ? ORDER BY k.id`, string(soko.KittingOpen)).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*soko.KittingTask, len(rows))
	for i, r := range rows {
		out[i] = r.task()
	}
	return out, nil
}

// KittingTask returns a kitting task with its components, their barcodes
// and the shelves that have them free now, or ENOTFOUND.
func (db *DB) KittingTask(ctx context.Context, id int64) (*soko.KittingTask, error) {
	k, err := kittingTask(db.conn(ctx), id)
	if err != nil {
		return nil, translate(err)
	}
	return k, nil
}

func kittingTask(tx *gorm.DB, id int64) (*soko.KittingTask, error) {
	var rows []kittingView
	if err := tx.Raw(kittingSelect+` WHERE k.id = ?`, id).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, soko.Errorf(soko.ENOTFOUND, "no kitting task %d", id).JA("キッティング作業 %d は見つかりません", id)
	}
	k := rows[0].task()
	comps, err := componentsOf(tx, []int64{k.SetProductID})
	if err != nil {
		return nil, err
	}
	ids := []int64{k.SetProductID}
	for _, c := range comps[k.SetProductID] {
		k.Components = append(k.Components, soko.KitComponent{ProductID: c.ProductID, SKU: c.SKU, Name: c.Name, PerKit: c.Quantity, Quantity: c.Quantity * k.Quantity})
		ids = append(ids, c.ProductID)
	}
	var codes []productBarcodeRow
	if err := tx.Where("product_id IN ?", ids).Order("id").Find(&codes).Error; err != nil {
		return nil, err
	}
	var free []struct {
		ProductID int64
		Location  string
		Free      int
	}
	err = tx.Raw(`SELECT s.product_id, l.code AS location, SUM(s.on_hand - s.allocated) AS free
		FROM stock s JOIN locations l ON l.id = s.location_id
		WHERE s.product_id IN ? AND l.kind IN ('pick', 'reserve') AND s.on_hand > s.allocated
		GROUP BY s.product_id, l.code, l.kind, l.walk_sequence ORDER BY s.product_id, l.kind, l.walk_sequence, l.code`, ids[1:]).Scan(&free).Error
	if err != nil {
		return nil, err
	}
	for i := range k.Components {
		c := &k.Components[i]
		for _, b := range codes {
			if b.ProductID == c.ProductID {
				c.Barcodes = append(c.Barcodes, b.Code)
			}
		}
		for _, f := range free {
			if f.ProductID == c.ProductID {
				c.From = append(c.From, soko.KitSource{Location: f.Location, Free: f.Free})
			}
		}
	}
	for _, b := range codes {
		if b.ProductID == k.SetProductID {
			k.SetBarcodes = append(k.SetBarcodes, b.Code)
		}
	}
	return k, nil
}

// CompleteKitting finishes an open kitting task in one transaction: each
// component's picked units leave the shelves they were taken from (free
// units only, oldest expiry first) and the kits arrive at d.Location (the
// task's location when empty) as the set product's own stock, with a
// ledger line each way. The picks must add up to what the kits take.
func (db *DB) CompleteKitting(ctx context.Context, d *soko.KittingFinish) (*soko.KittingTask, error) {
	now := db.now()
	var out *soko.KittingTask
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row kittingTaskRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", d.TaskID).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "no kitting task %d", d.TaskID).JA("キッティング作業 %d は見つかりません", d.TaskID)
			}
			return err
		}
		if row.Status != string(soko.KittingOpen) {
			return soko.Errorf(soko.ECONFLICT, "kitting task %d is %s", row.ID, row.Status).JA("キッティング作業 %d は終了しています", row.ID)
		}
		k, err := kittingTask(tx, row.ID)
		if err != nil {
			return err
		}
		to := row.LocationID
		if d.Location != "" {
			loc, err := kitShelf(tx, d.Location)
			if err != nil {
				return err
			}
			to, k.Location = loc.ID, loc.Code
		}
		if err := checkKitPicks(k, d.Picks); err != nil {
			return err
		}
		doc := row.ID
		ledger := func(stockID int64, n int, reason string) error {
			return tx.Create(&stockMovementRow{StockID: stockID, Kind: string(soko.MoveAdjust), OnHandDelta: n, StaffID: nullID(d.StaffID),
				Reason: reason, DocumentType: "kitting_task", DocumentID: &doc, CreatedAt: now}).Error
		}
		bySKU := map[string]int64{}
		for _, c := range k.Components {
			bySKU[c.SKU] = c.ProductID
		}
		for i, p := range d.Picks {
			if err := takeForKits(tx, db.dialect, bySKU[p.SKU], p, fmt.Sprintf("picks[%d].location", i), ledger); err != nil {
				return err
			}
		}
		kits, err := addStock(tx, to, row.SetProductID, "", time.Time{}, row.Quantity)
		if err != nil {
			return err
		}
		if err := ledger(kits, row.Quantity, fmt.Sprintf("kitting: %d kits of %s in", row.Quantity, k.SetSKU)); err != nil {
			return err
		}
		if err := tx.Model(&kittingTaskRow{}).Where("id = ?", row.ID).
			Updates(map[string]any{"status": string(soko.KittingDone), "done_by": nullID(d.StaffID), "done_at": now}).Error; err != nil {
			return err
		}
		k.Status, k.DoneBy, k.DoneAt = soko.KittingDone, d.StaffID, now
		out = k
		return nil
	})
	return out, err
}

// kitShelf is the shelf (a pick or reserve location) kits are put at; an
// unknown code or another kind of location is bad input naming the field,
// as other bad references in a request are, not a missing resource.
func kitShelf(tx *gorm.DB, code string) (locationRow, error) {
	loc, err := findLocation(tx, code)
	if soko.ErrorCode(err) == soko.ENOTFOUND {
		return loc, unknownLocation(code, "location")
	} else if err != nil {
		return loc, err
	}
	if loc.Kind != string(soko.LocationPick) && loc.Kind != string(soko.LocationReserve) {
		return loc, soko.Errorf(soko.EINVALID, "%s is not a shelf", loc.Code).JA("%s は棚ではありません（キットの置き場所は保管ロケーションです）", loc.Code).WithField("location", "not_shelf")
	}
	return loc, nil
}

// unknownLocation refuses a request naming a location that does not exist.
func unknownLocation(code, field string) error {
	return soko.Errorf(soko.EINVALID, "no location %s", code).JA("ロケーション %s は登録されていません", code).WithField(field, "unknown")
}

// checkKitPicks says which components the picks do not add up for.
func checkKitPicks(k *soko.KittingTask, picks []soko.KitPick) error {
	got := map[string]int{}
	for _, p := range picks {
		got[p.SKU] += p.Units
	}
	bad := soko.Errorf(soko.ECONFLICT, "the picked components do not make %d kits", k.Quantity).
		JA("構成品の数がキット %d 個分と合いません", k.Quantity)
	known := map[string]bool{}
	for _, c := range k.Components {
		known[c.SKU] = true
		if got[c.SKU] != c.Quantity {
			bad.WithField("picks", fmt.Sprintf("%s: %d / %d", c.SKU, got[c.SKU], c.Quantity))
		}
	}
	for i, p := range picks {
		if !known[p.SKU] || p.Units < 1 {
			bad.WithField(fmt.Sprintf("picks[%d]", i), p.SKU+" is not a component / 構成品ではありません")
		}
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	return nil
}

// takeForKits takes a pick's units of product off the free stock at its
// location, oldest expiry first, with a ledger line per stock row; field
// names the pick's location in the refusal of an unknown one.
func takeForKits(tx *gorm.DB, dialect string, productID int64, p soko.KitPick, field string, ledger func(stockID int64, n int, reason string) error) error {
	loc, err := findLocation(tx, p.Location)
	if soko.ErrorCode(err) == soko.ENOTFOUND {
		return unknownLocation(p.Location, field)
	} else if err != nil {
		return err
	}
	rows, err := lockedByExpiry(tx.Where("location_id = ? AND product_id = ? AND on_hand > allocated", loc.ID, productID), dialect)
	if err != nil {
		return err
	}
	left := p.Units
	for _, r := range rows {
		n := min(left, r.OnHand-r.Allocated)
		res := tx.Exec(`UPDATE stock SET on_hand = on_hand - ? WHERE id = ? AND on_hand - allocated >= ?`, n, r.ID, n)
		if res.Error != nil {
			return res.Error
		}
		if err := ledger(r.ID, -n, "kitting: "+p.SKU+" out"); err != nil {
			return err
		}
		if left -= n; left == 0 {
			return nil
		}
	}
	return soko.Errorf(soko.ECONFLICT, "only %d units of %s are free at %s", p.Units-left, p.SKU, loc.Code).
		JA("%s には %s が %d 個しかありません", loc.Code, p.SKU, p.Units-left).WithField("location", loc.Code)
}

// CancelKittingTask ends an open kitting task without assembling
// anything.
func (db *DB) CancelKittingTask(ctx context.Context, id, staffID int64) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&kittingTaskRow{}).Where("id = ? AND status = ?", id, string(soko.KittingOpen)).
			Updates(map[string]any{"status": string(soko.KittingCancelled), "done_by": nullID(staffID), "done_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return soko.Errorf(soko.ECONFLICT, "kitting task %d is not open", id).JA("キッティング作業 %d は受付中ではありません", id)
		}
		return audit(tx, now, soko.AuditKittingCancel, "kitting_task", id, nil, nil)
	})
}
