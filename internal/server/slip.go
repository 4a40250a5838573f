package server

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/soko-wms/soko/internal/pdf"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// slipStore is what slip.go's handlers need of the store.
type slipStore interface {
	RecordPrint(ctx context.Context, orderID int64, document string, staffID int64) (reprint bool, err error)
	Parcels(ctx context.Context, orderID int64) ([]soko.Parcel, error)
	WaveOrders(ctx context.Context, waveNumber string) ([]*soko.Order, error)
}

// documents gathers an order's packing slip and, once it is labeled, its
// labels, and reports whether it added labels.
func (s *Server) documents(ctx context.Context, o *soko.Order, d *pdf.DocumentData) (labeled bool, err error) {
	m, err := s.store.MerchantByID(ctx, o.MerchantID)
	if err != nil {
		return false, err
	}
	// The orders that leave in o's parcel (同梱) are on its slip, and the
	// label collects their cash on delivery too.
	group, err := s.consolidationOf(ctx, o)
	if err != nil {
		return false, err
	}
	others, onLabel := groupDocuments(group)
	d.Slips = append(d.Slips, pdf.SlipData{Merchant: *m, Order: *o, Others: others})
	parcels, err := s.store.Parcels(ctx, o.ID)
	if err != nil {
		return false, err
	}
	for _, p := range parcels {
		if p.TrackingNumber != "" {
			d.Labels = append(d.Labels, pdf.LabelData{Merchant: *m, Order: onLabel, Parcel: p, Parcels: len(parcels)})
			labeled = true
		}
	}
	return labeled, nil
}

// PrintSlip answers GET /ops/station/orders/{order_id}/slip.pdf: the
// packing slip (納品書). Every print, and every reprint, is logged.
func (h apiHandlers) PrintSlip(ctx context.Context, req api.PrintSlipRequestObject) (api.PrintSlipResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPack)
	if err != nil {
		return nil, err
	}
	o, err := h.store.OrderByID(ctx, req.OrderId)
	if err != nil {
		return nil, err
	}
	m, err := h.store.MerchantByID(ctx, o.MerchantID)
	if err != nil {
		return nil, err
	}
	group, err := h.consolidationOf(ctx, o)
	if err != nil {
		return nil, err
	}
	o = group[0]
	others, _ := groupDocuments(group)
	opt := pdf.SlipOptions{Size: pdf.A4, Now: h.now, DPI: h.printerDPI}
	if deref(req.Params.Size) == "a5" {
		opt.Size = pdf.A5
	}
	var buf bytes.Buffer
	if err := pdf.Slip(&buf, pdf.SlipData{Merchant: *m, Order: *o, Others: others}, opt); err != nil {
		return nil, err
	}
	if _, err := h.store.RecordPrint(ctx, o.ID, "slip", sess.Staff.ID); err != nil {
		return nil, err
	}
	return api.PrintSlip200ApplicationpdfResponse{Body: &buf, ContentLength: int64(buf.Len())}, nil
}

// PrintDocuments answers GET /ops/station/orders/{order_id}/documents.pdf:
// slip and labels in one document, as the station prints them in one action.
func (h apiHandlers) PrintDocuments(ctx context.Context, req api.PrintDocumentsRequestObject) (api.PrintDocumentsResponseObject, error) {
	buf, _, err := h.printOrders(ctx, func() ([]*soko.Order, error) {
		o, err := h.store.OrderByID(ctx, req.OrderId)
		if err == nil && o.ConsolidatedInto != 0 {
			// Its papers are those of the order whose parcel it leaves in.
			o, err = h.store.OrderByID(ctx, o.ConsolidatedInto)
		}
		return []*soko.Order{o}, err
	}, string(deref(req.Params.Papers)), false)
	if err != nil {
		return nil, err
	}
	return api.PrintDocuments200ApplicationpdfResponse{Body: buf, ContentLength: int64(buf.Len())}, nil
}

// PrintWave answers GET /ops/waves/{wave_no}/documents.pdf: every slip and
// label of a wave in one document, tote by tote. An order that cannot be
// printed does not stop the rest: the last page lists it with why, and the
// Soko-Unprinted header names it.
func (h apiHandlers) PrintWave(ctx context.Context, req api.PrintWaveRequestObject) (api.PrintWaveResponseObject, error) {
	buf, unprinted, err := h.printOrders(ctx, func() ([]*soko.Order, error) {
		orders, err := h.store.WaveOrders(ctx, req.WaveNo)
		// An order that leaves in another's parcel is on that one's papers.
		return slices.DeleteFunc(orders, func(o *soko.Order) bool { return o.ConsolidatedInto != 0 }), err
	}, string(deref(req.Params.Papers)), true)
	if err != nil {
		return nil, err
	}
	out := api.PrintWave200ApplicationpdfResponse{Body: buf, ContentLength: int64(buf.Len())}
	if len(unprinted) > 0 {
		out.Headers.SokoUnprinted = ptr(strings.Join(unprinted, ", "))
	}
	return out, nil
}

