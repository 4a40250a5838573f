package storage

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

type auditRow struct {
	ID                int64
	At                time.Time
	ActorKind         string
	ActorStaffID      *int64
	ActorBadge        string
	ActorAPIKeyID     *int64 `gorm:"column:actor_api_key_id"`
	ActorPortalUserID *int64
	ActorMerchantID   *int64
	Device            string
	Address           string
	Action            string
	TargetType        string
	TargetID          int64
	BeforeJSON        string `gorm:"column:before_json"`
	AfterJSON         string `gorm:"column:after_json"`
}

func (auditRow) TableName() string { return "audit_log" }

func (r auditRow) entry() soko.AuditEntry {
	return soko.AuditEntry{
		ID: r.ID, At: r.At.UTC(), Action: soko.AuditAction(r.Action), TargetType: r.TargetType, TargetID: r.TargetID,
		Before: r.BeforeJSON, After: r.AfterJSON,
		Actor: soko.Actor{
			Kind: soko.ActorKind(r.ActorKind), StaffID: idOf(r.ActorStaffID), Badge: r.ActorBadge,
			APIKeyID: idOf(r.ActorAPIKeyID), PortalUserID: idOf(r.ActorPortalUserID), MerchantID: idOf(r.ActorMerchantID), Device: r.Device, Address: r.Address,
		},
	}
}

