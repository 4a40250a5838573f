package storage_test

import (
	"context"
	"testing"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/internal/storage"
	"github.com/soko-wms/soko/internal/storage/storagetest"
)

func TestCarrierAccounts_WarehouseAndMerchantContracts(t *testing.T) {
	storagetest.ForEachDialect(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := MustCreateMerchant(t, db, "SAKURA")
		other := MustCreateMerchant(t, db, "KAEDE")

		warehouse := &soko.CarrierAccount{Carrier: "yamato", BillingCode: "0311111111", FreightNumber: "01"}
		entry := audited(t, db, "save the warehouse's contract", func() error { return db.SaveCarrierAccount(ctx, warehouse) })
		if entry.Action != soko.AuditCarrierAccount || entry.TargetID != warehouse.ID || entry.Before != "" {
			t.Errorf("audit %+v", entry)
		}
		own := &soko.CarrierAccount{MerchantID: m.ID, Carrier: "yamato", BillingCode: "0622222222", FreightNumber: "02"}
		if err := db.SaveCarrierAccount(ctx, own); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveCarrierAccount(ctx, &soko.CarrierAccount{Carrier: "sagawa", SixSlots: true}); err != nil {
			t.Fatal(err)
		}

		// Saving again replaces the contract, it does not add a second.
		changed := &soko.CarrierAccount{Carrier: "yamato", BillingCode: "0333333333", BillingClass: "A", FreightNumber: "01"}
		entry = audited(t, db, "change the warehouse's contract", func() error { return db.SaveCarrierAccount(ctx, changed) })
		if changed.ID != warehouse.ID || values(t, entry.Before)["BillingCode"] != "0311111111" {
			t.Errorf("changed %+v (was %d), audit before %s", changed, warehouse.ID, entry.Before)
		}

		accounts, err := db.CarrierAccounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(accounts) != 3 {
			t.Fatalf("%d accounts, want 3: %+v", len(accounts), accounts)
		}
		if a := soko.AccountFor(accounts, "yamato", m.ID); a == nil || a.BillingCode != "0622222222" || a.FreightNumber != "02" {
			t.Errorf("SAKURA ships yamato on %+v, want its own contract", a)
		}
		if a := soko.AccountFor(accounts, "yamato", other.ID); a == nil || a.BillingCode != "0333333333" || a.BillingClass != "A" {
			t.Errorf("KAEDE ships yamato on %+v, want the warehouse's", a)
		}
		if a := soko.AccountFor(accounts, "sagawa", m.ID); a == nil || !a.SixSlots {
			t.Errorf("sagawa: %+v", a)
		}

		// Removing the merchant's own puts it back on the warehouse's.
		audited(t, db, "remove SAKURA's contract", func() error { return db.DeleteCarrierAccount(ctx, "yamato", m.ID) })
		accounts, _ = db.CarrierAccounts(ctx)
		if a := soko.AccountFor(accounts, "yamato", m.ID); a == nil || a.ID != warehouse.ID {
			t.Errorf("after removing its own, SAKURA ships on %+v", a)
		}
		if err := db.DeleteCarrierAccount(ctx, "yamato", m.ID); soko.ErrorCode(err) != soko.ENOTFOUND {
			t.Errorf("removing it twice: %v, want not found", err)
		}
		notAudited(t, db, "a contract for an unknown merchant", func() error {
			err := db.SaveCarrierAccount(ctx, &soko.CarrierAccount{MerchantID: other.ID + 100, Carrier: "yamato", BillingCode: "0311111111", FreightNumber: "01"})
			if soko.ErrorCode(err) != soko.ENOTFOUND {
				t.Errorf("unknown merchant: %v, want not found", err)
			}
			return err
		})
	})
}
