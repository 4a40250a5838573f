package storage_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

// auditLog reads the whole audit log, newest first.
func auditLog(tb testing.TB, db *storage.DB, f soko.AuditFilter) []soko.AuditEntry {
	tb.Helper()
	f.Limit = soko.MaxPageSize
	out, _, err := db.AuditLog(context.Background(), f)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// audited runs change and returns the one audit row it wrote; it fails the
// test when it wrote none or more than one.
func audited(t *testing.T, db *storage.DB, what string, change func() error) soko.AuditEntry {
	t.Helper()
	before := auditLog(t, db, soko.AuditFilter{})
	if err := change(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	after := auditLog(t, db, soko.AuditFilter{})
	if len(after) != len(before)+1 {
		t.Fatalf("%s wrote %d audit rows, want 1", what, len(after)-len(before))
	}
	return after[0]
}

// notAudited runs a change that must fail and checks it wrote no audit row.
func notAudited(t *testing.T, db *storage.DB, what string, change func() error) {
	t.Helper()
	before := auditLog(t, db, soko.AuditFilter{})
	if err := change(); err == nil {
		t.Fatalf("%s succeeded; want it refused", what)
	}
	if after := auditLog(t, db, soko.AuditFilter{}); len(after) != len(before) {
		t.Errorf("refused %s wrote %d audit rows, want none", what, len(after)-len(before))
	}
}

// values decodes an audit row's before or after JSON.
func values(t *testing.T, s string) map[string]any {
	t.Helper()
	if s == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("audit values %q: %v", s, err)
	}
	return m
}

func wantEntry(t *testing.T, e soko.AuditEntry, action soko.AuditAction, targetType string, targetID int64, actor soko.Actor) {
	t.Helper()
	if e.Action != action || e.TargetType != targetType || e.TargetID != targetID {
		t.Errorf("audit row %s %s#%d, want %s %s#%d", e.Action, e.TargetType, e.TargetID, action, targetType, targetID)
	}
	if e.Actor != actor {
		t.Errorf("%s: actor %+v, want %+v", action, e.Actor, actor)
	}
	if !e.At.Equal(storagetest.Fixed) {
		t.Errorf("%s: at %v, want %v", action, e.At, storagetest.Fixed)
	}
}

// noSecret fails when an audit row carries any of secrets.
func noSecret(t *testing.T, e soko.AuditEntry, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && (strings.Contains(e.Before, s) || strings.Contains(e.After, s)) {
			t.Errorf("%s logs a secret %q: %s → %s", e.Action, s, e.Before, e.After)
		}
	}
}

// An admin at the office PC: who every change below is made by.
var officeAdmin = soko.Actor{Kind: soko.ActorStaff, StaffID: 1, Badge: "A001", Device: "PC-事務所", Address: "192.0.2.10"}

func TestAudit_Staff(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := soko.WithActor(context.Background(), officeAdmin)
		hash, _ := soko.HashPIN("482913")
		s := &soko.Staff{BadgeCode: "P001", Name: "田中", Role: soko.RolePicker, PINHash: hash, Active: true}
		e := audited(t, db, "add staff", func() error { return db.CreateStaff(ctx, s) })
		wantEntry(t, e, soko.AuditStaffCreate, "staff", s.ID, officeAdmin)
		if e.Before != "" || values(t, e.After)["badge"] != "P001" || values(t, e.After)["role"] != "picker" {
			t.Errorf("staff added: %q → %q", e.Before, e.After)
		}
		noSecret(t, e, hash)
		notAudited(t, db, "a badge in use", func() error {
			return db.CreateStaff(ctx, &soko.Staff{BadgeCode: "P001", Name: "別人", Role: soko.RolePicker, PINHash: hash, Active: true})
		})

		s.Role = soko.RoleSupervisor
		e = audited(t, db, "promote", func() error { return db.UpdateStaff(ctx, s) })
		wantEntry(t, e, soko.AuditStaffUpdate, "staff", s.ID, officeAdmin)
		if values(t, e.Before)["role"] != "picker" || values(t, e.After)["role"] != "supervisor" {
			t.Errorf("role change logged %s → %s", e.Before, e.After)
		}
		s.Active = false
		e = audited(t, db, "deactivate", func() error { return db.UpdateStaff(ctx, s) })
		if values(t, e.Before)["active"] != true || values(t, e.After)["active"] != false {
			t.Errorf("deactivation logged %s → %s", e.Before, e.After)
		}
		notAudited(t, db, "update an unknown member", func() error {
			return db.UpdateStaff(ctx, &soko.Staff{ID: s.ID + 99, BadgeCode: "X", Name: "x", Role: soko.RolePicker})
		})

		newHash, _ := soko.HashPIN("739251")
		e = audited(t, db, "reset the PIN", func() error { _, err := db.ResetStaffPIN(ctx, s.ID, newHash, 0); return err })
		wantEntry(t, e, soko.AuditStaffPIN, "staff", s.ID, officeAdmin)
		if values(t, e.After)["pin_changed"] != true {
			t.Errorf("PIN reset logged %s → %s", e.Before, e.After)
		}
		noSecret(t, e, hash, newHash, "739251")
		notAudited(t, db, "reset an unknown member's PIN", func() error { _, err := db.ResetStaffPIN(ctx, s.ID+99, newHash, 0); return err })
	})
}

