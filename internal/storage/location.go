package storage

import (
	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type locationRow struct {
	ID           int64
	Code         string
	Zone         string
	WalkSequence int
	Kind         string
}

func (locationRow) TableName() string { return "locations" }

func (r locationRow) location() *soko.Location {
	return &soko.Location{ID: r.ID, Code: r.Code, Zone: r.Zone, WalkSequence: r.WalkSequence, Kind: soko.LocationKind(r.Kind)}
}

func createLocation(tx *gorm.DB, l *soko.Location) error {
	row := locationRow{Code: l.Code, Zone: l.Zone, WalkSequence: l.WalkSequence, Kind: string(l.Kind)}
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	l.ID = row.ID
	return nil
}

type boxTypeRow struct {
	ID             int64
	Code           string
	Name           string
	InnerLengthMM  int `gorm:"column:inner_length_mm"`
	InnerWidthMM   int `gorm:"column:inner_width_mm"`
	InnerHeightMM  int `gorm:"column:inner_height_mm"`
	MaxWeightGrams int
	TareGrams      int
	SizeClass      int
	Thin           bool
	Service        string
}

func (boxTypeRow) TableName() string { return "box_types" }

func (r boxTypeRow) boxType() soko.BoxType {
	return soko.BoxType{ID: r.ID, Code: r.Code, Name: r.Name, InnerLengthMM: r.InnerLengthMM, InnerWidthMM: r.InnerWidthMM,
		InnerHeightMM: r.InnerHeightMM, MaxWeightGrams: r.MaxWeightGrams, TareGrams: r.TareGrams, SizeClass: r.SizeClass,
		Thin: r.Thin, Service: r.Service}
}

func createBoxType(tx *gorm.DB, b *soko.BoxType) error {
	row := boxTypeRow{
		Code: b.Code, Name: b.Name, InnerLengthMM: b.InnerLengthMM, InnerWidthMM: b.InnerWidthMM,
		InnerHeightMM: b.InnerHeightMM, MaxWeightGrams: b.MaxWeightGrams, TareGrams: b.TareGrams, SizeClass: b.SizeClass,
		Thin: b.Thin, Service: b.Service,
	}
	if err := tx.Create(&row).Error; err != nil {
		return err
	}
	b.ID = row.ID
	settingsChanged(tx)
	return nil
}
