package server

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

func rowProblems(ps []carrier.RowProblem, lang string) []api.RowProblem {
	out := make([]api.RowProblem, len(ps))
	for i, p := range ps {
		out[i] = api.RowProblem{Row: p.Row, Field: p.Field, Message: localized(lang, p.Problem, p.ProblemEN)}
		if p.OrderNumber != "" {
			out[i].OrderNo = &ps[i].OrderNumber
		}
	}
	return out
}

// ExportCarrierCSV answers GET /ops/carrier-exports/{carrier}.
func (h apiHandlers) ExportCarrierCSV(ctx context.Context, req api.ExportCarrierCSVRequestObject) (api.ExportCarrierCSVResponseObject, error) {
	if _, err := allow(ctx, soko.MenuPack); err != nil {
		return nil, err
	}
	code := string(req.Carrier)
	parcels, orders, merchants, err := h.store.ParcelsToExport(ctx, code)
	if err != nil {
		return nil, err
	}
	count := map[int64]int{}
	for _, p := range parcels {
		count[p.OrderID]++
	}
	rows := make([]carrier.ExportRow, len(parcels))
	for i, p := range parcels {
		o := orders[p.OrderID]
		item, others := "", 0
		if len(o.Lines) > 0 {
			// As the label prints it: the first product, 他N点 the rest.
			item, others = o.Lines[0].Name, len(o.Lines)-1
		}
		rows[i] = carrier.ExportRow{Parcel: p, Parcels: count[p.OrderID], Order: *o, Merchant: *merchants[o.MerchantID],
			ShipDate: h.now(), ItemName: item, OtherItems: others}
	}
	var buf bytes.Buffer
	problems, err := carrier.Export(&buf, code, rows)
	if err != nil {
		return nil, err
	}
	left := map[int]bool{}
	for _, p := range problems {
		left[p.Row] = true
	}
	return api.ExportCarrierCSV200JSONResponse{
		Filename: fmt.Sprintf("%s-%s.csv", code, h.now().In(japan).Format("20060102-1504")),
		Rows:     len(rows) - len(left), Csv: buf.Bytes(), Problems: rowProblems(problems, langOf(ctx)),
	}, nil
}

// ImportCarrierCSV answers POST /ops/carrier-imports/{carrier}.
func (h apiHandlers) ImportCarrierCSV(ctx context.Context, req api.ImportCarrierCSVRequestObject) (api.ImportCarrierCSVResponseObject, error) {
	sess, err := allow(ctx, soko.MenuPack)
	if err != nil {
		return nil, err
	}
	code, lang := string(req.Carrier), langOf(ctx)
	issued, problems, err := carrier.ImportIssued(io.LimitReader(req.Body, 10<<20), code)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(issued))
	for i, is := range issued {
		ids[i] = is.ParcelID
	}
	candidates, numbers, err := h.store.ParcelsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	matched, unmatched := carrier.Match(code, issued, candidates, numbers)
	problems = append(problems, unmatched...)
	labeled, err := h.store.AttachTrackingNumbers(ctx, matched, sess.Staff.ID)
	if err != nil {
		return nil, err
	}
	if labeled == nil {
		labeled = []string{}
	}
	return api.ImportCarrierCSV200JSONResponse{Attached: len(matched), LabeledOrders: labeled, Problems: rowProblems(problems, lang)}, nil
}
