package storage

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/password"
	"github.com/soko-wms/soko/internal/soko"
)

// Empty reports whether the database holds no merchants and no staff yet,
// which is when the demo may be seeded.
func (db *DB) Empty(ctx context.Context) (bool, error) {
	var merchants, staff int64
	if err := db.conn(ctx).Table("merchants").Count(&merchants).Error; err != nil {
		return false, translate(err)
	}
	if err := db.conn(ctx).Table("staff").Count(&staff).Error; err != nil {
		return false, translate(err)
	}
	return merchants == 0 && staff == 0, nil
}

// Load stores a whole seed in one transaction: all of it, or nothing.
func (db *DB) Load(ctx context.Context, s *soko.Seed) error {
	now := db.now()
	return db.transact(runAlone(ctx), func(tx *gorm.DB) error {
		merchants := map[string]int64{}
		for i := range s.Merchants {
			m := &s.Merchants[i]
			if err := m.Validate(); err != nil {
				return err
			}
			if err := createMerchant(tx, m, now); err != nil {
				return err
			}
			merchants[m.Code] = m.ID
		}
		merchantID := func(code string) (int64, error) {
			if id, ok := merchants[code]; ok {
				return id, nil
			}
			return 0, fmt.Errorf("seed: unknown merchant %q", code)
		}
		for i := range s.Staff {
			st := &s.Staff[i]
			hash, err := soko.HashPIN(st.PIN)
			if err != nil {
				return err
			}
			st.PINHash = hash
			if err := st.Validate(); err != nil {
				return err
			}
			if err := createStaff(tx, &st.Staff, now); err != nil {
				return err
			}
		}
		locations := map[string]int64{}
		for i := range s.Locations {
			if err := createLocation(tx, &s.Locations[i]); err != nil {
				return err
			}
			locations[s.Locations[i].Code] = s.Locations[i].ID
		}
		for i := range s.BoxTypes {
			if err := createBoxType(tx, &s.BoxTypes[i]); err != nil {
				return err
			}
		}
		for i := range s.CarrierAccounts {
			a := &s.CarrierAccounts[i]
			row := newCarrierAccountRow(a, 0, now)
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
			*a = row.account()
		}
		for i := range s.RateCards {
			c := &s.RateCards[i]
			id, err := merchantID(c.MerchantCode)
			if err != nil {
				return err
			}
			c.MerchantID, c.UpdatedAt = id, now
			if err := c.Validate(); err != nil {
				return err
			}
			row, err := rateCardToRow(&c.RateCard)
			if err != nil {
				return err
			}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		type sku struct{ merchant, sku string }
		products := map[sku]*soko.Product{}
		for i := range s.Products {
			p := &s.Products[i]
			id, err := merchantID(p.MerchantCode)
			if err != nil {
				return err
			}
			p.MerchantID = id
			if err := createProduct(tx, &p.Product, now); err != nil {
				return err
			}
			products[sku{p.MerchantCode, p.SKU}] = &p.Product
		}
		for i := range s.Stock {
			st := &s.Stock[i]
			p, ok := products[sku{st.MerchantCode, st.SKU}]
			loc, okLoc := locations[st.LocationCode]
			if !ok || !okLoc {
				return fmt.Errorf("seed: stock of %s/%s at %s: unknown product or location", st.MerchantCode, st.SKU, st.LocationCode)
			}
			st.ProductID, st.LocationID = p.ID, loc
			if err := receiveStock(tx, &st.Stock, "seed", now); err != nil {
				return err
			}
		}
		for i := range s.Orders {
			o := &s.Orders[i]
			id, err := merchantID(o.MerchantCode)
			if err != nil {
				return err
			}
			o.MerchantID = id
			for j := range o.Lines {
				p, ok := products[sku{o.MerchantCode, o.Lines[j].SKU}]
				if !ok {
					return fmt.Errorf("seed: order %s: unknown product %s", o.Number, o.Lines[j].SKU)
				}
				o.Lines[j].ProductID = p.ID
			}
			if err := createOrder(tx, &o.Order, now); err != nil {
				return err
			}
		}
		for _, k := range s.APIKeys {
			id, err := merchantID(k.MerchantCode)
			if err != nil {
				return err
			}
			key := soko.APIKey{MerchantID: id, Name: k.Name, Prefix: soko.APIKeyPrefix(k.Secret), Hash: soko.HashAPIKey(k.Secret)}
			if err := createAPIKey(tx, &key, now); err != nil {
				return err
			}
		}
		for _, u := range s.PortalUsers {
			id, err := merchantID(u.MerchantCode)
			if err != nil {
				return err
			}
			if err := soko.CheckPassword(u.Password); err != nil {
				return err
			}
			hash, err := password.Hash(u.Password)
			if err != nil {
				return err
			}
			user := u.PortalUser
			user.MerchantID, user.PasswordHash = id, hash
			if err := soko.CheckPortalUser(&user); err != nil {
				return err
			}
			if err := tx.Create(&portalUserRow{MerchantID: id, Email: user.Email, Name: user.Name, Role: string(user.Role),
				PasswordHash: hash, Active: true, CreatedAt: now}).Error; err != nil {
				return err
			}
		}
		return nil
	})
}
