package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type shipCalendarRow struct {
	ID                int64
	Prefecture        string
	WorkingDays       string
	CutOff            int
	PublicHolidaysOff bool
	UpdatedAt         *time.Time
}

func (shipCalendarRow) TableName() string { return "ship_calendar" }

type companyHolidayRow struct {
	Day  time.Time `gorm:"primaryKey"`
	Name string
}

func (companyHolidayRow) TableName() string { return "company_holidays" }

type transitDaysRow struct {
	Carrier    string `gorm:"primaryKey"`
	Prefecture string `gorm:"primaryKey"`
	Days       int
}

func (transitDaysRow) TableName() string { return "transit_days" }

// ShipCalendar reads the warehouse calendar with its company holidays and
// the transit days set by hand.
func (db *DB) ShipCalendar(ctx context.Context) (*soko.ShipCalendar, error) {
	if notes, _ := ctx.Value(txNotesKey{}).(*txNotes); notes != nil {
		if c := notes.prereadCalendar(); c != nil {
			return c, nil
		}
	}
	c, err := keptSetting(ctx, db, db.conn(ctx), calendarKept, "", shipCalendar, cloneCalendar)
	return c, translate(err)
}

// cloneCalendar copies c, so what a request changes in its calendar does
// not change the one kept for others.
func cloneCalendar(c *soko.ShipCalendar) *soko.ShipCalendar {
	out := *c
	out.Holidays = maps.Clone(c.Holidays)
	out.Transit = make(map[string]map[string]int, len(c.Transit))
	for carrier, days := range c.Transit {
		out.Transit[carrier] = maps.Clone(days)
	}
	return &out
}

// shipCalendarSQL reads the calendar, its company holidays and the
// transit days in one statement, each as JSON (an order's intake reads
// them with its other look-ups); by dialect, as their JSON functions are
// named. A missing list is NULL on PostgreSQL.
var shipCalendarSQL = map[string]string{
	Postgres: `SELECT
		(SELECT json_build_object('prefecture', prefecture, 'working_days', working_days, 'cut_off', cut_off,
			'public_holidays_off', CASE WHEN public_holidays_off THEN 1 ELSE 0 END) FROM ship_calendar WHERE id = 1)::text AS calendar,
		(SELECT json_agg(json_build_object('day', day, 'name', name)) FROM company_holidays)::text AS holidays,
		(SELECT json_agg(json_build_object('carrier', carrier, 'prefecture', prefecture, 'days', days)) FROM transit_days)::text AS transit`,
	SQLite: `SELECT
		(SELECT json_object('prefecture', prefecture, 'working_days', working_days, 'cut_off', cut_off,
			'public_holidays_off', CASE WHEN public_holidays_off THEN 1 ELSE 0 END) FROM ship_calendar WHERE id = 1) AS calendar,
		(SELECT json_group_array(json_object('day', day, 'name', name)) FROM company_holidays) AS holidays,
		(SELECT json_group_array(json_object('carrier', carrier, 'prefecture', prefecture, 'days', days)) FROM transit_days) AS transit`,
}

func shipCalendar(tx *gorm.DB) (*soko.ShipCalendar, error) {
	var got struct{ Calendar, Holidays, Transit *string }
	if err := tx.Raw(shipCalendarSQL[tx.Dialector.Name()]).Scan(&got).Error; err != nil {
		return nil, err
	}
	if got.Calendar == nil {
		return nil, gorm.ErrRecordNotFound
	}
	var row struct {
		Prefecture        string `json:"prefecture"`
		WorkingDays       string `json:"working_days"`
		CutOff            int    `json:"cut_off"`
		PublicHolidaysOff int    `json:"public_holidays_off"`
	}
	var holidays []struct{ Day, Name string }
	var transit []transitDaysRow
	for _, part := range []struct {
		json *string
		into any
	}{{got.Calendar, &row}, {got.Holidays, &holidays}, {got.Transit, &transit}} {
		if part.json != nil {
			if err := json.Unmarshal([]byte(*part.json), part.into); err != nil {
				return nil, fmt.Errorf("ship calendar: %w", err)
			}
		}
	}
	c := &soko.ShipCalendar{Prefecture: row.Prefecture, CutOff: row.CutOff, PublicHolidaysOff: row.PublicHolidaysOff != 0,
		Holidays: map[time.Time]string{}, Transit: map[string]map[string]int{}}
	for i := 0; i < 7 && i < len(row.WorkingDays); i++ {
		c.WorkingDays[i] = row.WorkingDays[i] == '1'
	}
	for _, h := range holidays {
		day, err := holidayDate(h.Day)
		if err != nil {
			return nil, err
		}
		c.Holidays[day] = h.Name
	}
	for _, t := range transit {
		if c.Transit[t.Carrier] == nil {
			c.Transit[t.Carrier] = map[string]int{}
		}
		c.Transit[t.Carrier][t.Prefecture] = t.Days
	}
	return c, nil
}

