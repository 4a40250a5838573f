package storage

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// findLocation returns the location with code, or ENOTFOUND naming it.
// Every lookup of a scanned or typed location comes here: the code as it
// is, else its normal form (soko.LocationCode: full-width, lower case, AIM
// prefix), so a shelf is found however the handheld's keyboard sent it.
func findLocation(tx *gorm.DB, code string) (locationRow, error) {
	var loc locationRow
	err := tx.Where("code = ?", code).Take(&loc).Error
	if norm := soko.LocationCode(code); errors.Is(err, gorm.ErrRecordNotFound) && norm != code {
		err = tx.Where("code = ?", norm).Take(&loc).Error
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return loc, soko.Errorf(soko.ENOTFOUND, "no location %s", code).JA("ロケーション %s は登録されていません", code).WithField("location", code)
	}
	return loc, err
}

// FindLocation returns the location with code, or ENOTFOUND.
func (db *DB) FindLocation(ctx context.Context, code string) (*soko.Location, error) {
	loc, err := findLocation(db.conn(ctx), code)
	if err != nil {
		return nil, translate(err)
	}
	return loc.location(), nil
}

// PutAway moves units of a product from one location (the receiving
// location by default) to a shelf, as soko's put-away rules decide
// (soko.PutAwayTo, soko.Move.Take), writing a movement pair per lot moved.
// It returns the lots moved.
func (db *DB) PutAway(ctx context.Context, m *soko.Move) ([]soko.StockLot, error) {
	now := db.now()
	var moved []soko.StockLot
	err := db.transact(ctx, func(tx *gorm.DB) error {
		if err := claimScan(tx, soko.ScanEvent{ScanID: m.ScanID, StaffID: m.StaffID, Device: m.Device, Step: "put_away", Code: m.Code}, now); err != nil {
			return err
		}
		to, err := findLocation(tx, m.To)
		if err != nil {
			return err
		}
		if err := soko.PutAwayTo(to.location()); err != nil {
			return err
		}
		var from locationRow
		if m.From == "" {
			from, err = receivingLocation(tx)
		} else {
			from, err = findLocation(tx, m.From)
		}
		if err != nil {
			return err
		}
		q := tx.Where("location_id = ? AND product_id = ? AND on_hand > allocated", from.ID, m.ProductID)
		if m.Lot != "" {
			q = q.Where("lot = ?", m.Lot)
		}
		rows, err := lockedByExpiry(q, db.dialect)
		if err != nil {
			return err
		}
		free := make([]int, len(rows))
		for i, r := range rows {
			free[i] = r.OnHand - r.Allocated
		}
		take, err := m.Take(from.location(), to.location(), free)
		if err != nil {
			return err
		}
		for i, r := range rows {
			if take[i] == 0 {
				continue
			}
			if err := moveUnits(tx, r, to.ID, take[i], m, now); err != nil {
				return err
			}
			moved = append(moved, soko.StockLot{Lot: r.Lot, Expiry: fromNull(r.Expiry), OnHand: take[i]})
		}
		return nil
	})
	return moved, err
}

// moveUnits takes n units off one stock row and onto the same lot at
// another location, with the two ledger lines of a move.
func moveUnits(tx *gorm.DB, src stockRow, toLocation int64, n int, m *soko.Move, now time.Time) error {
	res := tx.Exec(`UPDATE stock SET on_hand = on_hand - ? WHERE id = ? AND on_hand - allocated >= ?`, n, src.ID, n)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return soko.Errorf(soko.ECONFLICT, "stock changed while moving it").JA("在庫が他の操作で変わりました。もう一度スキャンしてください")
	}
	dst, err := addStock(tx, toLocation, src.ProductID, src.Lot, fromNull(src.Expiry), n)
	if err != nil {
		return err
	}
	for _, line := range []stockMovementRow{
		{StockID: src.ID, Kind: string(soko.MovePutAway), OnHandDelta: -n},
		{StockID: dst, Kind: string(soko.MovePutAway), OnHandDelta: n},
	} {
		line.StaffID, line.Reason, line.ScanID, line.CreatedAt = nullID(m.StaffID), "put away to "+m.To, &m.ScanID, now
		if err := tx.Create(&line).Error; err != nil {
			return err
		}
	}
	return nil
}
