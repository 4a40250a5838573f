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
	code, sku, err := s.readCode(ctx, raw)
	if err != nil {
		return nil, code, err
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
		return nil, soko.UnknownCode(raw, lang)
	case 1:
		return &scanned{ScannedItem: items[0], Code: code}, nil
	}
	return nil, soko.SharedCode(raw, lang)
}

// readCode reads what a scanner sent as a barcode (JAN, ITF-14 or
// GS1-128, check digit checked) or else as a typed SKU. A barcode that
// fails its check is refused as a misread: it must never be mistaken for
// an SKU that happens to match.
func (s *Server) readCode(ctx context.Context, raw string) (code gs1.Code, sku string, unreadable error) {
	code, err := gs1.ParseAt(raw, s.now())
	switch {
	case err == nil:
		return code, "", nil
	case errors.Is(err, gs1.ErrCheckDigit) || errors.Is(err, gs1.ErrBadElement):
		return code, "", soko.Errorf(soko.EINVALID, "%s", barcodeMessage(err, "en")).JA("%s", barcodeMessage(err, "ja")).
			WithField("code", barcodeMessage(err, langOf(ctx)))
	}
	return code, soko.ScannedCode(raw), nil
}
