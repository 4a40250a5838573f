package server

import (
	"context"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// stockHistoryStore is what stockhistory.go's handlers need of the store.
type stockHistoryStore interface {
	DailyStock(ctx context.Context, merchantID int64, sku string, now time.Time, days int) ([]soko.StockDay, error)
}

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

// portalSKUWords are the words of the portal's page for one product's
// stock (portal_stock.js).
var portalSKUWords = map[string]soko.Text{
	"lot":         {JA: "ロット", EN: "Lot"},
	"expiry":      {JA: "賞味・使用期限", EN: "Expiry"},
	"no_lots":     {JA: "在庫はありません", EN: "No stock"},
	"chart_title": {JA: "過去60日の在庫推移", EN: "Stock over the last 60 days"},
	"chart_label": {JA: "過去{days}日の在庫推移。本日の実在庫 {on_hand}、引当可能 {available}", EN: "Stock over the last {days} days; today {on_hand} on hand, {available} available"},
	"chart_note":  {JA: "各日の終わりの数量（入出庫の記録から集計）", EN: "At the end of each day, summed from the stock ledger"},
}
