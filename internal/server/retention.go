package server

import (
	"context"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// retentionStore erases customers' personal data and keeps merchants' retention.
type retentionStore interface {
	ErasePersonalData(ctx context.Context, merchantID int64, number string) (*soko.Order, error)
	SetRetention(ctx context.Context, merchantID int64, days int) (*soko.Merchant, error)
}

// ErasePersonalData answers POST /api/v1/orders/{order_no}/erase-personal-data.
func (h apiHandlers) ErasePersonalData(ctx context.Context, req api.ErasePersonalDataRequestObject) (api.ErasePersonalDataResponseObject, error) {
	o, err := h.store.ErasePersonalData(ctx, merchantOf(ctx), req.OrderNo)
	if err != nil {
		return nil, err
	}
	return api.ErasePersonalData200JSONResponse(orderOut(o)), nil
}

// GetRetention answers GET /api/v1/personal-data-retention.
func (h apiHandlers) GetRetention(ctx context.Context, _ api.GetRetentionRequestObject) (api.GetRetentionResponseObject, error) {
	m, err := h.store.MerchantByID(ctx, merchantOf(ctx))
	if err != nil {
		return nil, err
	}
	return api.GetRetention200JSONResponse{RetentionDays: m.RetentionDays}, nil
}

// PutRetention answers PUT /api/v1/personal-data-retention.
func (h apiHandlers) PutRetention(ctx context.Context, req api.PutRetentionRequestObject) (api.PutRetentionResponseObject, error) {
	m, err := h.store.SetRetention(ctx, merchantOf(ctx), req.Body.RetentionDays)
	if err != nil {
		return nil, err
	}
	return api.PutRetention200JSONResponse{RetentionDays: m.RetentionDays}, nil
}
