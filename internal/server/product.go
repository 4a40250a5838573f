package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/soko-wms/soko/internal/gs1"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// productStore is what product.go's handlers need of the store.
type productStore interface {
	PutProduct(ctx context.Context, p *soko.Product) (created bool, err error)
	FindProduct(ctx context.Context, merchantID int64, sku string) (*soko.Product, error)
	ListProducts(ctx context.Context, merchantID int64, withArchived bool, page soko.Page) ([]*soko.Product, error)
}

func productOut(p *soko.Product) api.Product {
	out := api.Product{
		Sku: p.SKU, Name: p.Name, Price: p.Price, TaxRate: p.TaxRate, WeightGrams: p.WeightGrams,
		LengthMm: p.LengthMM, WidthMm: p.WidthMM, HeightMm: p.HeightMM, TrackLot: p.TrackLot,
		TrackExpiry: p.TrackExpiry, ReorderPoint: p.ReorderPoint, StockBuffer: p.StockBuffer, UpdatedAt: apiTime(p.UpdatedAt), Archived: p.Archived,
	}
	out.Barcodes = make([]api.ProductBarcode, len(p.Barcodes))
	for i, b := range p.Barcodes {
		out.Barcodes[i] = api.ProductBarcode{Code: b.Code, PackQuantity: b.PackQuantity}
	}
	out.Components = make([]api.Component, len(p.Components))
	for i, c := range p.Components {
		out.Components[i] = api.Component{Sku: c.SKU, Name: c.Name, Quantity: c.Quantity}
	}
	return out
}

// PutProduct answers PUT /api/v1/products/{sku}.
func (h apiHandlers) PutProduct(ctx context.Context, req api.PutProductRequestObject) (api.PutProductResponseObject, error) {
	in, lang := req.Body, langOf(ctx)
	p := &soko.Product{
		MerchantID: merchantOf(ctx), SKU: req.Sku, Name: in.Name, Price: in.Price, TaxRate: int(in.TaxRate),
		WeightGrams: deref(in.WeightGrams), LengthMM: deref(in.LengthMm), WidthMM: deref(in.WidthMm), HeightMM: deref(in.HeightMm),
		TrackLot: deref(in.TrackLot), TrackExpiry: deref(in.TrackExpiry), ReorderPoint: soko.KeepReorderPoint,
		Archive: in.Archived, KeepComponents: in.Components == nil,
	}
	for _, c := range deref(in.Components) {
		p.Components = append(p.Components, soko.Component{SKU: c.Sku, Quantity: c.Quantity})
	}
	if in.ReorderPoint != nil {
		p.ReorderPoint = *in.ReorderPoint
	}
	switch b := in.StockBuffer; {
	case b == nil:
		p.KeepStockBuffer = true
	case *b >= 0:
		p.StockBuffer = ptr(*b)
	}
	bad := soko.Errorf(soko.EINVALID, "invalid barcodes").JA("バーコードに誤りがあります")
	p.Barcodes = productBarcodes(deref(in.Barcodes), bad, lang)
	if len(bad.Fields) > 0 {
		return nil, bad
	}
	created, err := h.store.PutProduct(ctx, p)
	if err != nil {
		return nil, err
	}
	saved, err := h.store.FindProduct(ctx, p.MerchantID, p.SKU)
	if err != nil {
		return nil, err
	}
	if created {
		return api.PutProduct201JSONResponse(productOut(saved)), nil
	}
	return api.PutProduct200JSONResponse(productOut(saved)), nil
}

// productBarcodes reads a product's barcodes, adding to bad each one that
// is no product barcode, lacks its pack quantity or comes twice.
func productBarcodes(in []api.Barcode, bad *soko.Error, lang string) []soko.ProductBarcode {
	var out []soko.ProductBarcode
	seen := map[string]bool{}
	for i, b := range in {
		field := fmt.Sprintf("barcodes[%d].code", i)
		code, err := gs1.Parse(b.Code)
		if err != nil {
			bad.WithField(field, barcodeMessage(err, lang))
			continue
		}
		if code.Kind == gs1.GS1128 {
			bad.WithField(field, soko.Text{JA: "商品バーコードにはJAN/UPC/ITF-14を登録してください", EN: "register a JAN, UPC or ITF-14, not a GS1-128 label"}.In(lang))
			continue
		}
		qty := deref(b.PackQuantity)
		if qty == 0 {
			qty = 1
		}
		if code.IsCase() && qty < 2 {
			bad.WithField(fmt.Sprintf("barcodes[%d].pack_quantity", i), soko.Text{JA: "ケースコード（ITF-14）には入数を指定してください", EN: "a case code (ITF-14) needs its pack quantity"}.In(lang))
			continue
		}
		if seen[code.GTIN] {
			bad.WithField(field, soko.Text{JA: "同じバーコードが二度指定されています", EN: "the same barcode is given twice"}.In(lang))
			continue
		}
		seen[code.GTIN] = true
		out = append(out, soko.ProductBarcode{Code: code.GTIN, PackQuantity: qty})
	}
	return out
}

// barcodeMessage says what is wrong with a scanned or typed barcode.
func barcodeMessage(err error, lang string) string {
	switch {
	case errors.Is(err, gs1.ErrCheckDigit):
		return soko.Text{JA: "チェックデジットが合いません（読み取り・入力ミスの可能性）", EN: "check digit is wrong (misread or mistyped?)"}.In(lang)
	case errors.Is(err, gs1.ErrBadElement):
		return soko.Text{JA: "GS1-128の形式が正しくありません", EN: "not a valid GS1-128 element string"}.In(lang)
	}
	return soko.Text{JA: "JAN/EAN/UPC/ITF-14のバーコードではありません", EN: "not a JAN, EAN, UPC or ITF-14 barcode"}.In(lang)
}

// GetProduct answers GET /api/v1/products/{sku}.
func (h apiHandlers) GetProduct(ctx context.Context, req api.GetProductRequestObject) (api.GetProductResponseObject, error) {
	p, err := h.store.FindProduct(ctx, merchantOf(ctx), req.Sku)
	if err != nil {
		return nil, err
	}
	return api.GetProduct200JSONResponse(productOut(p)), nil
}

// ListProducts answers GET /api/v1/products.
func (h apiHandlers) ListProducts(ctx context.Context, req api.ListProductsRequestObject) (api.ListProductsResponseObject, error) {
	page, err := pageOf(req.Params.Limit, req.Params.Cursor, req.Params.UpdatedSince)
	if err != nil {
		return nil, err
	}
	ps, err := h.store.ListProducts(ctx, merchantOf(ctx), deref(req.Params.IncludeArchived), page)
	if err != nil {
		return nil, err
	}
	ps, next := trimPage(ps, page, func(p *soko.Product) int64 { return p.ID })
	out := api.ProductList{Data: make([]api.Product, len(ps)), NextCursor: next}
	for i, p := range ps {
		out.Data[i] = productOut(p)
	}
	return api.ListProducts200JSONResponse(out), nil
}