func TestAudit_APIKeysAndWebhook(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := soko.WithActor(context.Background(), officeAdmin)
		m := MustCreateMerchant(t, db, "SAKURA")
		secret, prefix, hash := soko.NewAPIKeySecret()
		k := &soko.APIKey{MerchantID: m.ID, Name: "受注連携", Prefix: prefix, Hash: hash}
		e := audited(t, db, "make a key", func() error { return db.CreateAPIKey(ctx, k) })
		wantEntry(t, e, soko.AuditAPIKeyCreate, "api_key", k.ID, officeAdmin)
		if values(t, e.After)["prefix"] != prefix || values(t, e.After)["merchant_id"] != float64(m.ID) {
			t.Errorf("key made: %s", e.After)
		}
		noSecret(t, e, secret, hash)

		e = audited(t, db, "revoke the key", func() error { _, err := db.RevokeMerchantAPIKey(ctx, m.ID, k.ID); return err })
		wantEntry(t, e, soko.AuditAPIKeyRevoke, "api_key", k.ID, officeAdmin)
		if values(t, e.Before)["revoked"] != false || values(t, e.After)["revoked"] != true {
			t.Errorf("revocation logged %s → %s", e.Before, e.After)
		}
		noSecret(t, e, secret, hash)
		before := len(auditLog(t, db, soko.AuditFilter{}))
		if _, err := db.RevokeMerchantAPIKey(ctx, m.ID, k.ID); err != nil {
			t.Fatal(err)
		}
		if n := len(auditLog(t, db, soko.AuditFilter{})) - before; n != 0 {
			t.Errorf("revoking a revoked key changed nothing but wrote %d audit rows", n)
		}
		notAudited(t, db, "revoke another merchant's key", func() error { _, err := db.RevokeMerchantAPIKey(ctx, m.ID+1, k.ID); return err })

		// The command line revokes by prefix, as "cli".
		_, prefix2, hash2 := soko.NewAPIKeySecret()
		k2 := &soko.APIKey{MerchantID: m.ID, Prefix: prefix2, Hash: hash2}
		if err := db.CreateAPIKey(ctx, k2); err != nil {
			t.Fatal(err)
		}
		cli := soko.WithActor(context.Background(), soko.Actor{Kind: soko.ActorCLI})
		e = audited(t, db, "soko apikey revoke", func() error { return db.RevokeAPIKey(cli, prefix2) })
		wantEntry(t, e, soko.AuditAPIKeyRevoke, "api_key", k2.ID, soko.Actor{Kind: soko.ActorCLI})
		notAudited(t, db, "revoke it again from the CLI", func() error { return db.RevokeAPIKey(cli, prefix2) })

		ep := &soko.WebhookEndpoint{MerchantID: m.ID, URL: "https://shop.example/hooks", Active: true}
		e = audited(t, db, "register a webhook", func() error { _, err := db.PutWebhookEndpoint(ctx, ep, false); return err })
		wantEntry(t, e, soko.AuditWebhookPut, "webhook_endpoint", e.TargetID, officeAdmin)
		if e.Before != "" || values(t, e.After)["url"] != "https://shop.example/hooks" {
			t.Errorf("webhook registered: %q → %s", e.Before, e.After)
		}
		first := ep.Secret
		ep.URL, ep.Active = "https://shop.example/v2/hooks", false
		e = audited(t, db, "change the webhook", func() error { _, err := db.PutWebhookEndpoint(ctx, ep, true); return err })
		if values(t, e.Before)["url"] != "https://shop.example/hooks" || values(t, e.After)["url"] != "https://shop.example/v2/hooks" ||
			values(t, e.After)["active"] != false || values(t, e.After)["secret_rotated"] != true {
			t.Errorf("webhook change logged %s → %s", e.Before, e.After)
		}
		noSecret(t, e, first, ep.Secret)
	})
}

