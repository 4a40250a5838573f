package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

func TestAdmin_UpdateMerchant(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := MustCreateMerchant(t, db, "SAKURA")
		if err := db.SaveEmailTemplate(ctx, m.ID, soko.EmailTemplate{Subject: "発送しました"}); err != nil {
			t.Fatal(err)
		}
		change := &soko.Merchant{
			ID: m.ID, Code: "SAKURA", Name: "さくら雑貨店", SlipMessage: "ご注文ありがとうございました。", AllowPartial: true,
			Sender: soko.Address{PostalCode: "1110032", Prefecture: "東京都", City: "台東区", Street: "浅草2-3-1",
				Building: "さくらビル3F", Name: "さくら雑貨店", Phone: "03-3841-0001", Email: "shop@sakura.example"},
		}
		if err := db.UpdateMerchant(ctx, change); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindMerchantByCode(ctx, "SAKURA")
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "さくら雑貨店" || got.Sender != change.Sender || got.SlipMessage != change.SlipMessage || !got.AllowPartial {
			t.Errorf("saved %+v, read back %+v", change, got)
		}
		if got.EmailTemplate.Subject != "発送しました" || !got.CreatedAt.Equal(m.CreatedAt) {
			t.Errorf("the update touched what it does not own: %+v", got)
		}
		if *change != *got {
			t.Errorf("UpdateMerchant left %+v, the store holds %+v", change, got)
		}

		if err := db.UpdateMerchant(ctx, &soko.Merchant{ID: m.ID + 99, Code: "SAKURA", Name: "x"}); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("unknown merchant: %v, want not found", err)
		}
		if err := db.UpdateMerchant(ctx, &soko.Merchant{ID: m.ID, Code: "SAKURA", Name: ""}); soko.ErrorCode(err) != soko.EINVALID {
			t.Errorf("no name: %v, want invalid", err)
		}
	})
}

// mustStaff stores an active staff member with PIN 1234.
func mustStaff(tb testing.TB, db *storage.DB, badge string, role soko.Role) *soko.Staff {
	tb.Helper()
	hash, err := soko.HashPIN("1234")
	if err != nil {
		tb.Fatal(err)
	}
	s := &soko.Staff{BadgeCode: badge, Name: "スタッフ " + badge, Role: role, PINHash: hash, Active: true}
	if err := db.CreateStaff(context.Background(), s); err != nil {
		tb.Fatal(err)
	}
	return s
}

func mustSession(tb testing.TB, db *storage.DB, s *soko.Staff) (*soko.Session, string) {
	tb.Helper()
	sess, token, err := db.CreateSession(context.Background(), s, "HT-01")
	if err != nil {
		tb.Fatal(err)
	}
	return sess, token
}

// Staff are listed by badge; a role change and a rename stick; a
// deactivated member's sessions end and stay ended when they come back.
func TestAdmin_StaffRoleAndActive(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustStaff(t, db, "V001", soko.RoleSupervisor)
		p := mustStaff(t, db, "P001", soko.RolePicker)
		list, err := db.ListStaff(ctx)
		if err != nil || len(list) != 2 || list[0].BadgeCode != "P001" || list[1].BadgeCode != "V001" {
			t.Fatalf("ListStaff = %v (%v), want P001 then V001", list, err)
		}
		_, token := mustSession(t, db, p)

		p.Role, p.Name = soko.RolePacker, "佐藤 花子"
		if err := db.UpdateStaff(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := db.StaffByID(ctx, p.ID)
		if err != nil || got.Role != soko.RolePacker || got.Name != "佐藤 花子" || !got.Active {
			t.Fatalf("after the change: %+v (%v)", got, err)
		}
		if sess, err := db.FindSession(ctx, token); err != nil || sess.Staff.Role != soko.RolePacker {
			t.Fatalf("a role change must keep the session and apply at once: %+v %v", sess, err)
		}

		p.Active = false
		if err := db.UpdateStaff(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindSession(ctx, token); soko.ErrorCode(err) != soko.EUNAUTHORIZED {
			t.Fatalf("a deactivated member still signed in: %v", err)
		}
		p.Active = true
		if err := db.UpdateStaff(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindSession(ctx, token); soko.ErrorCode(err) != soko.EUNAUTHORIZED {
			t.Fatalf("reactivating revived an old session: %v", err)
		}

		if _, err := db.StaffByID(ctx, p.ID+99); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("unknown staff: %v, want not found", err)
		}
		if err := db.UpdateStaff(ctx, &soko.Staff{ID: p.ID + 99, BadgeCode: "X001", Name: "x", Role: soko.RolePicker}); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("updating unknown staff: %v, want not found", err)
		}
		p.Role = "boss"
		if err := db.UpdateStaff(ctx, p); soko.ErrorCode(err) != soko.EINVALID {
			t.Errorf("unknown role: %v, want invalid", err)
		}
	})
}

