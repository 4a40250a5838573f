package server

import (
	"context"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// stockStore is what stock.go's handlers need of the store.
type stockStore interface {
	StockOf(ctx context.Context, merchantID int64, sku string) (*soko.StockSummary, error)
	SetStockBuffer(ctx context.Context, merchantID int64, units int) (*soko.Merchant, error)
}

func stockOut(s *soko.StockSummary) api.Stock {
	out := api.Stock{Sku: s.SKU, Name: s.Name, OnHand: s.OnHand, Allocated: s.Allocated, Available: s.Available(),
		Held: s.Held, Buffer: s.Buffer, Sellable: s.Sellable(), HeldBack: []api.StockHold{}, Lots: []api.StockLot{}}
	for _, h := range s.Holds {
		out.HeldBack = append(out.HeldBack, api.StockHold{Location: h.Location, Lot: h.Lot, Units: h.Units, Reason: h.Reason, CountTaskId: h.CountTaskID})
	}
	for _, l := range s.Lots {
		lot := api.StockLot{Lot: l.Lot, OnHand: l.OnHand, Allocated: l.Allocated, Held: l.Held, Available: l.OnHand - l.Allocated - l.Held}
		if !l.Expiry.IsZero() {
			lot.Expiry = &openapi_types.Date{Time: l.Expiry}
		}
		out.Lots = append(out.Lots, lot)
	}
	return out
}

// GetStock answers GET /api/v1/stock/{sku}.
func (h apiHandlers) GetStock(ctx context.Context, req api.GetStockRequestObject) (api.GetStockResponseObject, error) {
	s, err := h.store.StockOf(ctx, merchantOf(ctx), req.Sku)
	if err != nil {
		return nil, err
	}
	return api.GetStock200JSONResponse(stockOut(s)), nil
}

// ListStock answers GET /api/v1/stock.
func (h apiHandlers) ListStock(ctx context.Context, req api.ListStockRequestObject) (api.ListStockResponseObject, error) {
	page, err := pageOf(req.Params.Limit, req.Params.Cursor, nil)
	if err != nil {
		return nil, err
	}
	ss, err := h.store.ListStock(ctx, merchantOf(ctx), page)
	if err != nil {
		return nil, err
	}
	ss, next := trimPage(ss, page, func(s *soko.StockSummary) int64 { return s.ProductID })
	out := api.StockList{Data: make([]api.Stock, len(ss)), NextCursor: next}
	for i, s := range ss {
		out.Data[i] = stockOut(s)
	}
	return api.ListStock200JSONResponse(out), nil
}

// GetStockSettings answers GET /api/v1/stock-settings.
func (h apiHandlers) GetStockSettings(ctx context.Context, _ api.GetStockSettingsRequestObject) (api.GetStockSettingsResponseObject, error) {
	m, err := h.store.MerchantByID(ctx, merchantOf(ctx))
	if err != nil {
		return nil, err
	}
	return api.GetStockSettings200JSONResponse{DefaultBuffer: m.StockBuffer}, nil
}

// PutStockSettings answers PUT /api/v1/stock-settings.
func (h apiHandlers) PutStockSettings(ctx context.Context, req api.PutStockSettingsRequestObject) (api.PutStockSettingsResponseObject, error) {
	m, err := h.store.SetStockBuffer(ctx, merchantOf(ctx), req.Body.DefaultBuffer)
	if err != nil {
		return nil, err
	}
	return api.PutStockSettings200JSONResponse{DefaultBuffer: m.StockBuffer}, nil
}

// GetStockFigures answers GET /ops/stock/figures: a product's stock as its
// merchant's API key reads it, for a supervisor.
func (h apiHandlers) GetStockFigures(ctx context.Context, req api.GetStockFiguresRequestObject) (api.GetStockFiguresResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	s, err := h.store.StockOf(ctx, req.Params.MerchantId, req.Params.Sku)
	if err != nil {
		return nil, err
	}
	return api.GetStockFigures200JSONResponse(stockOut(s)), nil
}