// holidayDate is a company holiday's day as JSON spells it: a date, or on
// SQLite a time, whose day in UTC it is.
func holidayDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return soko.DateOf(t.UTC()), nil
	}
	if t, err := time.Parse("2006-01-02 15:04:05Z07:00", s); err == nil {
		return soko.DateOf(t.UTC()), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("ship calendar: holiday %q: %w", s, err)
	}
	return soko.DateOf(t), nil
}

// calendarAudit is what the audit log keeps of the calendar.
func calendarAudit(c *soko.ShipCalendar) map[string]any {
	days := make([]string, 0, len(c.Holidays))
	for d, name := range c.Holidays {
		days = append(days, d.Format(time.DateOnly)+" "+name)
	}
	return map[string]any{"prefecture": c.Prefecture, "working_days": workingDays(c), "cut_off": soko.Clock(c.CutOff),
		"public_holidays_off": c.PublicHolidaysOff, "company_holidays": days}
}

func workingDays(c *soko.ShipCalendar) string {
	b := []byte("0000000")
	for i, w := range c.WorkingDays {
		if w {
			b[i] = '1'
		}
	}
	return string(b)
}

// SaveShipCalendar sets the warehouse's prefecture, working days, cut-off
// and company holidays (the list replaces the old one), in one transaction
// with its audit row.
func (db *DB) SaveShipCalendar(ctx context.Context, c *soko.ShipCalendar) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		before, err := shipCalendar(tx)
		if err != nil {
			return err
		}
		if err := tx.Model(&shipCalendarRow{}).Where("id = 1").Updates(map[string]any{"prefecture": c.Prefecture,
			"working_days": workingDays(c), "cut_off": c.CutOff, "public_holidays_off": c.PublicHolidaysOff, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Where("1 = 1").Delete(&companyHolidayRow{}).Error; err != nil {
			return err
		}
		for d, name := range c.Holidays {
			if err := tx.Create(&companyHolidayRow{Day: soko.DateOf(d), Name: name}).Error; err != nil {
				return err
			}
		}
		settingsChanged(tx)
		return audit(tx, now, soko.AuditShipCalendar, "ship_calendar", 1, calendarAudit(before), calendarAudit(c))
	})
}

// SetTransitDays sets one carrier's transit days by destination
// prefecture; the prefectures left out take soko's defaults again.
func (db *DB) SetTransitDays(ctx context.Context, carrier string, days map[string]int) error {
	now := db.now()
	return db.transact(ctx, func(tx *gorm.DB) error {
		var before []transitDaysRow
		if err := tx.Where("carrier = ?", carrier).Order("prefecture").Find(&before).Error; err != nil {
			return err
		}
		if err := tx.Where("carrier = ?", carrier).Delete(&transitDaysRow{}).Error; err != nil {
			return err
		}
		for pref, d := range days {
			if err := tx.Create(&transitDaysRow{Carrier: carrier, Prefecture: pref, Days: d}).Error; err != nil {
				return err
			}
		}
		old := map[string]int{}
		for _, r := range before {
			old[r.Prefecture] = r.Days
		}
		settingsChanged(tx)
		return audit(tx, now, soko.AuditTransitDays, "carrier:"+carrier, 0, old, days)
	})
}

