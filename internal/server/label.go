package server

import (
	"context"
	"fmt"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// labelStore is what label.go's handlers need of the store.
type labelStore interface {
	CreateTrackingRange(ctx context.Context, r *soko.TrackingRange) error
	ListTrackingRanges(ctx context.Context) ([]soko.TrackingRange, error)
	Label(ctx context.Context, orderID, staffID int64, device string) (*soko.LabelResult, error)
}

func rangeOut(r soko.TrackingRange) api.TrackingRange {
	return api.TrackingRange{Carrier: r.Carrier, Service: r.Service, First: r.First, Last: r.Last, Next: r.Next,
		Remaining: r.Remaining(), NearlyUsedUp: r.NearlyUsedUp()}
}

// ListTrackingRanges answers GET /ops/tracking-ranges.
func (h apiHandlers) ListTrackingRanges(ctx context.Context, _ api.ListTrackingRangesRequestObject) (api.ListTrackingRangesResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	rs, err := h.store.ListTrackingRanges(ctx)
	if err != nil {
		return nil, err
	}
	out := make(api.ListTrackingRanges200JSONResponse, len(rs))
	for i, r := range rs {
		out[i] = rangeOut(r)
	}
	return out, nil
}

// CreateTrackingRange answers POST /ops/tracking-ranges.
func (h apiHandlers) CreateTrackingRange(ctx context.Context, req api.CreateTrackingRangeRequestObject) (api.CreateTrackingRangeResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	in := req.Body
	if c, _ := carrier.Find(string(in.Carrier)); in.Service != nil && *in.Service != "" {
		if _, ok := c.Service(*in.Service); !ok {
			return nil, soko.Errorf(soko.EINVALID, "%s has no service %s", in.Carrier, *in.Service).
				JA("%s にサービス %s はありません", c.Name.JA, *in.Service).WithField("service", "unknown")
		}
	}
	r := &soko.TrackingRange{Carrier: string(in.Carrier), Service: deref(in.Service), First: in.First, Last: in.Last}
	if err := h.store.CreateTrackingRange(ctx, r); err != nil {
		return nil, err
	}
	return api.CreateTrackingRange201JSONResponse(rangeOut(*r)), nil
}

// LabelOrder answers POST /ops/station/orders/{order_id}/label.
func (h apiHandlers) LabelOrder(ctx context.Context, req api.LabelOrderRequestObject) (api.LabelOrderResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPack)
	if err != nil {
		return nil, err
	}
	lang := langOf(ctx)
	res, err := h.store.Label(ctx, req.OrderId, sess.Staff.ID, sess.Device)
	if err != nil {
		return nil, err
	}
	view, err := h.stationOrder(ctx, res.Order.ID)
	if err != nil {
		return nil, err
	}
	out := api.LabelResult{Order: view, Parcels: []api.LabeledParcel{}, Warnings: []api.TrackingRange{}}
	c, _ := carrier.Find(res.Order.Carrier)
	for _, p := range res.Parcels {
		url := ""
		if c != nil {
			url = c.TrackingURL(p.TrackingNumber)
		}
		out.Parcels = append(out.Parcels, api.LabeledParcel{Parcel: p.Seq, TrackingNumber: p.TrackingNumber, TrackingUrl: url})
	}
	for _, w := range res.Warnings {
		out.Warnings = append(out.Warnings, rangeOut(w))
	}
	out.Message = soko.Text{JA: fmt.Sprintf("送り状を発行しました（%d個口）", len(res.Parcels)), EN: fmt.Sprintf("Labelled %d parcel(s)", len(res.Parcels))}.In(lang)
	if len(out.Warnings) > 0 {
		out.Message += soko.Text{JA: "。送り状番号の残りが少なくなっています", EN: ". A tracking-number range is running low"}.In(lang)
	}
	return api.LabelOrder200JSONResponse(out), nil
}
