package storage

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/address"
	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/soko"
)

// recipientKey is the recipient as orders must share it to leave as one
// parcel (同梱): the normalised postal code, address, name and phone
// number, spaces and hyphens ignored.
func recipientKey(a soko.Address) string {
	n := address.Normalize(a)
	squeeze := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "-", "")), "") }
	return n.PostalCode + "\x00" + squeeze(n.Prefecture+n.City+n.Street+n.Building) + "\x00" + squeeze(n.Name) + "\x00" + squeeze(n.Phone)
}

// groupService says why orders cannot leave as one parcel, or the service
// the parcel goes by when they can: one merchant, one recipient, one
// carrier, one delivery date and slot, services that share a parcel, and
// cash on delivery the carrier collects in one sum.
func groupService(group []*soko.Order) (string, error) {
	first := group[0]
	c, known := carrier.Find(first.Carrier)
	service, key := first.Service, recipientKey(first.Recipient)
	for _, o := range group {
		if err := o.CanJoin(); err != nil {
			return "", err
		}
		if o == first {
			continue
		}
		refuse := func(en, ja string) error {
			return soko.Errorf(soko.ECONFLICT, "orders %s and %s cannot share a parcel: %s", first.Number, o.Number, en).
				JA("注文 %s と %s は同梱できません：%s", first.Number, o.Number, ja)
		}
		switch {
		case o.MerchantID != first.MerchantID:
			return "", refuse("they are different merchants'", "荷主が違います")
		case recipientKey(o.Recipient) != key:
			return "", refuse("they go to different recipients (name, postal code, address or phone)", "お届け先（氏名・郵便番号・住所・電話番号）が違います")
		case o.Carrier != first.Carrier || !known:
			return "", refuse("they go by different carriers", "配送業者が違います")
		case !o.DeliveryDate.Equal(first.DeliveryDate) || o.TimeSlot != first.TimeSlot:
			return "", refuse("they ask for different delivery dates or time slots", "お届け希望日・時間帯が違います")
		}
		shared, ok := c.SharedService(service, o.Service)
		if !ok {
			return "", refuse("their services cannot share a parcel", "配送サービスが違います（ポスト投函のサービスは同梱できません）")
		}
		service = shared
	}
	if cod := soko.GroupCOD(group); cod > 0 && known {
		svc, ok := c.Service(service)
		if !ok || !svc.COD {
			return "", soko.Errorf(soko.ECONFLICT, "the parcel's service does not collect cash on delivery").
				JA("同梱後の配送サービスは代金引換を扱えません")
		}
		if svc.MaxCODAmount > 0 && cod > svc.MaxCODAmount {
			return "", soko.Errorf(soko.ECONFLICT, "together the orders collect ¥%d on delivery, over %s's limit of ¥%d", cod, svc.Name.EN, svc.MaxCODAmount).
				JA("同梱すると代引金額の合計 %d 円が %s の上限 %d 円を超えます", cod, svc.Name.JA, svc.MaxCODAmount)
		}
	}
	return service, nil
}

// groupPrimary returns the order whose parcels carry group, which goes by
// service: of the orders of that service, soko.ConsolidationPrimary's.
func groupPrimary(group []*soko.Order, service string) *soko.Order {
	var same []*soko.Order
	for _, o := range group {
		if o.Service == service {
			same = append(same, o)
		}
	}
	return soko.ConsolidationPrimary(same)
}

// groupRows locks and reads the orders of the group with primary id, the
// primary first: just the one order when it has no members.
func (db *DB) groupRows(tx *gorm.DB, id int64) ([]*soko.Order, error) {
	var rows []orderRow
	if err := lockForUpdate(tx, db.dialect).Where("id = ? OR consolidated_into = ?", id, id).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*soko.Order, 0, len(rows))
	for _, r := range rows {
		if r.ID == id {
			out = append([]*soko.Order{r.order()}, out...)
		} else {
			out = append(out, r.order())
		}
	}
	return out, nil
}

