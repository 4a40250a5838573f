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
	PackChecks(ctx context.Context, orderID int64) ([]soko.PackCheck, error)
}

// stationOrder builds what the packing station shows of an order: its
// lines with what was inspected, and the boxes it recommends.
func (s *Server) stationOrder(ctx context.Context, o *soko.Order) (api.StationOrder, error) {
	out := api.StationOrder{
		Id: o.ID, OrderNo: o.Number, Status: api.OrderStatus(o.Status), Gift: o.Gift.HidePrices,
		Carrier: &o.Carrier, Service: &o.Service, Lines: []api.StationLine{}, Recommended: []api.ParcelSuggestion{}, Checklist: []api.PackCheck{},
	}
	m, err := s.store.MerchantByID(ctx, o.MerchantID)
	if err != nil {
		return out, err
	}
	out.MerchantCode, out.MerchantName = m.Code, &m.Name
	if c, ok := carrier.Find(o.Carrier); ok {
		label := c.Name.In(langOf(ctx))
		if sv, ok := c.Service(o.Service); ok {
			label += " " + sv.Name.In(langOf(ctx))
		}
		out.CarrierLabel = &label
	}
	// The orders that leave in this one's parcel (同梱) are inspected and
	// packed with it: their lines follow its own, each naming its order.
	group, err := s.consolidationOf(ctx, o)
	if err != nil {
		return out, err
	}
	sets := map[int64]string{}
	for _, g := range group {
		for _, l := range g.Lines {
			if l.IsSet {
				sets[l.ID] = l.Name + "（" + l.SKU + " ×" + strconv.Itoa(l.Quantity) + "）"
				continue // its components are scanned instead
			}
			line := api.StationLine{Sku: l.SKU, Name: l.Name, Quantity: l.Quantity, Inspected: l.Inspected}
			if set, ok := sets[l.SetLineID]; ok {
				line.Set = &set
			}
			if len(group) > 1 {
				line.OrderNo = &g.Number
			}
			out.Lines = append(out.Lines, line)
		}
	}
	items, err := s.store.PackItems(ctx, o.ID)
	if err != nil {
		return out, err
	}
	if o.Status == soko.OrderPicked || o.Status == soko.OrderInspected {
		checks, err := s.store.PackChecks(ctx, o.ID)
		if err != nil {
			return out, err
		}
		out.Checklist = packChecksOut(checks, langOf(ctx))
	} else {
		out.Checklist = packChecksOut(soko.PackChecks(o.Gift, nil), langOf(ctx))
	}
	boxes, err := s.store.BoxTypes(ctx)
	if err != nil {
		return out, err
	}
	for _, p := range soko.RecommendBoxes(items, boxes, o.ThinAllowed(carrier.ServiceThin(o.Carrier, o.Service))) {
		name := p.Box.Name
		out.Recommended = append(out.Recommended, api.ParcelSuggestion{Box: p.Box.Code, BoxName: &name, WeightGrams: p.WeightGrams})
	}
	return out, nil
}
