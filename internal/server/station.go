package server

import (
	"context"
	"strconv"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// stationStore is what station.go's handlers need of the store.
type stationStore interface {
	StationView(ctx context.Context, orderID int64) (*soko.StationView, error)
}

// stationOrder builds what the packing station shows of an order: its
// lines with what was inspected, and the boxes it recommends.
func (s *Server) stationOrder(ctx context.Context, orderID int64) (api.StationOrder, error) {
	v, err := s.store.StationView(ctx, orderID)
	if err != nil {
		return api.StationOrder{}, err
	}
	return stationOrderOut(ctx, v), nil
}

func stationOrderOut(ctx context.Context, v *soko.StationView) api.StationOrder {
	o := v.Order
	out := api.StationOrder{
		Id: o.ID, OrderNo: o.Number, Status: api.OrderStatus(o.Status), Gift: o.Gift.HidePrices,
		Carrier: &o.Carrier, Service: &o.Service, Lines: []api.StationLine{}, Recommended: []api.ParcelSuggestion{},
		MerchantCode: v.Merchant.Code, MerchantName: &v.Merchant.Name, Checklist: packChecksOut(v.Checks, langOf(ctx)),
	}
	if c, ok := carrier.Find(o.Carrier); ok {
		label := c.Name.In(langOf(ctx))
		if sv, ok := c.Service(o.Service); ok {
			label += " " + sv.Name.In(langOf(ctx))
		}
		out.CarrierLabel = &label
	}
	// The orders that leave in this one's parcel (同梱) are inspected and
	// packed with it: their lines follow its own, each naming its order.
	sets := map[int64]string{}
	for _, g := range v.Group {
		for _, l := range g.Lines {
			if l.IsSet {
				sets[l.ID] = l.Name + "（" + l.SKU + " ×" + strconv.Itoa(l.Quantity) + "）"
				continue // its components are scanned instead
			}
			line := api.StationLine{Sku: l.SKU, Name: l.Name, Quantity: l.Quantity, Inspected: l.Inspected}
			if set, ok := sets[l.SetLineID]; ok {
				line.Set = &set
			}
			if len(v.Group) > 1 {
				line.OrderNo = &g.Number
			}
			out.Lines = append(out.Lines, line)
		}
	}
	for _, p := range soko.RecommendBoxes(v.Items, v.Boxes, o.ThinAllowed(carrier.ServiceThin(o.Carrier, o.Service))) {
		name := p.Box.Name
		out.Recommended = append(out.Recommended, api.ParcelSuggestion{Box: p.Box.Code, BoxName: &name, WeightGrams: p.WeightGrams})
	}
	return out
}