// rootOf is the primary of o's group, o itself when it is one or in none.
func rootOf(o *soko.Order) int64 {
	if o.ConsolidatedInto != 0 {
		return o.ConsolidatedInto
	}
	return o.ID
}

// consolidationAudit is what the audit log keeps of a change of group.
type consolidationAudit struct {
	MerchantID       int64  `json:"merchant_id"`
	Number           string `json:"number"`
	ConsolidatedInto string `json:"consolidated_into,omitempty"`
	NoConsolidation  bool   `json:"no_consolidation,omitempty"`
}

// regroup points every order of group at primary (and primary at none),
// recording the change on each order that moved.
func regroup(tx *gorm.DB, group []*soko.Order, primary *soko.Order, staffID int64, device, how string, now time.Time) ([]orderEvent, error) {
	var events []orderEvent
	for _, o := range group {
		want := primary.ID
		if o == primary {
			want = 0
		}
		if o.ConsolidatedInto == want {
			continue
		}
		if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).Updates(map[string]any{"consolidated_into": nullID(want), "updated_at": now}).Error; err != nil {
			return nil, err
		}
		o.ConsolidatedInto, o.UpdatedAt = want, now
		detail := how + ": primary " + primary.Number
		if o == primary {
			detail = how + ": primary of its parcel"
		}
		events = append(events, orderEvent{o, soko.OrderEvent{Action: soko.ActionConsolidate, From: o.Status, To: o.Status, StaffID: staffID, Device: device, Detail: detail}})
	}
	if len(events) > 0 && !slices.ContainsFunc(events, func(e orderEvent) bool { return e.order == primary }) {
		// The primary's own history says what its parcel now carries too.
		events = append(events, orderEvent{primary, soko.OrderEvent{Action: soko.ActionConsolidate, From: primary.Status, To: primary.Status,
			StaffID: staffID, Device: device, Detail: how + ": primary of its parcel"}})
	}
	return events, nil
}

// Consolidate merges order orderID with the same merchant's order number
// with — and the groups either is in — into one group that leaves as one
// parcel, as a supervisor asks before picking, when the merchant allows
// consolidation. A merge the rules refuse is
// ECONFLICT saying why; each order that moved has it in its history and
// in the audit log.
func (db *DB) Consolidate(ctx context.Context, orderID int64, with string, staffID int64, device string) (*soko.Order, error) {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row orderRow
		if err := tx.Where("id = ?", orderID).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "no order %d", orderID).JA("注文が見つかりません")
			}
			return err
		}
		var other orderRow
		err := tx.Where("merchant_id = ? AND number = ?", row.MerchantID, strings.TrimSpace(with)).Take(&other).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return soko.Errorf(soko.ENOTFOUND, "the merchant has no order %s", with).
				JA("この荷主に注文 %s はありません", with).WithField("with", "not_found")
		} else if err != nil {
			return err
		}
		if other.ID == row.ID {
			return soko.Errorf(soko.EINVALID, "an order cannot be consolidated with itself").
				JA("同じ注文どうしは同梱できません").WithField("with", "same_order")
		}
		var m merchantRow
		if err := tx.Select("id, name, consolidate").Where("id = ?", row.MerchantID).Take(&m).Error; err != nil {
			return err
		}
		if !m.Consolidate {
			// The merchant pays per parcel and decides: its setting first.
			return soko.Errorf(soko.ECONFLICT, "%s does not allow consolidating orders (a merchant setting)", m.Name).
				JA("荷主「%s」は同梱を許可していません（荷主設定）", m.Name)
		}
		group, err := db.groupRows(tx, rootOf(row.order()))
		if err != nil {
			return err
		}
		if r := rootOf(other.order()); r != rootOf(row.order()) {
			more, err := db.groupRows(tx, r)
			if err != nil {
				return err
			}
			group = append(group, more...)
		}
		service, err := groupService(group)
		if err != nil {
			return err
		}
		primary := groupPrimary(group, service)
		before := map[int64]int64{}
		for _, o := range group {
			before[o.ID] = o.ConsolidatedInto
		}
		events, err := regroup(tx, group, primary, staffID, device, "by hand", now)
		if err != nil {
			return err
		}
		for _, e := range events {
			o := e.order
			if err := audit(tx, now, soko.OrderAuditAction(soko.ActionConsolidate), "order", o.ID,
				consolidationAudit{MerchantID: o.MerchantID, Number: o.Number, ConsolidatedInto: numberIn(group, before[o.ID])},
				consolidationAudit{MerchantID: o.MerchantID, Number: o.Number, ConsolidatedInto: numberIn(group, o.ConsolidatedInto)}); err != nil {
				return err
			}
		}
		return recordEvents(tx, events, now)
	})
	if err != nil {
		return nil, err
	}
	return db.OrderByID(ctx, orderID)
}