// A new PIN replaces the old, unlocks the badge and signs the member out
// everywhere but the session kept.
func TestAdmin_ResetStaffPIN(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		p := mustStaff(t, db, "P001", soko.RolePicker)
		kept, keptToken := mustSession(t, db, p)
		_, otherToken := mustSession(t, db, p)
		for i := 0; i < soko.MaxWrongPINs; i++ {
			if _, err := db.ClaimPINAttempt(ctx, p.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		if locked, _ := db.StaffByID(ctx, p.ID); locked.LockedUntil.IsZero() {
			t.Fatal("the badge did not lock")
		}

		hash, err := soko.HashPIN("9876")
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.ResetStaffPIN(ctx, p.ID, hash, kept.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.LockedUntil.IsZero() || got.FailedPINs != 0 {
			t.Errorf("still locked after the reset: %+v", got)
		}
		if !soko.CheckPIN(got.PINHash, "9876") || soko.CheckPIN(got.PINHash, "1234") {
			t.Error("the stored PIN is not the new one")
		}
		if _, err := db.FindSession(ctx, keptToken); err != nil {
			t.Errorf("the kept session ended: %v", err)
		}
		if _, err := db.FindSession(ctx, otherToken); soko.ErrorCode(err) != soko.EUNAUTHORIZED {
			t.Errorf("a session signed in with the old PIN survived: %v", err)
		}
		if _, err := db.ResetStaffPIN(ctx, p.ID+99, hash, 0); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("unknown staff: %v, want not found", err)
		}
	})
}

func TestAdmin_RevokeMerchantAPIKey(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a, b := MustCreateMerchant(t, db, "AAA"), MustCreateMerchant(t, db, "BBB")
		secret, prefix, hash := soko.NewAPIKeySecret()
		k := &soko.APIKey{MerchantID: a.ID, Name: "shop", Prefix: prefix, Hash: hash}
		if err := db.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RevokeMerchantAPIKey(ctx, b.ID, k.ID); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Fatalf("another merchant's key: %v, want not found", err)
		}
		if _, err := db.Authenticate(ctx, secret); err != nil {
			t.Fatalf("the key stopped after another merchant's revoke: %v", err)
		}
		got, err := db.RevokeMerchantAPIKey(ctx, a.ID, k.ID)
		if err != nil || !got.Revoked() || got.Prefix != prefix || !got.RevokedAt.Equal(storage.NowOf(db)) {
			t.Fatalf("revoked: %+v (%v)", got, err)
		}
		if _, err := db.Authenticate(ctx, secret); soko.ErrorCode(err) != soko.EUNAUTHORIZED {
			t.Fatalf("a revoked key still works: %v", err)
		}
		db.Now = func() time.Time { return storagetest.Fixed.Add(time.Hour) }
		again, err := db.RevokeMerchantAPIKey(ctx, a.ID, k.ID)
		if err != nil || !again.RevokedAt.Equal(got.RevokedAt) {
			t.Errorf("revoking again: %+v (%v), want the first revocation kept", again, err)
		}
	})
}

func TestAdmin_BoxTypes(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b := &soko.BoxType{Code: "BOX80", Name: "80サイズ", InnerLengthMM: 330, InnerWidthMM: 240, InnerHeightMM: 190, MaxWeightGrams: 5000, TareGrams: 250, SizeClass: 80}
		if err := db.CreateBoxType(ctx, b); err != nil {
			t.Fatal(err)
		}
		dup := *b
		if err := db.CreateBoxType(ctx, &dup); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("a second BOX80: %v, want conflict", err)
		}
		change := soko.BoxType{ID: b.ID, Code: "RENAMED", Name: "80サイズ（厚手）", InnerLengthMM: 320, InnerWidthMM: 230, InnerHeightMM: 180,
			MaxWeightGrams: 6000, TareGrams: 300, SizeClass: 80}
		if err := db.UpdateBoxType(ctx, &change); err != nil {
			t.Fatal(err)
		}
		boxes, err := db.BoxTypes(ctx)
		if err != nil || len(boxes) != 1 {
			t.Fatalf("box types: %v (%v)", boxes, err)
		}
		want := change
		want.Code = "BOX80" // parcels keep the code: it never changes
		if boxes[0] != want || change != want {
			t.Errorf("after the update the store holds %+v and the caller %+v, want %+v", boxes[0], change, want)
		}
		if err := db.UpdateBoxType(ctx, &soko.BoxType{ID: b.ID + 99, Name: "x", InnerLengthMM: 1, InnerWidthMM: 1, InnerHeightMM: 1, MaxWeightGrams: 1}); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("unknown box: %v, want not found", err)
		}
	})
}

func TestAdmin_Locations(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		var ids []int64
		for i, code := range []string{"A-01-01-1", "A-01-01-2", "B-01-01-1"} {
			l := &soko.Location{Code: code, Zone: code[:1], WalkSequence: (i + 1) * 10, Kind: soko.LocationPick}
			if err := db.CreateLocation(ctx, l); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, l.ID)
		}
		if err := db.CreateLocation(ctx, &soko.Location{Code: "A-01-01-1", Zone: "A", Kind: soko.LocationReserve}); soko.ErrorCode(err) != soko.ECONFLICT {
			t.Fatalf("a second A-01-01-1: %v, want conflict", err)
		}
		moved, err := db.SetWalkSequence(ctx, ids[0], 25)
		if err != nil || moved.Code != "A-01-01-1" || moved.WalkSequence != 25 || moved.Zone != "A" {
			t.Fatalf("moved: %+v (%v)", moved, err)
		}
		zone, err := db.Locations(ctx, "A")
		if err != nil || len(zone) != 2 || zone[0].Code != "A-01-01-2" || zone[1].Code != "A-01-01-1" {
			t.Fatalf("zone A in walk order: %+v (%v), want A-01-01-2 (20) before A-01-01-1 (moved to 25)", zone, err)
		}
		if _, err := db.SetWalkSequence(ctx, ids[2]+99, 1); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("unknown location: %v, want not found", err)
		}
	})
}
