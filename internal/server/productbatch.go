package server

import (
	"context"
	"maps"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// PutProductBatch answers PUT /api/v1/products/batch: each product taken on
// its own by PutProduct, in its own transaction, with a result per item.
// Only a failure of soko itself fails the request; sending the batch again
// is harmless, as a PUT is.
func (h apiHandlers) PutProductBatch(ctx context.Context, req api.PutProductBatchRequestObject) (api.PutProductBatchResponseObject, error) {
	lang := langOf(ctx)
	out := api.ProductBatchResult{Results: make([]api.ProductBatchItem, len(req.Body.Products))}
	for i, raw := range req.Body.Products {
		item := api.ProductBatchItem{Index: i}
		item.Sku, _ = raw["sku"].(string)
		p, created, err := h.putBatchProduct(ctx, raw, lang)
		switch code := soko.ErrorCode(err); {
		case err == nil && created:
			item.Result, item.Product = api.ProductBatchItemResultCreated, p
			out.Created++
		case err == nil:
			item.Result, item.Product = api.ProductBatchItemResultUpdated, p
			out.Updated++
		case code == soko.EINTERNAL || code == soko.EUNAVAILABLE:
			return nil, err
		default:
			item.Result, item.Problem = api.ProductBatchItemResultRefused, itemProblem(err, lang)
			out.Refused++
		}
		out.Results[i] = item
	}
	return api.PutProductBatch200JSONResponse(out), nil
}

// putBatchProduct checks one item's sku against the SKU schema and the rest
// against ProductInput, and puts the product; created tells a new product
// from an updated one.
func (h apiHandlers) putBatchProduct(ctx context.Context, raw map[string]any, lang string) (*api.Product, bool, error) {
	sku, _ := raw["sku"].(string)
	body := maps.Clone(raw)
	delete(body, "sku")
	bad := soko.Errorf(soko.EINVALID, "the item does not match the API").JA("内容に誤りがあります")
	if err := h.spec.Components.Schemas["SKU"].Value.VisitJSON(sku); err != nil || sku == "batch" {
		bad.WithField("sku", soko.Text{JA: "SKUが正しくありません（英数字と . _ - で64文字まで、batch は予約）", EN: "a SKU of letters, digits, . _ - up to 64 characters, not batch"}.In(lang))
	}
	var in api.ProductInput
	if err := decodeItem(h.spec.Components.Schemas["ProductInput"].Value, body, &in, lang); err != nil {
		if len(bad.Fields) == 0 {
			return nil, false, err
		}
		bad.Fields = append(bad.Fields, soko.ErrorFields(err)...)
	}
	if len(bad.Fields) > 0 {
		return nil, false, bad
	}
	res, err := h.PutProduct(ctx, api.PutProductRequestObject{Sku: sku, Body: &in})
	switch r := res.(type) {
	case api.PutProduct201JSONResponse:
		p := api.Product(r)
		return &p, true, err
	case api.PutProduct200JSONResponse:
		p := api.Product(r)
		return &p, false, err
	}
	return nil, false, err
}
