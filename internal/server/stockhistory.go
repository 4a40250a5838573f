package server

import (
	"context"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/server/api"
)

// GetStockHistory answers GET /api/v1/products/{sku}/stock-history: the
// product's stock at the end of each day, from its ledger.
func (h apiHandlers) GetStockHistory(ctx context.Context, req api.GetStockHistoryRequestObject) (api.GetStockHistoryResponseObject, error) {
	days := 60
	if req.Params.Days != nil {
		days = *req.Params.Days
	}
	ds, err := h.store.DailyStock(ctx, merchantOf(ctx), req.Sku, h.now(), days)
	if err != nil {
		return nil, err
	}
	out := api.StockHistory{Sku: req.Sku, Days: make([]api.StockDay, len(ds))}
	for i, d := range ds {
		out.Days[i] = api.StockDay{Date: openapi_types.Date{Time: d.Date}, OnHand: d.OnHand, Allocated: d.Allocated, Available: d.Available()}
	}
	return api.GetStockHistory200JSONResponse(out), nil
}
