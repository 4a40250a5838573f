package server

import (
	"context"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// deliveryStore is what delivery.go's handlers need of the store.
type deliveryStore interface {
	ListDeliveries(ctx context.Context, f soko.DeliveryFilter, page soko.Page) ([]*soko.OutboxMessage, error)
	Delivery(ctx context.Context, id int64) (*soko.OutboxMessage, error)
	ListDeliveryAttempts(ctx context.Context, id int64) ([]soko.WebhookDelivery, error)
	Redeliver(ctx context.Context, f soko.DeliveryFilter, id int64) (*soko.OutboxMessage, error)
}

func opsDeliveryOut(m *soko.OutboxMessage) api.OpsDelivery {
	d := deliveryOut(m)
	return api.OpsDelivery{
		Id: d.Id, Channel: api.OpsDeliveryChannel(m.Channel), EventType: d.EventType, MerchantId: m.MerchantID, OrderNo: d.OrderNo,
		Status: api.OpsDeliveryStatus(d.Status), Attempts: d.Attempts, LastError: d.LastError, NextAttemptAt: d.NextAttemptAt, CreatedAt: d.CreatedAt,
	}
}

// ListOpsDeliveries answers GET /ops/deliveries: every merchant's emails
// and webhooks, for the supervisors who see what did not arrive.
func (h apiHandlers) ListOpsDeliveries(ctx context.Context, req api.ListOpsDeliveriesRequestObject) (api.ListOpsDeliveriesResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	page, err := pageOf(req.Params.Limit, req.Params.Cursor, nil)
	if err != nil {
		return nil, err
	}
	f := soko.DeliveryFilter{Channel: string(deref(req.Params.Channel)), Status: soko.OutboxStatus(deref(req.Params.Status))}
	ms, err := h.store.ListDeliveries(ctx, f, page)
	if err != nil {
		return nil, err
	}
	ms, next := trimPage(ms, page, func(m *soko.OutboxMessage) int64 { return m.ID })
	out := api.OpsDeliveryList{Data: make([]api.OpsDelivery, len(ms)), NextCursor: next}
	for i, m := range ms {
		out.Data[i] = opsDeliveryOut(m)
	}
	return api.ListOpsDeliveries200JSONResponse(out), nil
}

// GetOpsDelivery answers GET /ops/deliveries/{delivery_id}.
func (h apiHandlers) GetOpsDelivery(ctx context.Context, req api.GetOpsDeliveryRequestObject) (api.GetOpsDeliveryResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	m, err := h.store.Delivery(ctx, req.DeliveryId)
	if err != nil {
		return nil, err
	}
	attempts, err := h.store.ListDeliveryAttempts(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	d := opsDeliveryOut(m)
	out := api.GetOpsDelivery200JSONResponse{
		Id: d.Id, Channel: api.OpsDeliveryDetailChannel(d.Channel), EventType: d.EventType, MerchantId: d.MerchantId, OrderNo: d.OrderNo,
		Status: api.OpsDeliveryDetailStatus(d.Status), Attempts: d.Attempts, LastError: d.LastError, NextAttemptAt: d.NextAttemptAt,
		CreatedAt: d.CreatedAt, Payload: string(m.Payload), AttemptLog: make([]api.DeliveryAttempt, len(attempts)),
	}
	for i, a := range attempts {
		out.AttemptLog[i] = api.DeliveryAttempt{Attempt: a.Attempt, StatusCode: a.StatusCode, DurationMs: a.DurationMS, At: apiTime(a.CreatedAt)}
		if a.Error != "" {
			out.AttemptLog[i].Error = ptr(a.Error)
		}
	}
	return out, nil
}

// RedeliverOps answers POST /ops/deliveries/{delivery_id}/redeliver.
func (h apiHandlers) RedeliverOps(ctx context.Context, req api.RedeliverOpsRequestObject) (api.RedeliverOpsResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	m, err := h.store.Redeliver(ctx, soko.DeliveryFilter{}, req.DeliveryId)
	if err != nil {
		return nil, err
	}
	return api.RedeliverOps200JSONResponse(opsDeliveryOut(m)), nil
}