// ShipDates counts the orders still to leave by planned ship date, those
// before today together under today's date as overdue: the dashboard's
// "orders by ship date".
func (db *DB) ShipDates(ctx context.Context, now time.Time) ([]soko.ShipDateCount, error) {
	var rows []struct {
		ShipDate time.Time
		Status   string
		N        int
	}
	err := db.conn(ctx).Raw(`SELECT ship_date, status, COUNT(*) AS n FROM orders
		WHERE ship_date IS NOT NULL AND status NOT IN ('shipped', 'cancelled', 'cancel_requested')
		GROUP BY ship_date, status ORDER BY ship_date`).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	today := soko.Day(now)
	var out []soko.ShipDateCount
	for _, r := range rows {
		d := soko.DateOf(r.ShipDate.UTC())
		overdue := d.Before(today)
		if overdue {
			d = today.AddDate(0, 0, -1)
		}
		if len(out) == 0 || !out[len(out)-1].Date.Equal(d) {
			out = append(out, soko.ShipDateCount{Date: d, Overdue: overdue})
		}
		c := &out[len(out)-1]
		c.Orders += r.N
		switch soko.OrderStatus(r.Status) {
		case soko.OrderReceived, soko.OrderBackordered, soko.OrderAllocated, soko.OrderOnHold:
			c.Waiting += r.N
		default:
			c.Released += r.N
		}
	}
	return out, nil
}

// AtRiskOrders lists up to limit orders that may miss their date
// (soko.ShipCalendar.AtRisk), the oldest ship date first.
func (db *DB) AtRiskOrders(ctx context.Context, now time.Time, limit int) ([]soko.AtRiskOrder, error) {
	cal, err := db.ShipCalendar(ctx)
	if err != nil {
		return nil, err
	}
	var rows []orderRow
	err = db.conn(ctx).Where("ship_date IS NOT NULL AND ship_date <= ? AND status NOT IN ('shipped', 'cancelled', 'cancel_requested')", soko.Day(now)).
		Order("ship_date, id").Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	codes := map[int64]string{}
	var out []soko.AtRiskOrder
	for _, r := range rows {
		o := r.order()
		if !cal.AtRisk(o, now) {
			continue
		}
		if _, ok := codes[o.MerchantID]; !ok {
			var m merchantRow
			if err := db.conn(ctx).Select("code").Where("id = ?", o.MerchantID).Take(&m).Error; err != nil {
				return nil, translate(err)
			}
			codes[o.MerchantID] = m.Code
		}
		out = append(out, soko.AtRiskOrder{OrderID: o.ID, Number: o.Number, MerchantCode: codes[o.MerchantID], Status: o.Status,
			Carrier: o.Carrier, Prefecture: o.Recipient.Prefecture, ShipDate: o.ShipDate, DeliveryDate: o.DeliveryDate})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// PullForward lets a supervisor release an order to picking today, before
// its planned ship date: the ship date becomes today, with a history line.
func (db *DB) PullForward(ctx context.Context, orderID, staffID int64) (*soko.Order, error) {
	now := db.now()
	var o *soko.Order
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row orderRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", orderID).Take(&row).Error; err != nil {
			return err
		}
		o = row.order()
		today := soko.Day(now)
		st := o.Status
		if st == soko.OrderOnHold {
			st = o.HeldFrom
		}
		if !changeable[st] {
			return soko.Errorf(soko.ECONFLICT, "order %s is %s: it is on the floor already", o.Number, o.Status).
				JA("注文 %s は「%s」のため、すでに作業に入っています", o.Number, o.Status.Label())
		}
		if !o.ShipDate.IsZero() && !o.ShipDate.After(today) {
			return nil
		}
		before := o.ShipDate
		o.ShipDate, o.UpdatedAt = today, now
		if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).Updates(map[string]any{"ship_date": today, "updated_at": now}).Error; err != nil {
			return err
		}
		detail := "ship date " + before.Format(time.DateOnly) + " → " + today.Format(time.DateOnly)
		if err := recordEvent(tx, o, soko.OrderEvent{Action: soko.ActionPullForward, From: o.Status, To: o.Status, StaffID: staffID, Detail: detail}, now); err != nil {
			return err
		}
		return audit(tx, now, soko.OrderAuditAction(soko.ActionPullForward), "order", o.ID,
			map[string]any{"number": o.Number, "ship_date": before.Format(time.DateOnly)}, map[string]any{"number": o.Number, "ship_date": today.Format(time.DateOnly)})
	})
	return o, translate(err)
}
