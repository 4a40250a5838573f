package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// countStore is what count.go's handlers need of the store.
type countStore interface {
	Count(ctx context.Context, c *soko.Count, rules soko.AllocationRules) (*soko.CountResult, error)
}

// CountLocation answers POST /ops/counts: what a counter found at a location.
func (h apiHandlers) CountLocation(ctx context.Context, req api.CountLocationRequestObject) (api.CountLocationResponseObject, error) {
	sess, err := allow(ctx, soko.MenuCount)
	if err != nil {
		return nil, err
	}
	in := req.Body
	c := &soko.Count{ScanID: in.ScanId, StaffID: sess.Staff.ID, Device: sess.Device, Location: in.Location, Reason: deref(in.Reason)}
	for i, l := range in.Lines {
		item, err := h.resolve(ctx, l.Code, 0, in.Location)
		if err != nil {
			var se *soko.Error
			if errors.As(err, &se) {
				for j := range se.Fields {
					se.Fields[j].Field = fmt.Sprintf("lines[%d].%s", i, se.Fields[j].Field)
				}
			}
			return nil, err
		}
		lot := item.Code.Lot
		if lot == "" {
			lot = deref(l.Lot)
		}
		c.Lines = append(c.Lines, soko.CountLine{ProductID: item.Product.ID, Lot: lot, Quantity: l.Quantity})
	}
	res, err := h.store.Count(ctx, c, h.rules)
	if err != nil {
		return nil, err
	}
	out := api.CountResult{Location: in.Location, ShortOrders: res.Short, ReallocatedOrders: res.Reallocated}
	if out.ShortOrders == nil {
		out.ShortOrders = []string{}
	}
	if out.ReallocatedOrders == nil {
		out.ReallocatedOrders = []string{}
	}
	grew := false
	for _, l := range res.Lines {
		out.Lines = append(out.Lines, api.CountedLine{Before: l.Before, Counted: l.Counted, Difference: l.Counted - l.Before, Lot: l.Lot, Name: l.Name, Sku: l.SKU})
		grew = grew || l.Counted > l.Before
	}
	if grew {
		h.stockArrived()
	}
	return api.CountLocation200JSONResponse(out), nil
}