// printOrders renders the slips and labels of the orders load finds in one
// PDF for the packing station — only the slips or only the labels when
// papers says so — and logs every print once the PDF is made: a document
// that could not be rendered was not printed. With partial, an
// order whose papers cannot be printed is left out and listed on the last
// page, and its number returned; without, it fails the whole document.
// When no order at all can be printed, the first one's problem is the answer.
func (h apiHandlers) printOrders(ctx context.Context, load func() ([]*soko.Order, error), papers string, partial bool) (*bytes.Buffer, []string, error) {
	sess, err := allow(ctx, soko.MenuPack)
	if err != nil {
		return nil, nil, err
	}
	orders, err := load()
	if err != nil {
		return nil, nil, err
	}
	opt := pdf.DocumentOptions{Now: h.now, DPI: h.printerDPI}
	var d pdf.DocumentData
	var printed []*soko.Order
	var labeled []bool
	var unprinted []string
	var firstErr error
	for _, o := range orders {
		var one pdf.DocumentData
		l, err := h.documents(ctx, o, &one)
		if err != nil {
			return nil, nil, err
		}
		switch papers {
		case "slips":
			one.Labels, l = nil, false
		case "labels":
			if !l {
				continue // nothing of this order is a label yet
			}
			one.Slips = nil
		}
		if partial {
			if err := pdf.Printable(one, opt); err != nil {
				if soko.ErrorCode(err) != soko.EINVALID {
					return nil, nil, err
				}
				firstErr = cmp.Or(firstErr, err)
				merchant := ""
				if len(one.Slips) > 0 {
					merchant = one.Slips[0].Merchant.Name
				}
				d.Unprinted = append(d.Unprinted, pdf.Unprinted{Merchant: merchant, OrderNumber: o.Number, Reason: japaneseOf(err)})
				unprinted = append(unprinted, o.Number)
				continue
			}
		}
		d.Slips = append(d.Slips, one.Slips...)
		d.Labels = append(d.Labels, one.Labels...)
		printed = append(printed, o)
		labeled = append(labeled, l)
	}
	if len(printed) == 0 && firstErr != nil {
		return nil, nil, firstErr
	}
	var buf bytes.Buffer
	if err := pdf.Document(&buf, d, opt); err != nil {
		return nil, nil, err
	}
	for i, o := range printed {
		if papers != "labels" {
			if _, err := h.store.RecordPrint(ctx, o.ID, "slip", sess.Staff.ID); err != nil {
				return nil, nil, err
			}
		}
		if labeled[i] {
			if _, err := h.store.RecordPrint(ctx, o.ID, "label", sess.Staff.ID); err != nil {
				return nil, nil, err
			}
		}
	}
	return &buf, unprinted, nil
}

// japaneseOf is an error's message as the floor reads it.
func japaneseOf(err error) string {
	var e *soko.Error
	if errors.As(err, &e) && e.Message.JA != "" {
		return e.Message.JA
	}
	return err.Error()
}

// PrintLocationLabels answers GET /ops/location-labels.pdf.
func (h apiHandlers) PrintLocationLabels(ctx context.Context, req api.PrintLocationLabelsRequestObject) (api.PrintLocationLabelsResponseObject, error) {
	if _, err := allow(ctx, soko.MenuConsole); err != nil {
		return nil, err
	}
	locs, err := h.store.Locations(ctx, deref(req.Params.Zone))
	if err != nil {
		return nil, err
	}
	if len(locs) == 0 {
		return nil, soko.Errorf(soko.ENOTFOUND, "no locations in zone %s", deref(req.Params.Zone)).JA("ゾーン %s にロケーションがありません", deref(req.Params.Zone))
	}
	var buf bytes.Buffer
	if err := pdf.LocationLabels(&buf, locs, pdf.LocationLabelOptions{Now: h.now, DPI: h.printerDPI}); err != nil {
		return nil, err
	}
	return api.PrintLocationLabels200ApplicationpdfResponse{Body: &buf, ContentLength: int64(buf.Len())}, nil
}
