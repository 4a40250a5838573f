package server

import (
	"bytes"
	"context"

	"github.com/soko-wms/soko/internal/pdf"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// PrintSlip answers GET /ops/station/orders/{order_id}/slip.pdf: the
// packing slip (納品書). Every print, and every reprint, is logged with who printed it.
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
	opt := pdf.SlipOptions{Size: pdf.A4, Now: h.now}
	if deref(req.Params.Size) == "a5" {
		opt.Size = pdf.A5
	}
	var buf bytes.Buffer
	if err := pdf.Slip(&buf, pdf.SlipData{Merchant: *m, Order: *o}, opt); err != nil {
		return nil, err
	}
	if _, err := h.store.RecordPrint(ctx, o.ID, "slip", sess.Staff.ID); err != nil {
		return nil, err
	}
	return api.PrintSlip200ApplicationpdfResponse{Body: &buf, ContentLength: int64(buf.Len())}, nil
}
