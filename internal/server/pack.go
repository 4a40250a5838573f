package server

import (
	"context"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// packStore is what pack.go's handlers need of the store.
type packStore interface {
	Pack(ctx context.Context, p *soko.PackRequest) (*soko.Order, error)
}

// PackOrder answers POST /ops/station/orders/{order_id}/pack. The parcels
// together must weigh near what their boxes and the contents weigh, unless
// the packer confirms the scale (the store checks, under the order's lock).
func (h apiHandlers) PackOrder(ctx context.Context, req api.PackOrderRequestObject) (api.PackOrderResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPack)
	if err != nil {
		return nil, err
	}
	in := req.Body
	p := &soko.PackRequest{OrderID: req.OrderId, StaffID: sess.Staff.ID, Device: sess.Device, Confirmed: deref(in.Confirmed),
		ConfirmWeight: deref(in.ConfirmWeight)}
	for _, pc := range in.Parcels {
		p.Parcels = append(p.Parcels, soko.PackedParcel{BoxCode: pc.Box, WeightGrams: pc.WeightGrams})
	}
	o, err := h.store.Pack(ctx, p)
	if err != nil {
		return nil, err
	}
	out, err := h.stationOrder(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	return api.PackOrder200JSONResponse(out), nil
}

// ListBoxTypes answers GET /ops/box-types.
func (h apiHandlers) ListBoxTypes(ctx context.Context, _ api.ListBoxTypesRequestObject) (api.ListBoxTypesResponseObject, error) {
	boxes, err := h.store.BoxTypes(ctx)
	if err != nil {
		return nil, err
	}
	out := make(api.ListBoxTypes200JSONResponse, len(boxes))
	for i, b := range boxes {
		out[i] = api.BoxType{Code: b.Code, Name: b.Name, InnerLengthMm: b.InnerLengthMM, InnerWidthMm: b.InnerWidthMM, InnerHeightMm: b.InnerHeightMM,
			MaxWeightGrams: b.MaxWeightGrams, TareGrams: b.TareGrams, SizeClass: b.SizeClass, Thin: b.Thin, Service: &b.Service}
	}
	return out, nil
}