// numberIn is the number of the order of group with id, "" for none.
func numberIn(group []*soko.Order, id int64) string {
	for _, o := range group {
		if o.ID == id {
			return o.Number
		}
	}
	return ""
}

// Unconsolidate takes an order out of its group before picking, as a
// supervisor asks; the order then keeps apart (NoConsolidation), so that
// the next wave does not merge it again. The rest of the group stays
// together.
func (db *DB) Unconsolidate(ctx context.Context, orderID, staffID int64, device string) (*soko.Order, error) {
	now := db.now()
	err := db.transact(ctx, func(tx *gorm.DB) error {
		var row orderRow
		if err := lockForUpdate(tx, db.dialect).Where("id = ?", orderID).Take(&row).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return soko.Errorf(soko.ENOTFOUND, "no order %d", orderID).JA("注文が見つかりません")
			}
			return err
		}
		o := row.order()
		if err := o.CanRegroup(); err != nil {
			return err
		}
		was, err := db.leaveGroup(tx, o, staffID, device, "by hand", now)
		if err != nil {
			return err
		}
		if was == "" {
			return soko.Errorf(soko.ECONFLICT, "order %s is not consolidated with another order", o.Number).
				JA("注文 %s は同梱されていません", o.Number)
		}
		if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).Update("no_consolidation", true).Error; err != nil {
			return err
		}
		return audit(tx, now, soko.OrderAuditAction(soko.ActionUnconsolidate), "order", o.ID,
			consolidationAudit{MerchantID: o.MerchantID, Number: o.Number, ConsolidatedInto: was},
			consolidationAudit{MerchantID: o.MerchantID, Number: o.Number, NoConsolidation: true})
	})
	if err != nil {
		return nil, err
	}
	return db.OrderByID(ctx, orderID)
}

// leaveGroup takes o out of its group, recording it on o with why, and
// returns the number of the group's primary ("" when o was in none). When
// o was the primary, its members regroup under the next primary; a member
// left alone is in no group.
func (db *DB) leaveGroup(tx *gorm.DB, o *soko.Order, staffID int64, device, why string, now time.Time) (string, error) {
	group, err := db.groupRows(tx, rootOf(o))
	if err != nil || len(group) < 2 {
		return "", err
	}
	was := group[0].Number
	rest := slices.DeleteFunc(group, func(g *soko.Order) bool { return g.ID == o.ID })
	if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).Updates(map[string]any{"consolidated_into": nil, "updated_at": now}).Error; err != nil {
		return "", err
	}
	if o.ConsolidatedInto == 0 {
		// The primary leaves: the others regroup, as the rules would group them.
		primary := soko.ConsolidationPrimary(rest)
		if service, err := groupService(rest); err == nil {
			primary = groupPrimary(rest, service)
		}
		if len(rest) == 1 {
			primary = rest[0]
		}
		if _, err := regroup(tx, rest, primary, staffID, device, "primary "+o.Number+" left", now); err != nil {
			return "", err
		}
	}
	o.ConsolidatedInto = 0
	return was, recordEvent(tx, o, soko.OrderEvent{Action: soko.ActionUnconsolidate, From: o.Status, To: o.Status, StaffID: staffID, Device: device,
		Detail: why + ": left the parcel of " + was}, now)
}