func TestAudit_OrdersCountAndManifest(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		f := mustShortFloor(t, db)
		boss := soko.Actor{Kind: soko.ActorStaff, StaffID: f.supervisor, Badge: "V001", Device: "PC-事務所", Address: "192.0.2.20"}
		ctx := soko.WithActor(context.Background(), boss)
		act := func(number string, a soko.OrderAction) func() error {
			return func() error {
				_, err := db.SuperviseOrder(ctx, &soko.OrderCommand{OrderID: f.orders[number], Action: a, StaffID: f.supervisor, Note: "山田様よりお電話"}, rules)
				return err
			}
		}
		e := audited(t, db, "hold SO-3", act("SO-3", soko.ActionHold))
		wantEntry(t, e, "order.hold", "order", f.orders["SO-3"], boss)
		if values(t, e.Before)["status"] != "allocated" || values(t, e.After)["status"] != "on_hold" || values(t, e.After)["number"] != "SO-3" {
			t.Errorf("hold logged %s → %s", e.Before, e.After)
		}
		// The note is free text that may name the customer: the order's
		// history keeps it, the log does not.
		noSecret(t, e, "山田")
		e = audited(t, db, "release SO-3", act("SO-3", soko.ActionReleaseHold))
		wantEntry(t, e, "order.release_hold", "order", f.orders["SO-3"], boss)
		notAudited(t, db, "release SO-3 again", act("SO-3", soko.ActionReleaseHold))
		e = audited(t, db, "cancel SO-3", act("SO-3", soko.ActionCancel))
		if e.Action != "order.cancel" || values(t, e.Before)["status"] != "allocated" || values(t, e.After)["status"] != "cancelled" {
			t.Errorf("cancel logged %s %s → %s", e.Action, e.Before, e.After)
		}

		// The merchant cancels SO-4 over the API; it was held while being
		// picked, so the cancellation waits for its goods to come back.
		merchant := soko.Actor{Kind: soko.ActorAPIKey, APIKeyID: 7, MerchantID: f.seed.Merchants[0].ID, Address: "198.51.100.7"}
		api := soko.WithActor(context.Background(), merchant)
		e = audited(t, db, "cancel SO-4 by API", func() error {
			_, err := db.CancelOrder(api, f.seed.Merchants[0].ID, "SO-4", "お客様都合")
			return err
		})
		wantEntry(t, e, "order.request_cancel", "order", f.orders["SO-4"], merchant)
		if values(t, e.Before)["status"] != "on_hold" || values(t, e.After)["status"] != "cancel_requested" {
			t.Errorf("API cancel logged %s → %s", e.Before, e.After)
		}
		notAudited(t, db, "cancel an unknown order", func() error { _, err := db.CancelOrder(api, f.seed.Merchants[0].ID, "NOPE", ""); return err })

		// A count that finds 12 mugs where the books say fewer adjusts stock.
		onHand, _ := f.stockAt(t, "MUG", "A-02")
		count := func(scan string, n int) func() error {
			return func() error {
				_, err := db.Count(ctx, &soko.Count{ScanID: scan, StaffID: f.supervisor, Location: "A-02", Reason: "棚卸",
					Lines: []soko.CountLine{{ProductID: f.product("MUG"), Quantity: n}}}, rules)
				return err
			}
		}
		e = audited(t, db, "count A-02", count("audit-count-1", onHand+2))
		wantEntry(t, e, soko.AuditStockCount, "location", e.TargetID, boss)
		lines := func(s string) []any { l, _ := values(t, s)["lines"].([]any); return l }
		if b, a := lines(e.Before), lines(e.After); len(b) != 1 || len(a) != 1 ||
			b[0].(map[string]any)["on_hand"] != float64(onHand) || a[0].(map[string]any)["on_hand"] != float64(onHand+2) ||
			a[0].(map[string]any)["sku"] != "MUG" || values(t, e.After)["reason"] != "棚卸" {
			t.Errorf("count logged %s → %s", e.Before, e.After)
		}
		before := len(auditLog(t, db, soko.AuditFilter{}))
		if err := count("audit-count-2", onHand+2)(); err != nil {
			t.Fatal(err)
		}
		if n := len(auditLog(t, db, soko.AuditFilter{})) - before; n != 0 {
			t.Errorf("a count that found what the books said wrote %d audit rows", n)
		}
		notAudited(t, db, "count an unknown location", func() error {
			_, err := db.Count(ctx, &soko.Count{ScanID: "audit-count-3", StaffID: f.supervisor, Location: "Z-99"}, rules)
			return err
		})
	})
}

