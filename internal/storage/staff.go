package storage

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type staffRow struct {
	ID          int64
	BadgeCode   string
	Name        string
	Role        string
	PINHash     string `gorm:"column:pin_hash"`
	FailedPINs  int    `gorm:"column:failed_pins"`
	LockedUntil *time.Time
	Active      bool
	CreatedAt   time.Time
}

func (staffRow) TableName() string { return "staff" }

func (r staffRow) staff() *soko.Staff {
	return &soko.Staff{
		ID: r.ID, BadgeCode: r.BadgeCode, Name: r.Name, Role: soko.Role(r.Role), PINHash: r.PINHash,
		FailedPINs: r.FailedPINs, LockedUntil: fromNull(r.LockedUntil), Active: r.Active, CreatedAt: r.CreatedAt.UTC(),
	}
}

// CreateStaff stores a staff member whose PINHash is set, and sets its ID.
func (db *DB) CreateStaff(ctx context.Context, s *soko.Staff) error {
	if err := s.Validate(); err != nil {
		return err
	}
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		if err := createStaff(tx, s, now); err != nil {
			return err
		}
		after := staffAudit{Badge: s.BadgeCode, Name: s.Name, Role: string(s.Role), Active: s.Active}
		return audit(tx, now, soko.AuditStaffCreate, "staff", s.ID, nil, after)
	})
}

func createStaff(tx *gorm.DB, s *soko.Staff, now time.Time) error {
	s.CreatedAt = now
	row := staffRow{
		BadgeCode: s.BadgeCode, Name: s.Name, Role: string(s.Role), PINHash: s.PINHash,
		Active: s.Active, CreatedAt: now,
	}
	if err := tx.Create(&row).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ECONFLICT {
			return soko.Errorf(soko.ECONFLICT, "badge %s is already in use", s.BadgeCode).JA("バッジ %s はすでに使われています", s.BadgeCode)
		}
		return err
	}
	s.ID = row.ID
	return nil
}

// FindStaffByBadge returns the staff member with badge, or ENOTFOUND.
func (db *DB) FindStaffByBadge(ctx context.Context, badge string) (*soko.Staff, error) {
	var row staffRow
	if err := db.conn(ctx).Where("badge_code = ?", badge).Take(&row).Error; err != nil {
		if soko.ErrorCode(translate(err)) == soko.ENOTFOUND {
			return nil, soko.Errorf(soko.ENOTFOUND, "no badge %s", badge).JA("バッジ %s は登録されていません", badge)
		}
		return nil, translate(err)
	}
	return row.staff(), nil
}