func idOf(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// audit writes the audit row of a change inside the change's transaction
// tx, so neither exists without the other: whoever tx's context names did
// action to the target, whose values were before and are now after (nil
// for none). Callers pass only ids and settings, never secrets or a
// customer's name or address: the row outlives the order's personal data.
func audit(tx *gorm.DB, now time.Time, action soko.AuditAction, targetType string, targetID int64, before, after any) error {
	a := soko.ActorOf(tx.Statement.Context)
	row := auditRow{
		At: now, ActorKind: string(a.Kind), ActorStaffID: nullID(a.StaffID), ActorBadge: a.Badge,
		ActorAPIKeyID: nullID(a.APIKeyID), ActorPortalUserID: nullID(a.PortalUserID), ActorMerchantID: nullID(a.MerchantID),
		Device: a.Device, Address: a.Address,
		Action: string(action), TargetType: targetType, TargetID: targetID,
	}
	var err error
	if row.BeforeJSON, err = auditJSON(before); err != nil {
		return err
	}
	if row.AfterJSON, err = auditJSON(after); err != nil {
		return err
	}
	return tx.Create(&row).Error
}

func auditJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// AuditLog returns a page of audit entries matching f, newest first, and
// whether older ones follow.
func (db *DB) AuditLog(ctx context.Context, f soko.AuditFilter) ([]soko.AuditEntry, bool, error) {
	q := db.conn(ctx).Model(&auditRow{})
	switch actor := strings.TrimSpace(f.Actor); {
	case actor == "":
	case actor == string(soko.ActorCLI) || actor == string(soko.ActorSystem):
		q = q.Where("actor_kind = ?", actor)
	case strings.HasPrefix(actor, "key:"):
		id, err := strconv.ParseInt(strings.TrimPrefix(actor, "key:"), 10, 64)
		if err != nil {
			return nil, false, soko.Errorf(soko.EINVALID, "actor %q: an API key is key:<id>", actor).
				JA("APIキーは key:<番号> で指定してください").WithField("actor", "pattern")
		}
		q = q.Where("actor_api_key_id = ?", id)
	case strings.HasPrefix(actor, "portal:"):
		id, err := strconv.ParseInt(strings.TrimPrefix(actor, "portal:"), 10, 64)
		if err != nil {
			return nil, false, soko.Errorf(soko.EINVALID, "actor %q: a portal user is portal:<id>", actor).
				JA("荷主ポータルのユーザーは portal:<番号> で指定してください").WithField("actor", "pattern")
		}
		q = q.Where("actor_portal_user_id = ?", id)
	default:
		q = q.Where("actor_badge = ?", strings.ToUpper(actor))
	}
	if a := strings.TrimSpace(f.Action); strings.HasSuffix(a, ".") {
		q = q.Where("action LIKE ?", a+"%")
	} else if a != "" {
		q = q.Where("action = ?", a)
	}
	if f.TargetType != "" {
		q = q.Where("target_type = ?", f.TargetType)
	}
	if f.TargetID != 0 {
		q = q.Where("target_id = ?", f.TargetID)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	size := soko.Page{Limit: f.Limit}.Size()
	var rows []auditRow
	if err := q.Order("id DESC").Limit(size + 1).Find(&rows).Error; err != nil {
		return nil, false, translate(err)
	}
	more := len(rows) > size
	if more {
		rows = rows[:size]
	}
	out := make([]soko.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = r.entry()
	}
	return out, more, nil
}

// The audited values of each kind of target: what an auditor needs to see
// what changed, and nothing secret.

type staffAudit struct {
	Badge  string `json:"badge"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	Active bool   `json:"active"`
}

func staffAuditOf(r staffRow) staffAudit {
	return staffAudit{Badge: r.BadgeCode, Name: r.Name, Role: r.Role, Active: r.Active}
}

type apiKeyAudit struct {
	MerchantID int64    `json:"merchant_id"`
	Name       string   `json:"name"`
	Prefix     string   `json:"prefix"`
	Scopes     []string `json:"scopes,omitempty"`
	ExpiresAt  string   `json:"expires_at,omitempty"`
	Revoked    bool     `json:"revoked"`
}

func apiKeyAuditOf(r apiKeyRow) apiKeyAudit {
	return apiKeyAudit{MerchantID: r.MerchantID, Name: r.Name, Prefix: r.Prefix, Revoked: r.RevokedAt != nil}
}

type webhookAudit struct {
	MerchantID int64  `json:"merchant_id"`
	URL        string `json:"url"`
	Active     bool   `json:"active"`
	EventTypes string `json:"event_types"`
	// SecretRotated says a new signing secret replaced the old one; neither
	// is logged.
	SecretRotated bool `json:"secret_rotated,omitempty"`
}

func webhookAuditOf(r webhookEndpointRow) webhookAudit {
	return webhookAudit{MerchantID: r.MerchantID, URL: r.URL, Active: r.Active, EventTypes: r.EventTypes}
}

type orderAudit struct {
	MerchantID int64  `json:"merchant_id"`
	Number     string `json:"number"`
	Status     string `json:"status"`
	HeldFrom   string `json:"held_from,omitempty"`
	SplitInto  int64  `json:"split_into,omitempty"`
}

type pinAudit struct {
	Badge       string     `json:"badge"`
	PINChanged  bool       `json:"pin_changed,omitempty"`
	FailedPINs  int        `json:"failed_pins"`
	LockedUntil *time.Time `json:"locked_until,omitempty"`
}

type merchantAudit struct {
	Code         string       `json:"code"`
	Name         string       `json:"name"`
	Sender       soko.Address `json:"sender"`
	SlipMessage  string       `json:"slip_message"`
	AllowPartial bool         `json:"allow_partial"`
	Consolidate  bool         `json:"consolidate"`
	// InvoiceNumber is the merchant's public tax registration, not personal data.
	InvoiceNumber string `json:"invoice_number,omitempty"`
	HoldAlertDays int    `json:"hold_alert_days"`
	HoldAutoFree  bool   `json:"hold_auto_free"`
}

func merchantAuditOf(r merchantRow) merchantAudit {
	m := r.merchant()
	return merchantAudit{Code: m.Code, Name: m.Name, Sender: m.Sender, SlipMessage: m.SlipMessage, AllowPartial: m.AllowPartial, Consolidate: m.Consolidate, InvoiceNumber: m.InvoiceNumber,
		HoldAlertDays: m.HoldAlertDays, HoldAutoFree: m.HoldAutoFree}
}

type countLineAudit struct {
	ProductID int64  `json:"product_id"`
	SKU       string `json:"sku"`
	Lot       string `json:"lot,omitempty"`
	OnHand    int    `json:"on_hand"`
}

// auditCount logs a count that changed stock at location: the lines that
// differ, before and after. A count that found what the books said
// adjusts nothing and is not logged. rows and result.Lines are parallel,
// as Count builds them.
func auditCount(tx *gorm.DB, now time.Time, location int64, reason string, rows []stockRow, result *soko.CountResult) error {
	var before, after []countLineAudit
	for i, l := range result.Lines {
		if l.Before == l.Counted {
			continue
		}
		before = append(before, countLineAudit{ProductID: rows[i].ProductID, SKU: l.SKU, Lot: l.Lot, OnHand: l.Before})
		after = append(after, countLineAudit{ProductID: rows[i].ProductID, SKU: l.SKU, Lot: l.Lot, OnHand: l.Counted})
	}
	if len(after) == 0 {
		return nil
	}
	return audit(tx, now, soko.AuditStockCount, "location", location,
		map[string]any{"lines": before}, map[string]any{"lines": after, "reason": reason})
}

// auditManifestClose logs a manifest's closing: what was loaded, the
// parcels it closed without and who confirmed that, the orders it shipped.
func auditManifestClose(tx *gorm.DB, now time.Time, m *soko.Manifest, c *soko.CloseManifest, res *soko.HandoverResult) error {
	missing := make([]int64, len(m.Missing))
	for i, p := range m.Missing {
		missing[i] = p.ParcelID
	}
	after := map[string]any{
		"status": soko.ManifestClosed, "carrier": m.Carrier, "loaded": len(m.Loaded), "missing_parcels": missing,
		"confirmed_by": c.ConfirmedBy, "shipped_orders": len(res.Shipped), "pulled_parcels": len(res.Pulled),
	}
	return audit(tx, now, soko.AuditManifestClose, "manifest", m.ID, map[string]any{"status": m.Status, "carrier": m.Carrier}, after)
}

// auditTime is a time as the audit log shows it: RFC 3339 in UTC, or
// nothing for the zero time.
func auditTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
