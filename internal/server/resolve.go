package server

import (
	"context"
	"errors"

	"github.com/soko-wms/soko/internal/gs1"
	"github.com/soko-wms/soko/internal/soko"
)

// resolveStore is what resolve.go's handlers need of the store.
type resolveStore interface {
	ScannedItems(ctx context.Context, merchantID int64, gtin, sku string) ([]soko.ScannedItem, error)
	ProductsAt(ctx context.Context, location string) (map[int64]bool, error)
}

// scanned is a scanned code resolved to one product, with what the barcode carried.
type scanned struct {
	soko.ScannedItem
	Code gs1.Code
}

// lookup returns the products (of merchantID, or of every merchant when 0)
// a code names, and what its GS1 data says; a misread is refused.
func (s *Server) lookup(ctx context.Context, raw string, merchantID int64) ([]soko.ScannedItem, gs1.Code, error) {
	code, perr := gs1.ParseAt(raw, s.now())
	sku := soko.ScannedCode(raw)
	if perr == nil {
		sku = ""
	} else if errors.Is(perr, gs1.ErrCheckDigit) || errors.Is(perr, gs1.ErrBadElement) {
		// A misread must never be mistaken for an SKU that happens to match.
		lang := langOf(ctx)
		return nil, code, soko.Errorf(soko.EINVALID, "%s", barcodeMessage(perr, "en")).JA("%s", barcodeMessage(perr, "ja")).WithField("code", barcodeMessage(perr, lang))
	}
	items, err := s.store.ScannedItems(ctx, merchantID, code.GTIN, sku)
	return items, code, err
}

// resolve turns what a scanner sent into one product: a JAN, ITF-14 or
// GS1-128 barcode (check digit checked), or a typed SKU. merchantID narrows
// to one merchant; location tells apart merchants' products sharing a barcode.
func (s *Server) resolve(ctx context.Context, raw string, merchantID int64, location string) (*scanned, error) {
	lang := langOf(ctx)
	items, code, err := s.lookup(ctx, raw, merchantID)
	if err != nil {
		return nil, err
	}
	if len(items) > 1 && location != "" {
		at, err := s.store.ProductsAt(ctx, location)
		if err != nil {
			return nil, err
		}
		var here []soko.ScannedItem
		for _, it := range items {
			if at[it.Product.ID] {
				here = append(here, it)
			}
		}
		if len(here) > 0 {
			items = here
		}
	}
	switch len(items) {
	case 0:
		return nil, soko.Errorf(soko.ENOTFOUND, "no product has the code %s", raw).JA("登録されていないバーコードです（%s）", raw).WithField("code", soko.Text{JA: "未登録のバーコードです", EN: "unknown barcode"}.In(lang))
	case 1:
		return &scanned{ScannedItem: items[0], Code: code}, nil
	}
	return nil, soko.Errorf(soko.EINVALID, "several merchants have a product with the code %s: choose the merchant", raw).
		JA("複数の荷主に同じバーコードの商品があります。荷主を選んでください").WithField("merchant_code", soko.Text{JA: "荷主を選んでください", EN: "choose the merchant"}.In(lang))
}