// leaveGroupBefore takes an order out of its group when it is held,
// cancelled or changed before picking: a held or cancelled order is never
// in a group, and a changed one may no longer belong in it.
func (db *DB) leaveGroupBefore(tx *gorm.DB, o *soko.Order, from soko.OrderStatus, why string, now time.Time) error {
	if !slices.Contains([]soko.OrderStatus{soko.OrderReceived, soko.OrderBackordered, soko.OrderAllocated}, from) {
		return nil
	}
	_, err := db.leaveGroup(tx, o, 0, "", why, now)
	return err
}

// ConsolidatedOrders returns the members of the group whose primary is
// primaryID, with their lines, by id: none when it is in no group.
func (db *DB) ConsolidatedOrders(ctx context.Context, primaryID int64) ([]*soko.Order, error) {
	var rows []orderRow
	if err := db.conn(ctx).Where("consolidated_into = ?", primaryID).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]*soko.Order, len(rows))
	for i, r := range rows {
		out[i] = r.order()
	}
	return out, db.loadOrderLines(ctx, out)
}

// lockGroup locks and reads the order with id and, when it is the primary
// of a group, its members: in the one statement that locked the order
// alone before groups. An order that leaves in another's parcel is worked
// through that one (ECONFLICT).
func (db *DB) lockGroup(tx *gorm.DB, id int64) (*soko.Order, []*soko.Order, error) {
	group, err := db.groupRows(tx, id)
	if err != nil {
		return nil, nil, err
	}
	if len(group) == 0 || group[0].ID != id {
		return nil, nil, gorm.ErrRecordNotFound
	}
	if o := group[0]; o.ConsolidatedInto != 0 {
		var primary string
		if err := tx.Table("orders").Where("id = ?", o.ConsolidatedInto).Pluck("number", &primary).Error; err != nil {
			return nil, nil, err
		}
		return nil, nil, soko.Errorf(soko.ECONFLICT, "order %s leaves in the parcel of order %s: work that one", o.Number, primary).
			JA("注文 %s は注文 %s に同梱されています。%s で作業してください", o.Number, primary, primary)
	}
	return group[0], group[1:], nil
}

// groupIDs are the ids of o and its members.
func groupIDs(o *soko.Order, members []*soko.Order) []int64 {
	ids := []int64{o.ID}
	for _, m := range members {
		ids = append(ids, m.ID)
	}
	return ids
}

