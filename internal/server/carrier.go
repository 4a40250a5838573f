package server

import (
	"context"
	"slices"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// ListCarriers answers GET /api/v1/carriers: the carrier table, as orders
// may name it, with the warehouse's open pickups from today on.
func (h apiHandlers) ListCarriers(ctx context.Context, _ api.ListCarriersRequestObject) (api.ListCarriersResponseObject, error) {
	open, err := h.store.ListManifests(ctx, soko.ManifestFilter{Status: soko.ManifestOpen})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(open, func(a, b *soko.Manifest) int { return a.Cutoff().Compare(b.Cutoff()) })
	today := soko.WorkDay(h.now())
	all := carrier.All()
	out := api.CarrierList{Data: make([]api.Carrier, len(all))}
	for i, c := range all {
		ac := api.Carrier{
			Code: c.Code, Name: c.Name.JA, NameEn: c.Name.EN, TrackingUrlTemplate: c.TrackingURLTemplate,
			Services: make([]api.CarrierService, len(c.Services)), TimeSlots: []api.TimeSlot{}, Pickups: []api.CarrierPickup{},
		}
		for j, s := range c.Services {
			ac.Services[j] = api.CarrierService{
				Code: s.Code, Name: s.Name.JA, NameEn: s.Name.EN, Cod: s.COD, MaxCodAmount: s.MaxCODAmount,
				Thin: s.Thin, Cool: s.Cool, SizeClasses: append([]int{}, s.SizeClasses...),
			}
		}
		for _, s := range c.TimeSlots() {
			ac.TimeSlots = append(ac.TimeSlots, api.TimeSlot(s))
		}
		for _, m := range open {
			if m.Carrier == c.Code && !soko.WorkDay(m.Cutoff()).Before(today) {
				ac.Pickups = append(ac.Pickups, api.CarrierPickup{Date: openapi_types.Date{Time: m.PickupDate}, Time: m.PickupTime, Cutoff: m.Cutoff()})
			}
		}
		out.Data[i] = ac
	}
	return api.ListCarriers200JSONResponse(out), nil
}
