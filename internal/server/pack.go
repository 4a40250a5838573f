package server

import (
	"context"
	"fmt"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// packStore is what pack.go's handlers need of the store.
type packStore interface {
	Pack(ctx context.Context, p *soko.PackRequest) (*soko.Order, error)
}

// PackOrder answers POST /ops/station/orders/{order_id}/pack. Each parcel's
// weight must be near what its box and share of the contents weigh.
func (h apiHandlers) PackOrder(ctx context.Context, req api.PackOrderRequestObject) (api.PackOrderResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPack)
	if err != nil {
		return nil, err
	}
	in := req.Body
	items, err := h.store.PackItems(ctx, req.OrderId)
	if err != nil {
		return nil, err
	}
	boxes, err := h.store.BoxTypes(ctx)
	if err != nil {
		return nil, err
	}
	expected := 0
	for _, it := range items {
		expected += it.WeightGrams * it.Quantity
	}
	weighed := 0
	p := &soko.PackRequest{OrderID: req.OrderId, StaffID: sess.Staff.ID, Device: sess.Device, Confirmed: deref(in.Confirmed)}
	for _, pc := range in.Parcels {
		for _, b := range boxes {
			if b.Code == pc.Box {
				expected += b.TareGrams
			}
		}
		weighed += pc.WeightGrams
		p.Parcels = append(p.Parcels, soko.PackedParcel{BoxCode: pc.Box, WeightGrams: pc.WeightGrams})
	}
	if diff := weighed - expected; diff > soko.WeightTolerance(expected) || -diff > soko.WeightTolerance(expected) {
		if !deref(in.ConfirmWeight) {
			return nil, soko.Errorf(soko.ECONFLICT, "the parcels weigh %d g but should weigh about %d g: a wrong or missing item?", weighed, expected).
				JA("重量が %d g です（想定 %d g）。商品違い・入れ忘れの可能性があります。確認のうえ確定してください", weighed, expected).
				WithField("weight_grams", "mismatch")
		}
		p.WeightNote = fmt.Sprintf("weight %d g, expected %d g, confirmed", weighed, expected)
	}
	o, err := h.store.Pack(ctx, p)
	if err != nil {
		return nil, err
	}
	out, err := h.stationOrder(ctx, o)
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