// carryGroup moves the members of primary's group along action from
// status from, as the primary itself just moved: the floor works a group
// through its primary. A member not in from stops the move (ECONFLICT).
func carryGroup(tx *gorm.DB, primary *soko.Order, members []*soko.Order, action soko.OrderAction, from soko.OrderStatus, staffID int64, device, detail string, now time.Time) error {
	if len(members) == 0 {
		return nil
	}
	if err := soko.GroupIn(primary, members, from); err != nil {
		return err
	}
	events := make([]orderEvent, 0, len(members))
	ids := make([]int64, 0, len(members))
	for _, o := range members {
		if err := o.Apply(action); err != nil {
			return err
		}
		o.UpdatedAt = now
		ids = append(ids, o.ID)
		events = append(events, orderEvent{o, soko.OrderEvent{Action: action, From: from, To: o.Status, StaffID: staffID, Device: device,
			Detail: strings.TrimPrefix(detail+"; with "+primary.Number, "; ")}})
	}
	res := tx.Model(&orderRow{}).Where("id IN ? AND status = ?", ids, string(from)).
		Updates(map[string]any{"status": string(events[0].order.Status), "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	return recordEvents(tx, events, now)
}

// waveUnits groups the orders a wave may take into what it picks as one,
// in the orders' order: a group (its primary first) or a single order.
// Orders of merchants that consolidate, in no group yet, are merged here
// where the rules allow. A member whose primary still waits (for its ship
// date or stock) waits with it; one whose primary went on without it
// leaves its group and goes alone.
func (db *DB) waveUnits(tx *gorm.DB, orders []*soko.Order, staffID int64, now time.Time) ([][]*soko.Order, []orderEvent, error) {
	byID := map[int64]*soko.Order{}
	merchants := map[int64]bool{}
	for _, o := range orders {
		byID[o.ID] = o
		merchants[o.MerchantID] = true
	}
	var orphans []int64
	for _, o := range orders {
		if p := o.ConsolidatedInto; p != 0 && byID[p] == nil {
			orphans = append(orphans, p)
		}
	}
	var events []orderEvent
	waiting := map[int64]bool{}
	if len(orphans) > 0 {
		var primaries []orderRow
		if err := tx.Select("id, status").Where("id IN ?", orphans).Find(&primaries).Error; err != nil {
			return nil, nil, err
		}
		for _, p := range primaries {
			waiting[p.ID] = p.order().CanRegroup() == nil
		}
		for _, o := range orders {
			if p := o.ConsolidatedInto; p != 0 && byID[p] == nil && !waiting[p] {
				if err := tx.Model(&orderRow{}).Where("id = ?", o.ID).Update("consolidated_into", nil).Error; err != nil {
					return nil, nil, err
				}
				o.ConsolidatedInto = 0
				events = append(events, orderEvent{o, soko.OrderEvent{Action: soko.ActionUnconsolidate, From: o.Status, To: o.Status, StaffID: staffID,
					Detail: "its primary left without it"}})
			}
		}
	}
	var consolidating []int64
	if err := tx.Table("merchants").Where("id IN ? AND consolidate", keys(merchants)).Pluck("id", &consolidating).Error; err != nil {
		return nil, nil, err
	}
	hasMembers := map[int64]bool{}
	for _, o := range orders {
		hasMembers[o.ConsolidatedInto] = true
	}
	// Candidates for an automatic merge: single orders of consenting
	// merchants, by merchant, recipient and carrier.
	buckets := map[string][]*soko.Order{}
	var bucketOrder []string
	for _, o := range orders {
		if o.ConsolidatedInto != 0 || hasMembers[o.ID] || !slices.Contains(consolidating, o.MerchantID) || o.CanJoin() != nil {
			continue
		}
		k := strconv.FormatInt(o.MerchantID, 10) + "\x00" + o.Carrier + "\x00" + recipientKey(o.Recipient)
		if buckets[k] == nil {
			bucketOrder = append(bucketOrder, k)
		}
		buckets[k] = append(buckets[k], o)
	}
	for _, k := range bucketOrder {
		b := buckets[k]
		for len(b) > 1 {
			group, rest := []*soko.Order{b[0]}, []*soko.Order(nil)
			for _, o := range b[1:] {
				if _, err := groupService(append(slices.Clip(group), o)); err == nil {
					group = append(group, o)
				} else {
					rest = append(rest, o)
				}
			}
			if len(group) > 1 {
				service, _ := groupService(group)
				es, err := regroup(tx, group, groupPrimary(group, service), staffID, "", "automatic", now)
				if err != nil {
					return nil, nil, err
				}
				events = append(events, es...)
			}
			b = rest
		}
	}
	members := map[int64][]*soko.Order{}
	for _, o := range orders {
		if o.ConsolidatedInto != 0 {
			members[o.ConsolidatedInto] = append(members[o.ConsolidatedInto], o)
		}
	}
	var units [][]*soko.Order
	for _, o := range orders {
		if o.ConsolidatedInto == 0 {
			units = append(units, append([]*soko.Order{o}, members[o.ID]...))
		}
	}
	return units, events, nil
}