func TestAudit_ManifestClose(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		labelledDock(t, db)
		m := openYamato(t, db)
		boss := mustStaff(t, db, "V001", soko.RoleSupervisor)
		shipper := soko.Actor{Kind: soko.ActorStaff, StaffID: boss.ID, Badge: "S001", Device: "HT-DOCK", Address: "192.0.2.30"}
		ctx := soko.WithActor(context.Background(), shipper)
		notAudited(t, db, "close with parcels missing, unconfirmed", func() error {
			_, err := db.CloseManifest(ctx, &soko.CloseManifest{ManifestID: m.ID})
			return err
		})
		e := audited(t, db, "close confirmed", func() error {
			_, err := db.CloseManifest(ctx, &soko.CloseManifest{ManifestID: m.ID, ConfirmedBy: boss.ID})
			return err
		})
		wantEntry(t, e, soko.AuditManifestClose, "manifest", m.ID, shipper)
		after := values(t, e.After)
		if values(t, e.Before)["status"] != "open" || after["status"] != "closed" || after["confirmed_by"] != float64(boss.ID) {
			t.Errorf("close logged %s → %s", e.Before, e.After)
		}
		if missing, _ := after["missing_parcels"].([]any); len(missing) != 5 {
			t.Errorf("close logged missing parcels %v, want the 5 Yamato parcels", after["missing_parcels"])
		}
		notAudited(t, db, "close it again", func() error {
			_, err := db.CloseManifest(ctx, &soko.CloseManifest{ManifestID: m.ID, ConfirmedBy: boss.ID})
			return err
		})
	})
}

// The log is read newest first, filtered by actor, action (or its
// prefix), target and time, a page at a time.
func TestAudit_Filter(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		admin := soko.WithActor(context.Background(), officeAdmin)
		cli := soko.WithActor(context.Background(), soko.Actor{Kind: soko.ActorCLI})
		day := func(d int) { db.Now = func() time.Time { return storagetest.Fixed.AddDate(0, 0, d) } }
		day(0)
		m := MustCreateMerchant(t, db, "SAKURA") // by the system
		day(1)
		p := mustStaffIn(t, admin, db, "P001")
		day(2)
		q := mustStaffIn(t, cli, db, "P002")
		day(3)
		p.Role = soko.RolePacker
		if err := db.UpdateStaff(admin, p); err != nil {
			t.Fatal(err)
		}

		actions := func(f soko.AuditFilter) []string {
			var out []string
			for _, e := range auditLog(t, db, f) {
				out = append(out, string(e.Action)+"#"+e.TargetType)
			}
			return out
		}
		for name, c := range map[string]struct {
			f    soko.AuditFilter
			want string
		}{
			"all, newest first": {soko.AuditFilter{}, "staff.update#staff staff.create#staff staff.create#staff merchant.create#merchant"},
			"by badge":          {soko.AuditFilter{Actor: "a001"}, "staff.update#staff staff.create#staff"},
			"by the CLI":        {soko.AuditFilter{Actor: "cli"}, "staff.create#staff"},
			"by the system":     {soko.AuditFilter{Actor: "system"}, "merchant.create#merchant"},
			"an action":         {soko.AuditFilter{Action: "staff.create"}, "staff.create#staff staff.create#staff"},
			"a kind of action":  {soko.AuditFilter{Action: "staff."}, "staff.update#staff staff.create#staff staff.create#staff"},
			"a target":          {soko.AuditFilter{TargetType: "staff", TargetID: q.ID}, "staff.create#staff"},
			"a merchant":        {soko.AuditFilter{TargetType: "merchant", TargetID: m.ID}, "merchant.create#merchant"},
			"days 1 and 2":      {soko.AuditFilter{From: storagetest.Fixed.AddDate(0, 0, 1), To: storagetest.Fixed.AddDate(0, 0, 3)}, "staff.create#staff staff.create#staff"},
			"nothing":           {soko.AuditFilter{Actor: "Z999"}, ""},
		} {
			if got := strings.Join(actions(c.f), " "); got != c.want {
				t.Errorf("%s: %q, want %q", name, got, c.want)
			}
		}

		page, more, err := db.AuditLog(context.Background(), soko.AuditFilter{Limit: 3})
		if err != nil || len(page) != 3 || !more {
			t.Fatalf("first page of 3: %d rows, more %v, %v", len(page), more, err)
		}
		rest, more, err := db.AuditLog(context.Background(), soko.AuditFilter{Limit: 3, Before: page[2].ID})
		if err != nil || len(rest) != 1 || more || rest[0].Action != soko.AuditMerchantCreate {
			t.Fatalf("second page: %+v, more %v, %v", rest, more, err)
		}
		if _, _, err := db.AuditLog(context.Background(), soko.AuditFilter{Actor: "key:x"}); soko.ErrorCode(err) != soko.EINVALID {
			t.Errorf("actor key:x: %v, want invalid", err)
		}
	})
}

func mustStaffIn(tb testing.TB, ctx context.Context, db *storage.DB, badge string) *soko.Staff {
	tb.Helper()
	hash, err := soko.HashPIN("482913")
	if err != nil {
		tb.Fatal(err)
	}
	s := &soko.Staff{BadgeCode: badge, Name: "スタッフ " + badge, Role: soko.RolePicker, PINHash: hash, Active: true}
	if err := db.CreateStaff(ctx, s); err != nil {
		tb.Fatal(err)
	}
	return s
}
